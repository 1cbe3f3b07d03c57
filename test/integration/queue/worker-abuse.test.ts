/**
 * What one worker (or its owner) can do to other people's requests, and what it no longer can:
 * hold more jobs than it declared, fault a request alone, learn request ids and cancel them,
 * submit with a shared key; and maintenance for a worker that keeps dropping jobs.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { claimFor } from "../../../src/modules/jobs/jobs.service.ts";
import { authenticate } from "../../../src/modules/users/users.service.ts";
import { checkInImageWorker } from "../../../src/modules/workers/workers.service.ts";
import { sweepExpiredJobs } from "../../../src/tasks/index.ts";
import { SetWorkerMaintenanceDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { CREATE_KEY } from "../../support/kudos.ts";
import { CANCEL, count, createRequest, outcome, POP, pop, resetQueue, status, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];

async function held(name: string): Promise<number> {
  return count(
    ctx.db,
    "SELECT 1 FROM jobs j JOIN workers w ON w.id = j.worker_id WHERE w.name = $1 AND j.state = 'processing'",
    [name],
  );
}

describe("jobs a worker holds at once", () => {
  it("an HTTP pop hands out no more than threads × amount unsubmitted jobs; a submit frees one", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    for (let i = 0; i < 4; i++) await createRequest(ctx.t, requester.apiKey, { prompt: `cap ${i}` });
    const name = `capped-${owner.id}`;
    const first = await pop(ctx.t, owner.apiKey, { name, models: SD });
    expect(first.jobs).toHaveLength(1);
    // the default declaration (threads 1, amount 1) runs one job at a time
    expect((await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs).toEqual([]);
    expect(await held(name)).toBe(1);
    // declaring two threads allows two
    expect((await pop(ctx.t, owner.apiKey, { name, models: SD, threads: 2 })).jobs).toHaveLength(1);
    expect((await pop(ctx.t, owner.apiKey, { name, models: SD, threads: 2 })).jobs).toEqual([]);
    expect(await held(name)).toBe(2);
    await submit(ctx.t, owner.apiKey, { id: first.jobs[0]!.id });
    expect((await pop(ctx.t, owner.apiKey, { name, models: SD, threads: 2 })).jobs).toHaveLength(1);
    expect(await held(name)).toBe(2);
  });

  it("holds the cap under simultaneous pops of one worker", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "many", params: { n: 10 } });
    const name = `racer-${owner.id}`;
    await pop(ctx.t, owner.apiKey, { name, models: SD, threads: 3 }); // registers it (and takes one)
    const pops = await Promise.all(
      Array.from({ length: 8 }, () => pop(ctx.t, owner.apiKey, { name, models: SD, threads: 3 })),
    );
    expect(pops.reduce((n, p) => n + p.jobs.length, 0)).toBe(2);
    expect(await held(name)).toBe(3);
  });

  it("the feed's claim counts jobs the worker holds from HTTP pops against maxConcurrentJobs", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "both paths", params: { n: 3 } });
    const name = `both-${owner.id}`;
    expect((await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs).toHaveLength(1);
    const viewer = (await authenticate(ctx.db, owner.apiKey))!;
    const { worker, declaration } = await checkInImageWorker(ctx.t.deps, viewer, { name, models: SD });
    // the feed believes it has 5 free slots; the worker declared 1 and holds 1
    expect((await claimFor(ctx.t.deps, worker, { ...declaration, maxConcurrentJobs: 1 }, 5)).jobs).toEqual([]);
    expect((await claimFor(ctx.t.deps, worker, { ...declaration, maxConcurrentJobs: 2 }, 5)).jobs).toHaveLength(1);
    expect(await held(name)).toBe(2);
  });
});

describe("faults", () => {
  it("one worker's FAULTED submits on someone else's request count once: the request lives on", async () => {
    const victim = await seedUser(ctx.db, { kudos: 100 });
    const attacker = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, victim.apiKey, { prompt: "sink me" });
    const name = `sinker-${attacker.id}`;
    for (let i = 0; i < 3; i++) {
      const [job] = (await pop(ctx.t, attacker.apiKey, { name, models: SD })).jobs;
      expect(job!.requestId).toBe(id);
      expect(outcome(await submit(ctx.t, attacker.apiKey, { id: job!.id, state: "FAULTED", image: null }))).toBe(
        "SubmitImageJobPayload",
      );
    }
    expect(await status(ctx.t, id)).toMatchObject({ faulted: false, done: false, waiting: 1 });
    const honest = await seedUser(ctx.db);
    const [job] = (await pop(ctx.t, honest.apiKey, { name: `honest-${honest.id}`, models: SD })).jobs;
    expect(job!.requestId).toBe(id);
    await submit(ctx.t, honest.apiKey, { id: job!.id });
    expect(await status(ctx.t, id)).toMatchObject({ faulted: false, done: true, finished: 1 });
  });

  it("one worker letting a request's jobs time out counts once too", async () => {
    const victim = await seedUser(ctx.db, { kudos: 100 });
    const slow = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, victim.apiKey, { prompt: "stall me" });
    for (let i = 0; i < 3; i++) {
      const [job] = (await pop(ctx.t, slow.apiKey, { name: `staller-${slow.id}`, models: SD })).jobs;
      expect(job!.requestId).toBe(id);
      clock.advance(151_000);
      expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
    }
    expect(await status(ctx.t, id)).toMatchObject({ restarted: 3, faulted: false, done: false, waiting: 1 });
  });

  it("puts a worker that drops more than 20 jobs with under an hour between drops in maintenance", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    let id = await createRequest(ctx.t, requester.apiKey, { prompt: "dropped again and again" });
    const name = `dropper-${owner.id}`;
    const drop = async () => {
      const [job] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
      expect(job!.requestId).toBe(id);
      await submit(ctx.t, owner.apiKey, { id: job!.id, state: "FAULTED", image: null });
    };
    const worker = async () =>
      (
        await ctx.db.query<{ maintenance: boolean; aborted_jobs: number; uncompleted_jobs: number }>(
          "SELECT maintenance, aborted_jobs, uncompleted_jobs FROM workers WHERE name = $1",
          [name],
        )
      )[0]!;
    for (let i = 0; i < 19; i++) await drop();
    // an hour and more without a drop starts the count over (and a fresh request, as that one expired)
    clock.advance(3_601_000);
    id = await createRequest(ctx.t, requester.apiKey, { prompt: "dropped after a break" });
    for (let i = 0; i < 20; i++) await drop();
    // one timed-out job makes 21 drops within the hour
    const [job] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
    expect(job!.requestId).toBe(id);
    expect(await worker()).toMatchObject({ maintenance: false, aborted_jobs: 20 });
    clock.advance(151_000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
    expect(await worker()).toMatchObject({ maintenance: true, aborted_jobs: 0, uncompleted_jobs: 40 });
    // in maintenance it only serves its owner's requests: this one is left to others
    const r = await ctx.t.gql(POP, { input: { name, models: SD } }, { apikey: owner.apiKey });
    expect(r.data.popImageJob).toMatchObject({ code: "WorkerMaintenance" });
    expect(r.data.popImageJob.message).toMatch(/dropping too many jobs/);
    expect(await status(ctx.t, id)).toMatchObject({ faulted: false, waiting: 1 });

    // its owner (not a stranger) takes it out once it is fixed
    const workerId = (await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]))[0]!.id;
    const SET = SetWorkerMaintenanceDocument;
    const stranger = await seedUser(ctx.db);
    const refused = await ctx.t.gql(SET, { input: { id: workerId, maintenance: false } }, { apikey: stranger.apiKey });
    expect(outcome(refused.data.setWorkerMaintenance)).toBe("WrongCredentials");
    const bad = await ctx.t.gql(
      SET,
      { input: { id: workerId, maintenance: true, message: "x".repeat(501) } },
      { apikey: owner.apiKey },
    );
    expect(outcome(bad.data.setWorkerMaintenance)).toBe("InvalidMaintenanceMessage");
    const back = await ctx.t.gql(SET, { input: { id: workerId, maintenance: false } }, { apikey: owner.apiKey });
    expect(back.data.setWorkerMaintenance.worker).toEqual({ id: workerId, maintenance: false });
    const [again] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
    expect(again!.requestId).toBe(id);
  });
});

describe("request ids stay with requesters", () => {
  it("an ImageJob has no request id", async () => {
    const r = await ctx.t.gql(`{ __type(name: "ImageJob") { fields { name } } }`);
    const fields = r.data.__type.fields.map((f: { name: string }) => f.name);
    expect(fields).toContain("prompt");
    expect(fields).not.toContain("requestId");
  });

  it("only the requester or a moderator cancels a registered user's request", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const stranger = await seedUser(ctx.db);
    const moderator = await seedUser(ctx.db, { moderator: true });
    const cancel = async (id: string, apikey?: string) =>
      outcome((await ctx.t.gql(CANCEL, { id }, { apikey })).data.cancelImageRequest);
    const mine = await createRequest(ctx.t, requester.apiKey, { prompt: "mine" });
    expect(await cancel(mine, stranger.apiKey)).toBe("WrongCredentials");
    expect(await cancel(mine)).toBe("WrongCredentials");
    expect((await status(ctx.t, mine)).cancelled).toBe(false);
    expect(await cancel(mine, requester.apiKey)).toBe("CancelImageRequestPayload");
    const other = await createRequest(ctx.t, requester.apiKey, { prompt: "moderated" });
    expect(await cancel(other, moderator.apiKey)).toBe("CancelImageRequestPayload");
    // a shared key acts for its owner's requests
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "cancel key" } }, { apikey: requester.apiKey });
    const key = made.data.createSharedKey.key as string;
    const third = await createRequest(ctx.t, requester.apiKey, { prompt: "by key" });
    expect(await cancel(third, key)).toBe("CancelImageRequestPayload");
    // Anonymous's requests belong to nobody in particular: whoever holds the id may cancel
    const anon = await createRequest(ctx.t, undefined, { prompt: "anonymous" });
    expect(await cancel(anon, stranger.apiKey)).toBe("CancelImageRequestPayload");
  });
});

describe("submitting with a shared key", () => {
  it("is SharedKeyForbidden, as the protocol says", async () => {
    const owner = await seedUser(ctx.db, { kudos: 100 });
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "key submit" });
    const [job] = (await pop(ctx.t, owner.apiKey, { name: `keyed-${owner.id}`, models: SD })).jobs;
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "worker key" } }, { apikey: owner.apiKey });
    const key = made.data.createSharedKey.key as string;
    expect(outcome(await submit(ctx.t, key, { id: job!.id }))).toBe("SharedKeyForbidden");
    expect(outcome(await submit(ctx.t, owner.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
  });
});
