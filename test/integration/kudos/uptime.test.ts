import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { sweepUptime } from "../../../src/tasks/index.ts";
import { startTestApp, type TestApp } from "../../support/app.ts";
import { createTestDb, onPostgres, type TestDb } from "../../support/db.ts";
import { balance, expectLedgerBalanced, ledgerOf } from "../../support/kudos.ts";
import { pop } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

let tdb: TestDb;
let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  tdb = await createTestDb();
  t = await startTestApp(tdb.db, { clock });
});
afterAll(async () => {
  await expectLedgerBalanced(tdb.db);
  await t.stop();
  await tdb.drop();
});

const MINUTE = 60_000;

/** A fresh owner and worker; `checkIn()` is one pop (which registers the worker the first time). */
async function worker(extra: Record<string, unknown> = {}) {
  const owner = await seedUser(tdb.db);
  const name = `up-${owner.id}`;
  const checkIn = async () => {
    const r = await pop(t, owner.apiKey, { name, models: ["stable_diffusion"], ...extra });
    // a worker in maintenance is told so, and is checked in all the same
    expect(r.__typename === "PopImageJobPayload" || r.code === "WorkerMaintenance").toBe(true);
  };
  await checkIn();
  const [row] = await tdb.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
  return { owner, name, id: row!.id, checkIn };
}

async function uptimeOf(id: string) {
  const [row] = await tdb.db.query<{ uptime: number; last_reward_uptime: number; kudos: string }>(
    "SELECT uptime, last_reward_uptime, kudos::text FROM workers WHERE id = $1",
    [id],
  );
  return row!;
}

async function rewards(userId: number) {
  return (await ledgerOf(tdb.db, userId)).filter((r) => r.kind === "uptime_reward");
}

/** `minutes` times: a minute passes, the worker checks in, the sweep runs. */
async function online(
  w: { checkIn(): Promise<void> },
  minutes: number,
  sweep: () => Promise<unknown> = () => sweepUptime(t.deps),
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
    await sweepUptime(t.deps); // first seen: counting starts at its check-in
    await online(w, 9);
    expect(await uptimeOf(w.id)).toMatchObject({ uptime: 540, last_reward_uptime: 0 });
    expect(await rewards(w.owner.id)).toEqual([]);
    await online(w, 1);
    expect(await rewards(w.owner.id)).toEqual([
      expect.objectContaining({ kind: "uptime_reward", amount: "54.00", worker_id: w.id }),
    ]);
    expect(await uptimeOf(w.id)).toEqual({ uptime: 600, last_reward_uptime: 600, kudos: "54.00" });
    // sweeping again at the same instant pays nothing more
    await sweepUptime(t.deps);
    await sweepUptime(t.deps);
    expect(await rewards(w.owner.id)).toHaveLength(1);
    await online(w, 10);
    expect(await rewards(w.owner.id)).toHaveLength(2);
    expect(await balance(tdb.db, w.owner.id)).toBe(108);
    const stats = await t.gql(`query($id: ID!) { worker(id: $id) { stats { uptime kudosRewarded } } }`, { id: w.id });
    expect(stats.data.worker.stats).toEqual({ uptime: 1200, kudosRewarded: 108 });
    const details = await t.gql("query { me { kudosDetails { uptime } } }", {}, { apikey: w.owner.apiKey });
    expect(details.data.me.kudosDetails.uptime).toBe(108);
  });

  it("adds 30 for a worker that takes LoRAs", async () => {
    const w = await worker({ allowLora: true });
    await sweepUptime(t.deps);
    await online(w, 10);
    expect((await rewards(w.owner.id)).map((r) => r.amount)).toEqual(["82.00"]);
  });

  it("pays each period once however many instances sweep at the same time", async () => {
    const other = await startTestApp(onPostgres ? tdb.connect() : tdb.db, { clock });
    try {
      const w = await worker();
      const everywhere = async () => {
        await Promise.all([sweepUptime(t.deps), sweepUptime(other.deps), sweepUptime(t.deps), sweepUptime(other.deps)]);
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
    await sweepUptime(t.deps);
    // check-ins every minute, but no sweep for five of them
    for (let i = 0; i < 5; i++) {
      clock.advance(MINUTE);
      await w.checkIn();
    }
    await sweepUptime(t.deps);
    expect((await uptimeOf(w.id)).uptime).toBe(300);
    // the worker goes quiet: time after its last check-in does not count
    clock.advance(4 * MINUTE);
    await sweepUptime(t.deps);
    expect((await uptimeOf(w.id)).uptime).toBe(300);
  });

  it("stops counting a worker that went away, and starts its 10 minutes over when it is back", async () => {
    const w = await worker();
    await sweepUptime(t.deps);
    await online(w, 9);
    clock.advance(6 * MINUTE); // silent for longer than a worker stays online
    await sweepUptime(t.deps);
    await w.checkIn();
    await sweepUptime(t.deps);
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
      await sweepUptime(t.deps);
      await online(w, 9);
      await tdb.db.query(`UPDATE workers SET ${column} = true WHERE id = $1`, [w.id]);
      await online(w, 3);
      expect(await uptimeOf(w.id), column).toMatchObject({ uptime: 540, last_reward_uptime: 540 });
      await tdb.db.query(`UPDATE workers SET ${column} = false WHERE id = $1`, [w.id]);
      await online(w, 10); // the first of these starts counting again
      expect(await rewards(w.owner.id), column).toEqual([]);
      await online(w, 1);
      expect(await rewards(w.owner.id), column).toHaveLength(1);
    }
  });
});
