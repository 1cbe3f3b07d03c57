import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { sweepExpiredJobs, sweepUptime } from "../../../src/tasks/index.ts";
import { UserWithStatsDocument, WorkerWithStatsDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedJobs, seedRequest, seedWorker } from "../../support/entity-stats.ts";
import { createRequest, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Worker.stats: every windowed figure against jobs finished at set instants around a fixed
 * clock, recent performance over the latest 20 jobs, the most-served models, and the counters
 * (faulted, timed out, kudos by jobs and by uptime) through the real flows.
 */

const clock = new ManualClock(Date.parse("2026-11-20T12:00:00Z"));
const ctx = useTestApp({ clock });

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(clock.now().getTime() - ms);
/** Megapixelsteps of a default seeded job: 512 × 512 × 30. */
const MPS = (512 * 512 * 30) / 1e6;

async function statsOf(id: string) {
  const r = await ctx.t.gql(WorkerWithStatsDocument, { id });
  expect(r.errors).toBeUndefined();
  return r.data.worker!.stats;
}

describe("Worker.stats windowed figures", () => {
  it("counts finished jobs and megapixelsteps in the last hour, day and 30 days, each window open at its start", async () => {
    const owner = await seedUser(ctx.db);
    const w = await seedWorker(ctx.db, owner.id);
    const other = await seedWorker(ctx.db, owner.id);
    const req = await seedRequest(ctx.db, owner.id, { createdAt: ago(40 * DAY) });
    await seedJobs(ctx.db, req, [
      { workerId: w, submittedAt: ago(30 * MIN) },
      { workerId: w, submittedAt: ago(59 * MIN), state: "censored", steps: 60 },
      { workerId: w, submittedAt: ago(HOUR) }, // exactly an hour ago: no longer in the hour
      { workerId: w, submittedAt: ago(23 * HOUR), state: "csam" },
      { workerId: w, submittedAt: ago(DAY) }, // exactly a day ago: in the month only
      { workerId: w, submittedAt: ago(29 * DAY) },
      { workerId: w, submittedAt: ago(30 * DAY) }, // exactly 30 days ago: out
      { workerId: w, submittedAt: ago(35 * DAY) },
      { workerId: w, submittedAt: ago(10 * MIN), state: "faulted" }, // not finished
      { workerId: w, submittedAt: new Date(clock.now().getTime() + MIN) }, // after now: not yet
      { workerId: other, submittedAt: ago(MIN) }, // another worker's
    ]);
    const s = await statsOf(w);
    expect(s.lastHour.jobs).toBe(2);
    expect(s.lastHour.megapixelsteps).toBeCloseTo(MPS * 3, 6);
    expect(s.lastDay.jobs).toBe(4);
    expect(s.lastDay.megapixelsteps).toBeCloseTo(MPS * 5, 6);
    expect(s.lastMonth.jobs).toBe(6);
    expect(s.lastMonth.megapixelsteps).toBeCloseTo(MPS * 7, 6);
    // the windows move with the clock
    clock.advance(31 * MIN);
    const later = await statsOf(w);
    expect(later.lastHour.jobs).toBe(1); // only the job submitted 1 min after the first read
    expect(later.lastHour.megapixelsteps).toBeCloseTo(MPS, 6);
    expect(later.lastMonth.jobs).toBe(7);
    clock.advance(-31 * MIN);
  });

  it("gives zeros and no recent performance for a worker that finished nothing", async () => {
    const owner = await seedUser(ctx.db);
    const w = await seedWorker(ctx.db, owner.id);
    const s = await statsOf(w);
    expect(s.lastHour).toEqual({ jobs: 0, megapixelsteps: 0 });
    expect(s.lastMonth).toEqual({ jobs: 0, megapixelsteps: 0 });
    expect(s.recentPerformance).toBeNull();
    expect(s.topModels).toEqual([]);
  });

  it("averages performance over the latest 20 finished jobs only", async () => {
    const owner = await seedUser(ctx.db);
    const w = await seedWorker(ctx.db, owner.id);
    const req = await seedRequest(ctx.db, owner.id, { createdAt: ago(DAY) });
    // 1,000,000 pixelsteps each: the latest 20 at 1 s (1 MPS/s), five older ones at 10 s, and
    // one faulted job that is not a sample
    const jobs = [];
    for (let i = 0; i < 20; i++)
      jobs.push({ workerId: w, submittedAt: ago((i + 1) * MIN), pixels: 100_000, steps: 10, seconds: 1 });
    for (let i = 0; i < 5; i++)
      jobs.push({ workerId: w, submittedAt: ago(HOUR + i * MIN), pixels: 100_000, steps: 10, seconds: 10 });
    jobs.push({ workerId: w, submittedAt: ago(5), state: "faulted" as const, pixels: 1, steps: 1, seconds: 100 });
    await seedJobs(ctx.db, req, jobs);
    const s = await statsOf(w);
    expect(s.recentPerformance).toEqual({ jobs: 20, megapixelstepsPerSecond: 1 });
    // with fewer than 20, all of them count
    const w2 = await seedWorker(ctx.db, owner.id);
    await seedJobs(ctx.db, req, [
      { workerId: w2, submittedAt: ago(MIN), pixels: 100_000, steps: 10, seconds: 1 },
      { workerId: w2, submittedAt: ago(2 * MIN), pixels: 100_000, steps: 10, seconds: 4 },
    ]);
    expect((await statsOf(w2)).recentPerformance).toEqual({ jobs: 2, megapixelstepsPerSecond: 0.625 });
  });

  it("lists the models served most in the last 30 days, most first, ties by name, at most `limit`", async () => {
    const owner = await seedUser(ctx.db);
    const w = await seedWorker(ctx.db, owner.id);
    const req = await seedRequest(ctx.db, owner.id, { createdAt: ago(40 * DAY) });
    const at = (model: string, t: number) => ({ workerId: w, submittedAt: ago(t), model });
    await seedJobs(ctx.db, req, [
      at("b_model", MIN),
      at("b_model", 2 * MIN),
      at("a_model", 3 * MIN),
      at("a_model", 4 * MIN),
      at("c_model", 5 * MIN),
      at("c_model", 6 * MIN),
      at("c_model", 7 * MIN),
      at("d_model", 8 * MIN),
      at("e_model", 35 * DAY),
      at("e_model", 36 * DAY),
      at("e_model", 37 * DAY),
      at("e_model", 38 * DAY), // most ever, but not this month
    ]);
    expect((await statsOf(w)).topModels).toEqual([
      { model: "c_model", jobs: 3 },
      { model: "a_model", jobs: 2 },
      { model: "b_model", jobs: 2 },
    ]);
    const bad = await ctx.t.gql(`query($id: ID!) { worker(id: $id) { stats { topModels(limit: 51) { model } } } }`, {
      id: w,
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe("InvalidPageSize");
  });
});

describe("Worker.stats counters", () => {
  it("counts a FAULTED submit as faulted and a TTL expiry as timed out, both in uncompletedJobs", async () => {
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const owner = await seedUser(ctx.db);
    const name = `counted-${owner.id}`;
    await createRequest(ctx.t, requester.apiKey, { prompt: "one", params: { n: 2 } });
    const first = await pop(ctx.t, owner.apiKey, { name, models: ["stable_diffusion"] });
    expect(first.jobs).toHaveLength(1);
    expect((await submit(ctx.t, owner.apiKey, { id: first.jobs[0]!.id, state: "FAULTED" })).__typename).toBe(
      "SubmitImageJobPayload",
    );
    const second = await pop(ctx.t, owner.apiKey, { name, models: ["stable_diffusion"] });
    expect(second.jobs).toHaveLength(1);
    clock.advance(second.jobs[0]!.ttl * 1000 + 1000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBeGreaterThanOrEqual(1);
    const [row] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
    const s = await statsOf(row!.id);
    expect(s).toMatchObject({ faultedJobs: 1, timedOutJobs: 1, uncompletedJobs: 2, requestsFulfilled: 0 });
  });

  it("splits kudos into those earned by jobs and by uptime", async () => {
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const owner = await seedUser(ctx.db);
    const name = `earner-${owner.id}`;
    await resetQueue(ctx.db);
    await createRequest(ctx.t, requester.apiKey, { prompt: "paid", params: { n: 1 } });
    const popped = await pop(ctx.t, owner.apiKey, { name, models: ["stable_diffusion"] });
    const done = await submit(ctx.t, owner.apiKey, { id: popped.jobs[0]!.id });
    expect(done.__typename).toBe("SubmitImageJobPayload");
    const reward = done.reward ?? 0;
    expect(reward).toBeGreaterThan(0);
    await sweepUptime(ctx.t.deps);
    for (let i = 0; i < 10; i++) {
      clock.advance(MIN);
      await pop(ctx.t, owner.apiKey, { name, models: ["stable_diffusion"] });
      await sweepUptime(ctx.t.deps);
    }
    const [row] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
    const s = await statsOf(row!.id);
    expect(s.kudosDetails).toEqual({ generated: reward, uptime: 52 });
    expect(s.kudosRewarded).toBeCloseTo(reward + 52, 2);
    expect(s.requestsFulfilled).toBe(1);
    expect(s.lastHour.jobs).toBe(1);
    // the settlement counted the image on the request, for its requester's User.stats
    const usage = await ctx.t.gql(UserWithStatsDocument, { id: String(requester.id) });
    expect(usage.data.user?.stats).toMatchObject({ requestsMade: 1, imagesGenerated: 1 });
    expect(usage.data.user?.stats.megapixelstepsReceived).toBeCloseTo(MPS, 6);
    const mine = await ctx.t.gql(UserWithStatsDocument, { id: String(owner.id) });
    expect(mine.data.user?.stats).toMatchObject({ requestsFulfilled: 1 });
    expect(mine.data.user?.stats.contributions).toBeCloseTo(MPS, 6);
  });
});
