import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import type { Db } from "../../../src/infra/db.ts";
import { rollUpStats } from "../../../src/tasks/stats-rollup.ts";
import { ImageStatsDocument, LorasDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import { insertFinishedJobs, insertRequest, insertWorker } from "../../support/horde-stats.ts";
import { seedUser } from "../../support/seed.ts";

const T = Date.parse("2026-11-30T12:00:30Z");
const clock = new ManualClock(T);
const ctx = useTestApp({ clock });

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Starts every test from an empty history and a roll-up that never ran. */
beforeEach(async () => {
  await ctx.db.query("DELETE FROM jobs WHERE submitted_at IS NOT NULL");
  await ctx.db.exec(
    `DELETE FROM stats_minute; DELETE FROM stats_hour; DELETE FROM stats_models;
     UPDATE stats_rollup SET watermark = '-infinity', refreshed_at = NULL`,
  );
});

let names = 0;
const at = (ms: number) => new Date(T - ms);

/** One worker and one request to hang finished jobs on; `done(model, count, agoMs, …)` adds jobs. */
async function history() {
  const u = await seedUser(ctx.db);
  const workerId = await insertWorker(ctx.db, {
    userId: u.id,
    name: `ru-${++names}-${u.id}`,
    models: ["A"],
    at: at(0),
  });
  const requestId = await insertRequest(ctx.db, { userId: u.id, at: at(50 * DAY) });
  return (
    model: string,
    count: number,
    agoMs: number,
    o: { pixels?: number; steps?: number; seconds?: number; state?: "ok" | "censored" | "csam" | "faulted" } = {},
  ) => insertFinishedJobs(ctx.db, { requestId, workerId, model, count, at: at(agoMs), ...o });
}

async function imageStats(state?: "known" | "custom" | "all") {
  const r = await ctx.t.gql(ImageStatsDocument, { state });
  expect(r.errors).toBeUndefined();
  return r.data.imageStats;
}

describe("the statistics roll-up", () => {
  it("puts every finished image in the right windows, leaves faulted jobs out, and keeps the last 15 s for the next run", async () => {
    const done = await history();
    await done("A", 2, 20_000, { pixels: 1e6, steps: 1 }); // 20 s ago: before the watermark (15 s lag)
    await done("A", 1, 10_000, { pixels: 1e6, steps: 7 }); // 10 s ago: after the watermark
    await done("A", 3, 5 * MIN, { pixels: 1e6, steps: 2, seconds: 4 });
    await done("B", 1, 10 * MIN, { pixels: 1e6, steps: 4, seconds: 1, state: "censored" });
    await done("A", 1, 10 * MIN, { pixels: 1e6, steps: 100, state: "faulted" });
    await done("A", 4, 3 * HOUR, { pixels: 1e6, steps: 10 });
    await done("A", 5, 2 * DAY, { pixels: 1e6, steps: 100 });
    await done("A", 6, 40 * DAY, { pixels: 1e6, steps: 1000 });

    const before = await imageStats("all");
    expect(before.total).toEqual({ images: 0, pixelsteps: 0 });
    expect(before.rolledUpTo).toBeNull();

    const r = await rollUpStats(ctx.t.deps);
    expect(r).toEqual({ images: 21, loraUses: 0, watermark: at(15_000) });
    const s = await imageStats("all");
    expect(s.rolledUpTo).toBe(at(15_000).toISOString());
    // live: the 3 jobs of the last 60 s
    expect(s.minute).toEqual({ images: 3, pixelsteps: 2e6 + 7e6 });
    // the last 60 minutes up to the watermark: 2 (20 s ago) + 3 + 1
    expect(s.hour).toEqual({ images: 6, pixelsteps: 2e6 + 6e6 + 4e6 });
    expect(s.day).toEqual({ images: 10, pixelsteps: 12e6 + 40e6 });
    expect(s.month).toEqual({ images: 15, pixelsteps: 52e6 + 500e6 });
    expect(s.total).toEqual({ images: 21, pixelsteps: 552e6 + 6000e6 });
    expect(s.models).toEqual([
      { name: "A", day: 9, month: 14, total: 20 },
      { name: "B", day: 1, month: 1, total: 1 },
    ]);

    // the job 10 s ago is folded by a run 30 s later, once
    clock.advance(30_000);
    expect((await rollUpStats(ctx.t.deps))?.images).toBe(1);
    expect((await rollUpStats(ctx.t.deps))?.images).toBe(0);
    const later = await imageStats("all");
    expect(later.total).toEqual({ images: 22, pixelsteps: 6559e6 });
    expect(later.hour.images).toBe(7);
    clock.advance(-30_000);
  });

  it("lists known models by default, custom ones on request", async () => {
    const done = await history();
    await done("stable_diffusion", 2, 5 * MIN);
    await done("MyOwnMix", 1, 5 * MIN);
    await rollUpStats(ctx.t.deps);
    expect((await imageStats()).models.map((m) => m.name)).toEqual(["stable_diffusion"]);
    expect((await imageStats("custom")).models.map((m) => m.name)).toEqual(["MyOwnMix"]);
    expect((await imageStats("all")).models.map((m) => m.name)).toEqual(["stable_diffusion", "MyOwnMix"]);
  });

  it("keeps the totals when old jobs are deleted, and moves windows on as time passes", async () => {
    const done = await history();
    await done("A", 4, 2 * HOUR);
    await rollUpStats(ctx.t.deps);
    expect((await imageStats("all")).day.images).toBe(4);
    await ctx.db.query("DELETE FROM jobs WHERE submitted_at IS NOT NULL");
    clock.advance(DAY);
    await rollUpStats(ctx.t.deps);
    const s = await imageStats("all");
    expect(s.total.images).toBe(4);
    expect(s.month.images).toBe(4);
    expect(s.day.images).toBe(0);
    expect(s.hour.images).toBe(0);
    clock.advance(-DAY);
    // a day later the minute buckets are pruned; the hour buckets stay for the month window
    expect(await ctx.db.query("SELECT 1 FROM stats_minute")).toHaveLength(0);
  });

  it("reads the totals in one statement and the per-model list in one more", async () => {
    const before = ctx.t.deps.db.stats.statements;
    await imageStats();
    expect(ctx.t.deps.db.stats.statements - before).toBe(2);
  });
});

describe("LoRA usage", () => {
  it("counts each generated image once per LoRA its request named, over the day, month and in total", async () => {
    const u = await seedUser(ctx.db);
    const workerId = await insertWorker(ctx.db, { userId: u.id, name: `lora-${u.id}`, models: ["A"], at: at(0) });
    const loras = {
      loras: [
        { name: "Detailer", model: 1, clip: 1, isVersion: false },
        { name: "12345", model: 1, clip: 1, isVersion: true },
      ],
    };
    const both = await insertRequest(ctx.db, { userId: u.id, at: at(50 * DAY), params: loras });
    const one = await insertRequest(ctx.db, { userId: u.id, at: at(50 * DAY), params: { loras: [loras.loras[0]] } });
    const none = await insertRequest(ctx.db, { userId: u.id, at: at(50 * DAY) });
    await insertFinishedJobs(ctx.db, { requestId: both, workerId, model: "A", count: 2, at: at(HOUR) });
    await insertFinishedJobs(ctx.db, { requestId: one, workerId, model: "A", count: 3, at: at(3 * DAY) });
    await insertFinishedJobs(ctx.db, {
      requestId: one,
      workerId,
      model: "A",
      count: 1,
      at: at(HOUR),
      state: "faulted",
    });
    await insertFinishedJobs(ctx.db, { requestId: none, workerId, model: "A", count: 4, at: at(HOUR) });
    const r = await rollUpStats(ctx.t.deps);
    expect(r?.loraUses).toBe(7);
    const s = await ctx.t.gql(LorasDocument, { first: 10 });
    expect(s.data.imageStats.loras).toEqual([
      { name: "Detailer", day: 2, month: 5, total: 5 },
      { name: "version:12345", day: 2, month: 2, total: 2 },
    ]);
    expect((await ctx.t.gql(LorasDocument, { first: 1 })).data.imageStats.loras).toHaveLength(1);
    // folded once
    expect((await rollUpStats(ctx.t.deps))?.loraUses).toBe(0);
    expect((await ctx.t.gql(LorasDocument, { first: 10 })).data.imageStats.loras[0]).toMatchObject({ total: 5 });
  });
});

describe("the roll-up across instances", () => {
  it("run by two instances at once, folds each job once", async () => {
    const done = await history();
    await done("A", 50, 5 * MIN, { pixels: 1e6, steps: 3 });
    // two instances: two connections on Postgres (the advisory lock decides), the one PGlite connection otherwise
    const extra: Db[] = onPostgres ? [ctx.tdb.connect(2), ctx.tdb.connect(2)] : [];
    const dbs = onPostgres ? extra : [ctx.db, ctx.db];
    try {
      const results = await Promise.all(dbs.map((db) => rollUpStats({ db, clock })));
      const folded = results.reduce((n, r) => n + (r?.images ?? 0), 0);
      expect(folded).toBe(50);
      const again = await Promise.all(dbs.map((db) => rollUpStats({ db, clock })));
      expect(again.reduce((n, r) => n + (r?.images ?? 0), 0)).toBe(0);
    } finally {
      for (const db of extra) await db.close();
    }
    const s = await imageStats("all");
    expect(s.total).toEqual({ images: 50, pixelsteps: 150e6 });
    expect(s.hour.images).toBe(50);
  });
});
