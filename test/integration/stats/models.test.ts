import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { BUNDLED_MODELS, indexModels, type ModelInfo } from "../../../src/modules/models/models.rules.ts";
import { rollUpStats } from "../../../src/tasks/stats-rollup.ts";
import { ModelStatsDocument, OneModelDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { insertFinishedJobs, insertRequest, insertWaitingJobs, insertWorker } from "../../support/horde-stats.ts";
import { offlineWorkers, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const T = Date.parse("2026-11-30T12:00:30Z");
const clock = new ManualClock(T);
const ctx = useTestApp({ clock });
const at = (ms: number) => new Date(T - ms);

beforeEach(async () => {
  await resetQueue(ctx.db);
  await offlineWorkers(ctx.db);
  await ctx.db.query("DELETE FROM jobs WHERE submitted_at IS NOT NULL");
  await ctx.db.exec(
    `DELETE FROM stats_minute; DELETE FROM stats_hour; DELETE FROM stats_models;
     UPDATE stats_rollup SET watermark = '-infinity', refreshed_at = NULL`,
  );
});
const original = () => ({ byName: indexModels(BUNDLED_MODELS), list: BUNDLED_MODELS, source: "bundled" });
afterEach(() => {
  ctx.t.deps.catalog.current = original();
});

let names = 0;

describe("models", () => {
  it("matches /status/models: threads of active workers, waiting jobs and megapixelsteps, ETA, last-hour performance, generations", async () => {
    const u = await seedUser(ctx.db, { kudos: 100 });
    const name = () => `mo-${++names}-${u.id}`;
    // serving Deliberate: 2 + 3 threads active, 4 in maintenance, 8 offline; one paused worker of 1
    const w = await insertWorker(ctx.db, {
      userId: u.id,
      name: name(),
      models: ["Deliberate", "stable_diffusion"],
      at: at(1000),
      threads: 2,
      speed: 2e6,
    });
    await insertWorker(ctx.db, {
      userId: u.id,
      name: name(),
      models: ["Deliberate"],
      at: at(1000),
      threads: 3,
      speed: 4e6,
    });
    await insertWorker(ctx.db, {
      userId: u.id,
      name: name(),
      models: ["Deliberate"],
      at: at(1000),
      threads: 4,
      maintenance: true,
    });
    await insertWorker(ctx.db, { userId: u.id, name: name(), models: ["Deliberate"], at: at(301_000), threads: 8 });
    const paused = await insertWorker(ctx.db, { userId: u.id, name: name(), models: ["Deliberate"], at: at(1000) });
    await ctx.db.query("UPDATE workers SET paused = true WHERE id = $1", [paused]);
    // waiting: 3 jobs naming Deliberate (1 MP × 10 steps), 2 naming Deliberate and SDXL; 5 for any model
    const a = await insertRequest(ctx.db, {
      userId: u.id,
      models: ["Deliberate"],
      width: 1000,
      height: 1000,
      steps: 10,
      at: at(5000),
    });
    await insertWaitingJobs(ctx.db, a, 3);
    const b = await insertRequest(ctx.db, {
      userId: u.id,
      models: ["Deliberate", "SDXL 1.0"],
      width: 1000,
      height: 1000,
      steps: 20,
      at: at(4000),
    });
    await insertWaitingJobs(ctx.db, b, 2);
    const any = await insertRequest(ctx.db, { userId: u.id, at: at(3000) });
    await insertWaitingJobs(ctx.db, any, 5);
    // history: Deliberate 4 jobs 10 min ago at 2 MPS/s and 4 MPS/s, 6 three days ago
    const done = await insertRequest(ctx.db, { userId: u.id, at: at(10 * 86_400_000) });
    await insertFinishedJobs(ctx.db, {
      requestId: done,
      workerId: w,
      model: "Deliberate",
      count: 2,
      at: at(600_000),
      pixels: 1e6,
      steps: 20,
      seconds: 10,
    });
    await insertFinishedJobs(ctx.db, {
      requestId: done,
      workerId: w,
      model: "Deliberate",
      count: 2,
      at: at(600_000),
      pixels: 1e6,
      steps: 20,
      seconds: 5,
    });
    await insertFinishedJobs(ctx.db, {
      requestId: done,
      workerId: w,
      model: "Deliberate",
      count: 6,
      at: at(3 * 86_400_000),
    });
    await rollUpStats(ctx.t.deps);

    const models = (await ctx.t.gql(ModelStatsDocument, {})).data.models;
    const d = models.find((m) => m.name === "Deliberate");
    expect(d).toEqual({
      name: "Deliberate",
      type: "image",
      baseline: "stable_diffusion_1",
      workerCount: 4,
      count: 5,
      jobs: 5,
      queued: 3 * 10 + 2 * 20,
      // 70 MPS / (3 MPS/s per thread × min(5 threads, 5 jobs))
      eta: Math.ceil(70 / 15),
      performance: 3,
      generations: { day: 4, month: 10, total: 10 },
    });
    const sdxl = models.find((m) => m.name === "SDXL 1.0");
    // nobody serves it: no ETA
    expect(sdxl).toMatchObject({ count: 0, jobs: 2, queued: 40, eta: null, performance: null });
    // served, nothing waits, no history: its speed falls back to the workers' but nothing is due
    expect(models.find((m) => m.name === "stable_diffusion")).toMatchObject({
      workerCount: 1,
      count: 2,
      jobs: 0,
      eta: 0,
      performance: null,
      generations: { day: 0, month: 0, total: 0 },
    });

    const one = (await ctx.t.gql(OneModelDocument, { name: "Deliberate" })).data.model;
    expect(one).toEqual(d);
  });

  it("answers model(name) with null for a name outside the reference, without a statement", async () => {
    for (const name of ["MyOwnMix", "x".repeat(10_000), ""]) {
      const before = ctx.t.deps.db.stats.statements;
      const r = await ctx.t.gql(OneModelDocument, { name });
      expect(r.errors).toBeUndefined();
      expect(r.data.model).toBeNull();
      expect(ctx.t.deps.db.stats.statements - before).toBe(0);
    }
    // a control character is refused by the argument guard with a typed code
    const r = await ctx.t.gql(OneModelDocument, { name: "stable\u0000diffusion" });
    expect(r.errors?.[0]?.extensions?.code).toBe("InvalidCharacters");
  });

  it("lists no text or alchemy models yet", async () => {
    expect((await ctx.t.gql(ModelStatsDocument, { kind: "text" })).data.models).toEqual([]);
  });

  it("resolves every field of 1, 10 and 100 models in the same single statement", async () => {
    const u = await seedUser(ctx.db, { kudos: 100 });
    const base = BUNDLED_MODELS[0]!;
    const catalog = (n: number): ModelInfo[] =>
      Array.from({ length: n }, (_, i) => ({ ...base, name: `synthetic-${i}` }));
    const all = catalog(100);
    // every model has a worker, waiting jobs and history
    const w = await insertWorker(ctx.db, {
      userId: u.id,
      name: `syn-${u.id}`,
      models: all.map((m) => m.name),
      at: at(1000),
    });
    const r = await insertRequest(ctx.db, { userId: u.id, models: all.map((m) => m.name), at: at(5000) });
    await insertWaitingJobs(ctx.db, r, 3);
    for (const m of all.slice(0, 100)) {
      await insertFinishedJobs(ctx.db, { requestId: r, workerId: w, model: m.name, count: 1, at: at(120_000) });
    }
    await rollUpStats(ctx.t.deps);
    const counts: number[] = [];
    for (const n of [1, 10, 100]) {
      const list = catalog(n);
      ctx.t.deps.catalog.current = { byName: indexModels(list), list, source: "test" };
      const before = ctx.t.deps.db.stats.statements;
      const res = await ctx.t.gql(ModelStatsDocument, {});
      counts.push(ctx.t.deps.db.stats.statements - before);
      expect(res.data.models).toHaveLength(n);
      expect(res.data.models[n - 1]).toMatchObject({ count: 1, jobs: 3, generations: { total: 1 } });
    }
    expect(counts).toEqual([1, 1, 1]);
  });
});
