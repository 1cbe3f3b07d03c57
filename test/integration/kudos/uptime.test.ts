import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { sweepUptime } from "../../../src/tasks/index.ts";
import { MyKudosDocument, WorkerDocument } from "../../generated/graphql.ts";
import { startTestApp, useTestApp } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import { balance, expectLedgerBalanced, ledgerOf } from "../../support/kudos.ts";
import { pop } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
// Registered after useTestApp, so it runs before the server stops (after-hooks run in reverse).
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});

const MINUTE = 60_000;

/** A fresh owner and worker; `checkIn()` is one pop (which registers the worker the first time). */
async function worker(extra: Record<string, unknown> = {}) {
  // trusted: an untrusted owner's uptime reward goes to escrow (test/integration/trust/escrow-always.test.ts)
  const owner = await seedUser(ctx.db, { trusted: true });
  const name = `up-${owner.id}`;
  const checkIn = async () => {
    const r = await pop(ctx.t, owner.apiKey, { name, models: ["stable_diffusion"], ...extra });
    // a worker in maintenance is told so, and is checked in all the same
    expect(r.__typename === "PopImageJobPayload" || r.code === "WorkerMaintenance").toBe(true);
  };
  await checkIn();
  const [row] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
  return { owner, name, id: row!.id, checkIn };
}

async function uptimeOf(id: string) {
  const [row] = await ctx.db.query<{ uptime: number; last_reward_uptime: number; kudos: string }>(
    "SELECT uptime, last_reward_uptime, kudos::text FROM workers WHERE id = $1",
    [id],
  );
  return row!;
}

async function rewards(userId: number) {
  return (await ledgerOf(ctx.db, userId)).filter((r) => r.kind === "uptime_reward");
}

/** `minutes` times: a minute passes, the worker checks in, the sweep runs. */
async function online(
  w: { checkIn(): Promise<void> },
  minutes: number,
  sweep: () => Promise<unknown> = () => sweepUptime(ctx.t.deps),
) {
  for (let i = 0; i < minutes; i++) {
    clock.advance(MINUTE);
    await w.checkIn();
    await sweep();
  }
}

describe("uptime rewards", () => {
  it("pays a worker's owner 50 + 2 per model for every 10 minutes online, once each", async () => {
    const w = await worker({ models: ["stable_diffusion", "Deliberate"] });
    await sweepUptime(ctx.t.deps); // first seen: counting starts at its check-in
    await online(w, 9);
    expect(await uptimeOf(w.id)).toMatchObject({ uptime: 540, last_reward_uptime: 0 });
    expect(await rewards(w.owner.id)).toEqual([]);
    await online(w, 1);
    expect(await rewards(w.owner.id)).toEqual([
      expect.objectContaining({ kind: "uptime_reward", amount: "54.00", worker_id: w.id }),
    ]);
    expect(await uptimeOf(w.id)).toEqual({ uptime: 600, last_reward_uptime: 600, kudos: "54.00" });
    // sweeping again at the same instant pays nothing more
    await sweepUptime(ctx.t.deps);
    await sweepUptime(ctx.t.deps);
    expect(await rewards(w.owner.id)).toHaveLength(1);
    await online(w, 10);
    expect(await rewards(w.owner.id)).toHaveLength(2);
    expect(await balance(ctx.db, w.owner.id)).toBe(108);
    const stats = await ctx.t.gql(WorkerDocument, {
      id: w.id,
    });
    expect(stats.data.worker!.stats).toEqual({ uptime: 1200, kudosRewarded: 108 });
    const details = await ctx.t.gql(MyKudosDocument, {}, { apikey: w.owner.apiKey });
    expect(details.data.me.kudosDetails.uptime).toBe(108);
  });

  it("adds 30 for a worker that takes LoRAs", async () => {
    const w = await worker({ allowLora: true });
    await sweepUptime(ctx.t.deps);
    await online(w, 10);
    expect((await rewards(w.owner.id)).map((r) => r.amount)).toEqual(["82.00"]);
  });

  it("pays each period once however many instances sweep at the same time", async () => {
    const other = await startTestApp(onPostgres ? ctx.tdb.connect() : ctx.db, { clock });
    try {
      const w = await worker();
      const everywhere = async () => {
        await Promise.all([
          sweepUptime(ctx.t.deps),
          sweepUptime(other.deps),
          sweepUptime(ctx.t.deps),
          sweepUptime(other.deps),
        ]);
      };
      await everywhere();
      await online(w, 10, everywhere);
      expect(await rewards(w.owner.id)).toHaveLength(1);
      expect(await uptimeOf(w.id)).toMatchObject({ uptime: 600, last_reward_uptime: 600 });
    } finally {
      await other.stop();
    }
  });

  it("counts time its check-ins cover, not time the sweep happens to run", async () => {
    const w = await worker();
    await sweepUptime(ctx.t.deps);
    // check-ins every minute, but no sweep for five of them
    for (let i = 0; i < 5; i++) {
      clock.advance(MINUTE);
      await w.checkIn();
    }
    await sweepUptime(ctx.t.deps);
    expect((await uptimeOf(w.id)).uptime).toBe(300);
    // the worker goes quiet: time after its last check-in does not count
    clock.advance(4 * MINUTE);
    await sweepUptime(ctx.t.deps);
    expect((await uptimeOf(w.id)).uptime).toBe(300);
  });

  it("stops counting a worker that went away, and starts its 10 minutes over when it is back", async () => {
    const w = await worker();
    await sweepUptime(ctx.t.deps);
    await online(w, 9);
    clock.advance(6 * MINUTE); // silent for longer than a worker stays online
    await sweepUptime(ctx.t.deps);
    await w.checkIn();
    await sweepUptime(ctx.t.deps);
    expect(await uptimeOf(w.id)).toMatchObject({ uptime: 540, last_reward_uptime: 540 });
    await online(w, 9);
    expect(await rewards(w.owner.id)).toEqual([]);
    await online(w, 1);
    expect(await rewards(w.owner.id)).toHaveLength(1);
    expect((await uptimeOf(w.id)).uptime).toBe(1140);
  });

  it("pays nothing while paused or in maintenance, and starts the 10 minutes over afterwards", async () => {
    for (const column of ["paused", "maintenance"]) {
      const w = await worker();
      await sweepUptime(ctx.t.deps);
      await online(w, 9);
      await ctx.db.query(`UPDATE workers SET ${column} = true WHERE id = $1`, [w.id]);
      await online(w, 3);
      expect(await uptimeOf(w.id), column).toMatchObject({ uptime: 540, last_reward_uptime: 540 });
      await ctx.db.query(`UPDATE workers SET ${column} = false WHERE id = $1`, [w.id]);
      await online(w, 10); // the first of these starts counting again
      expect(await rewards(w.owner.id), column).toEqual([]);
      await online(w, 1);
      expect(await rewards(w.owner.id), column).toHaveLength(1);
    }
  });
});
