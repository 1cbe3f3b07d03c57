import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { HordeStatusDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { insertFinishedJobs, insertRequest, insertWaitingJobs, insertWorker } from "../../support/horde-stats.ts";
import { offlineWorkers, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock(Date.parse("2026-11-30T12:00:00Z"));
const ctx = useTestApp({ clock });

beforeEach(async () => {
  await resetQueue(ctx.db);
  await offlineWorkers(ctx.db);
  await ctx.db.query("DELETE FROM jobs WHERE submitted_at IS NOT NULL");
  await ctx.db.query("UPDATE horde_settings SET maintenance = false, invite_only = false, raid = false");
});

const ago = (ms: number) => new Date(clock.now().getTime() - ms);
let names = 0;

describe("hordeStatus", () => {
  it("counts the waiting queue, online workers and threads, and the last minute's generations", async () => {
    const u = await seedUser(ctx.db, { kudos: 100 });
    // queue: two live requests with 3 and 2 waiting jobs (512×512×30 and 1024×1024×20), one cancelled
    const a = await insertRequest(ctx.db, { userId: u.id, at: ago(5000) });
    await insertWaitingJobs(ctx.db, a, 3);
    const b = await insertRequest(ctx.db, { userId: u.id, width: 1024, height: 1024, steps: 20, at: ago(4000) });
    await insertWaitingJobs(ctx.db, b, 2);
    const c = await insertRequest(ctx.db, { userId: u.id, at: ago(3000) });
    await insertWaitingJobs(ctx.db, c, 4);
    await ctx.db.query("UPDATE requests SET cancelled = true WHERE id = $1", [c]);
    // workers: two image workers online (1 + 3 threads), one 301 s stale, one text worker online
    const w1 = await insertWorker(ctx.db, { userId: u.id, name: `hs-${++names}`, models: ["x"], at: ago(1000) });
    await insertWorker(ctx.db, { userId: u.id, name: `hs-${++names}`, models: ["x"], at: ago(299_000), threads: 3 });
    await insertWorker(ctx.db, { userId: u.id, name: `hs-${++names}`, models: ["x"], at: ago(301_000), threads: 5 });
    await insertWorker(ctx.db, {
      userId: u.id,
      name: `hs-${++names}`,
      models: [],
      at: ago(0),
      kind: "text",
      threads: 2,
    });
    // finished: 2 ok and 1 censored within the minute, one faulted, one 61 s ago
    const d = await insertRequest(ctx.db, { userId: u.id, at: ago(120_000) });
    await insertFinishedJobs(ctx.db, {
      requestId: d,
      workerId: w1,
      model: "x",
      count: 2,
      at: ago(59_000),
      pixels: 1_000_000,
      steps: 10,
    });
    await insertFinishedJobs(ctx.db, {
      requestId: d,
      workerId: w1,
      model: "x",
      count: 1,
      at: ago(1000),
      pixels: 1_000_000,
      steps: 5,
      state: "censored",
    });
    await insertFinishedJobs(ctx.db, {
      requestId: d,
      workerId: w1,
      model: "x",
      count: 1,
      at: ago(1000),
      pixels: 1_000_000,
      steps: 100,
      state: "faulted",
    });
    await insertFinishedJobs(ctx.db, {
      requestId: d,
      workerId: w1,
      model: "x",
      count: 1,
      at: ago(61_000),
      pixels: 1_000_000,
      steps: 100,
    });

    const s = (await ctx.t.gql(HordeStatusDocument)).data.hordeStatus;
    expect(s).toMatchObject({
      queuedRequests: 2,
      queuedJobs: 5,
      workersOnline: 2,
      threadsOnline: 4,
      textWorkersOnline: 1,
      textThreadsOnline: 2,
      interrogatorsOnline: 0,
      pastMinuteImages: 3,
      pastMinuteMegapixelsteps: 25,
      maintenance: false,
      inviteOnly: false,
      raid: null,
      at: clock.now().toISOString(),
    });
    expect(s.queuedMegapixelsteps).toBeCloseTo((3 * 512 * 512 * 30 + 2 * 1024 * 1024 * 20) / 1e6, 6);

    // 30 s later the two from 59 s ago have left the window, the censored one has not
    clock.advance(30_000);
    const later = (await ctx.t.gql(HordeStatusDocument)).data.hordeStatus;
    expect(later).toMatchObject({ pastMinuteImages: 1, pastMinuteMegapixelsteps: 5 });
  });

  it("shows the horde's modes, and raid mode to moderators only", async () => {
    const mod = await seedUser(ctx.db, { moderator: true });
    const user = await seedUser(ctx.db);
    await ctx.db.query("UPDATE horde_settings SET maintenance = true, invite_only = true, raid = true");
    const asUser = (await ctx.t.gql(HordeStatusDocument, {}, { apikey: user.apiKey })).data.hordeStatus;
    expect(asUser).toMatchObject({ maintenance: true, inviteOnly: true, raid: null });
    const asMod = (await ctx.t.gql(HordeStatusDocument, {}, { apikey: mod.apiKey })).data.hordeStatus;
    expect(asMod).toMatchObject({ maintenance: true, inviteOnly: true, raid: true });
  });

  it("reads the status in one statement", async () => {
    const before = ctx.t.deps.db.stats.statements;
    const r = await ctx.t.gql(HordeStatusDocument);
    expect(r.errors).toBeUndefined();
    // the anonymous viewer needs no statement; the status is one
    expect(ctx.t.deps.db.stats.statements - before).toBe(1);
  });
});
