import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { forgetOldDecoys } from "../../../src/modules/trust/decoys.service.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { count, createRequest, FEED, outcome, PNG_B64, POP, pop, resetQueue, SUBMIT } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// A paused worker is handed decoys (reference §3.3 step 8). The clock moves past the check-in
// debounce so a pop reads the pause from the worker's row.
const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];

/** A registered worker, then paused as a moderator (or suspicion) would. */
async function pausedWorker(o: { trusted?: boolean; nsfw?: boolean } = {}) {
  const owner = await seedUser(ctx.db, { trusted: o.trusted ?? false });
  const name = `paused-${owner.id}`;
  const decl = { name, models: SD, nsfw: o.nsfw ?? false };
  await pop(ctx.t, owner.apiKey, decl);
  await ctx.db.query("UPDATE workers SET paused = true, paused_reason = 'moderator' WHERE name = $1", [name]);
  clock.advance(31_000);
  const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
  return { owner, decl, id: w!.id };
}

async function submitRaw(apikey: string, id: string) {
  const r = await ctx.t.gql(SUBMIT, { input: { id, image: PNG_B64, seed: "1" } }, { apikey });
  return r.data.submitImageJob as { __typename: string; reward?: number; code?: string };
}

async function ledgerRows(): Promise<number> {
  return count(ctx.db, "SELECT 1 FROM kudos_ledger");
}

describe("decoy jobs for paused workers", () => {
  it("hands a paused worker a decoy of a real request, leaves the real job queued, never the same request twice", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const w = await pausedWorker();
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "a decoy's prompt", models: SD });
    const got = await pop(ctx.t, w.owner.apiKey, w.decl);
    expect(got.jobs).toHaveLength(1);
    const decoy = got.jobs[0]!;
    // it looks like a job: the request's prompt and model, a ttl, no request id
    expect(decoy.prompt).toBe("a decoy's prompt");
    expect(decoy.model).toBe("stable_diffusion");
    expect(decoy.requestId).toBeUndefined(); // it is no row of jobs
    expect(await count(ctx.db, "SELECT 1 FROM jobs WHERE request_id = $1 AND state = 'waiting'", [id])).toBe(1);
    expect(await count(ctx.db, "SELECT 1 FROM tricked_workers WHERE worker_id = $1", [w.id])).toBe(1);
    // the same request is never handed to it again
    expect((await pop(ctx.t, w.owner.apiKey, w.decl)).jobs).toEqual([]);
    // an unpaused worker still gets the real job
    const other = await seedUser(ctx.db);
    const real = await pop(ctx.t, other.apiKey, { name: `real-${other.id}`, models: SD });
    expect(real.jobs[0]!.requestId).toBe(id);
  });

  it("answers the decoy's submit with the real job's reward and moves no kudos; errors as a real job's", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const w = await pausedWorker();
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "p", models: SD, params: { steps: 30 } });
    const [decoy] = (await pop(ctx.t, w.owner.apiKey, w.decl)).jobs;
    const rows = await ledgerRows();
    // another user's key cannot submit it
    const stranger = await seedUser(ctx.db);
    expect(outcome(await submitRaw(stranger.apiKey, decoy!.id))).toBe("WrongCredentials");
    const r = await submitRaw(w.owner.apiKey, decoy!.id);
    expect(r.reward).toBe(6.5); // what the real job pays (see escrow-always.test.ts)
    expect(outcome(await submitRaw(w.owner.apiKey, decoy!.id))).toBe("DuplicateGen");
    expect(await ledgerRows()).toBe(rows);
    const [req] = await ctx.db.query<{ finished_images: number }>(
      "SELECT finished_images FROM requests WHERE id = $1",
      [id],
    );
    expect(req!.finished_images).toBe(0);
    const [wk] = await ctx.db.query<{ kudos: string }>("SELECT kudos::text FROM workers WHERE id = $1", [w.id]);
    expect(wk!.kudos).toBe("0.00");
    await expectLedgerBalanced(ctx.db);
  });

  it("a decoy submitted past its deadline is AbortedGen, like a real job; a day later it is forgotten", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const w = await pausedWorker();
    await createRequest(ctx.t, requester.apiKey, { prompt: "late", models: SD });
    const [decoy] = (await pop(ctx.t, w.owner.apiKey, w.decl)).jobs;
    clock.advance((decoy!.ttl + 1) * 1000);
    expect(outcome(await submitRaw(w.owner.apiKey, decoy!.id))).toBe("AbortedGen");
    expect(await forgetOldDecoys(ctx.t.deps)).toBe(0);
    clock.advance(24 * 3600 * 1000);
    expect(await forgetOldDecoys(ctx.t.deps)).toBeGreaterThanOrEqual(1);
    expect(await count(ctx.db, "SELECT 1 FROM decoy_jobs WHERE id = $1", [decoy!.id])).toBe(0);
  });

  it("shows nothing the worker could not have been handed for real: no NSFW to a SFW worker, no trusted-only request to an untrusted owner, never the owner's own", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const w = await pausedWorker();
    await createRequest(ctx.t, requester.apiKey, { prompt: "nsfw", models: SD, nsfw: true });
    await createRequest(ctx.t, requester.apiKey, { prompt: "trusted only", models: SD, trustedWorkers: true });
    expect((await pop(ctx.t, w.owner.apiKey, w.decl)).jobs).toEqual([]);
    expect(await count(ctx.db, "SELECT 1 FROM decoy_jobs WHERE worker_id = $1", [w.id])).toBe(0);
  });

  it("never makes a decoy of the owner's own request, and an unpaused worker with nothing gets no decoy", async () => {
    const w = await pausedWorker();
    await createRequest(ctx.t, w.owner.apiKey, { prompt: "mine", models: SD });
    expect((await pop(ctx.t, w.owner.apiKey, w.decl)).jobs).toEqual([]);
    const idle = await seedUser(ctx.db);
    const r = await ctx.t.gql(
      POP,
      { input: { name: `idle-${idle.id}`, models: ["Deliberate"] } },
      { apikey: idle.apiKey },
    );
    expect(r.data.popImageJob.jobs).toEqual([]);
    const ofUsers = "SELECT 1 FROM decoy_jobs d JOIN workers w ON w.id = d.worker_id WHERE w.user_id = ANY($1::int[])";
    expect(await count(ctx.db, ofUsers, [[w.owner.id, idle.id]])).toBe(0);
  });

  it("feeds a paused worker's subscription a decoy, while the real job goes to an unpaused worker", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const w = await pausedWorker();
    const feed = subscribe(ctx.t.ws(w.owner.apiKey), FEED, { input: w.decl });
    try {
      await createRequest(ctx.t, requester.apiKey, { prompt: "fed decoy", models: SD });
      const ev = await feed.next();
      const job = (ev.data as { imageJobAssigned: { id: string; prompt: string } }).imageJobAssigned;
      expect(job.prompt).toBe("fed decoy");
      expect(await count(ctx.db, "SELECT 1 FROM decoy_jobs WHERE id = $1", [job.id])).toBe(1);
      const other = await seedUser(ctx.db);
      const real = await pop(ctx.t, other.apiKey, { name: `fedreal-${other.id}`, models: SD });
      expect(real.jobs).toHaveLength(1);
    } finally {
      feed.unsubscribe();
    }
  });
});
