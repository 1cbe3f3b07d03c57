import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { useTestApp } from "../../support/app.ts";
import { createRequest, pop, resetQueue, status } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];

/** Pops one job at a time and returns the request ids in the order the worker got them. */
async function drain(apikey: string, name: string, max = 10): Promise<string[]> {
  const order: string[] = [];
  for (let i = 0; i < max; i++) {
    // threads: the worker may hold up to `max` unsubmitted jobs while it drains the queue
    const r = await pop(ctx.t, apikey, { name, models: SD, threads: max });
    if (!r.jobs?.length) break;
    order.push(r.jobs[0]!.requestId!);
  }
  return order;
}

describe("queue order", () => {
  it("serves the worker owner's own request before anyone else's, even a richer and older one", async () => {
    const owner = await seedUser(ctx.db, { kudos: 0 });
    const rich = await seedUser(ctx.db, { kudos: 10_000 });
    await pop(ctx.t, owner.apiKey, { name: `own-${owner.id}`, models: SD, threads: 10 });
    const richOld = await createRequest(ctx.t, rich.apiKey, { prompt: "rich and old" });
    clock.advance(60_000);
    const own = await createRequest(ctx.t, owner.apiKey, { prompt: "the owner's own" });
    expect(await drain(owner.apiKey, `own-${owner.id}`)).toEqual([own, richOld]);
  });

  it("serves higher priority (the requester's kudos) first", async () => {
    const owner = await seedUser(ctx.db);
    const poor = await seedUser(ctx.db, { kudos: 0 });
    const middling = await seedUser(ctx.db, { kudos: 400 });
    const rich = await seedUser(ctx.db, { kudos: 900 });
    // created in the same second: only priority tells them apart
    const a = await createRequest(ctx.t, poor.apiKey, { prompt: "poor" });
    const b = await createRequest(ctx.t, rich.apiKey, { prompt: "rich" });
    const c = await createRequest(ctx.t, middling.apiKey, { prompt: "middling" });
    const prios = await ctx.db.query<{ id: string; priority: string }>(
      "SELECT id, priority::text FROM requests WHERE id = ANY($1::uuid[])",
      [[a, b, c]],
    );
    expect(Object.fromEntries(prios.map((p) => [p.id, Number(p.priority)]))).toEqual({ [a]: 25, [b]: 900, [c]: 400 });
    expect(await drain(owner.apiKey, `prio-${owner.id}`)).toEqual([b, c, a]);
  });

  it("serves the older of two equal-priority requests first", async () => {
    const owner = await seedUser(ctx.db);
    const u = await seedUser(ctx.db, { kudos: 100 });
    const v = await seedUser(ctx.db, { kudos: 100 });
    const older = await createRequest(ctx.t, v.apiKey, { prompt: "older" });
    clock.advance(1_000);
    const newer = await createRequest(ctx.t, u.apiKey, { prompt: "newer" });
    clock.advance(1_000);
    const newest = await createRequest(ctx.t, v.apiKey, { prompt: "newest" });
    expect(await drain(owner.apiKey, `age-${owner.id}`)).toEqual([older, newer, newest]);
  });

  it("ages a waiting request: an old low-priority request overtakes a newer higher one after enough time", async () => {
    const owner = await seedUser(ctx.db);
    const poor = await seedUser(ctx.db, { kudos: 0 }); // priority 25
    const rich = await seedUser(ctx.db, { kudos: 1_000 }); // priority 1000
    // Aging is 5 per second of waiting: 975 points of priority are made up in 195 s.
    const early = await createRequest(ctx.t, poor.apiKey, { prompt: "waited 100 s" });
    clock.advance(100_000);
    const late = await createRequest(ctx.t, rich.apiKey, { prompt: "rich, 100 s later" });
    expect((await status(ctx.t, late)).queuePosition).toBe(1);
    expect(await drain(owner.apiKey, `aging-${owner.id}`)).toEqual([late, early]);

    const old = await createRequest(ctx.t, poor.apiKey, { prompt: "waited 200 s" });
    clock.advance(200_000);
    const young = await createRequest(ctx.t, rich.apiKey, { prompt: "rich, 200 s later" });
    expect((await status(ctx.t, old)).queuePosition).toBe(1);
    expect((await status(ctx.t, young)).queuePosition).toBe(2);
    expect(await drain(owner.apiKey, `aging-${owner.id}`)).toEqual([old, young]);
  });

  it("hands out every job of a request before the next request's (n > 1 makes n jobs)", async () => {
    const owner = await seedUser(ctx.db);
    const u = await seedUser(ctx.db, { kudos: 100 });
    const three = await createRequest(ctx.t, u.apiKey, { prompt: "three", params: { n: 3 } });
    const jobs = await ctx.db.query<{ idx: number; state: string }>(
      "SELECT idx, state FROM jobs WHERE request_id = $1 ORDER BY idx",
      [three],
    );
    expect(jobs).toEqual([0, 1, 2].map((idx) => ({ idx, state: "waiting" })));
    clock.advance(1_000);
    const one = await createRequest(ctx.t, u.apiKey, { prompt: "one" });
    expect(await drain(owner.apiKey, `n-${owner.id}`)).toEqual([three, three, three, one]);
  });
});

describe("batching", () => {
  it("gives a worker asking for amount > 1 several jobs, all of one request and one model", async () => {
    const owner = await seedUser(ctx.db);
    const u = await seedUser(ctx.db, { kudos: 100 });
    const first = await createRequest(ctx.t, u.apiKey, { prompt: "batch me", params: { n: 3 } });
    clock.advance(1_000);
    const second = await createRequest(ctx.t, u.apiKey, { prompt: "not in the batch", params: { n: 3 } });
    // max pixels of 1024² leave room for a batch of 512² images (the AI Horde's safe amount)
    const r = await pop(ctx.t, owner.apiKey, {
      name: `batch-${owner.id}`,
      models: ["stable_diffusion", "Deliberate"],
      maxPixels: 1024 * 1024,
      amount: 5,
    });
    expect(r.jobs).toHaveLength(3);
    expect(new Set(r.jobs.map((j) => j.requestId))).toEqual(new Set([first]));
    expect(new Set(r.jobs.map((j: { model: string }) => j.model)).size).toBe(1);
    expect(new Set(r.jobs.map((j: { id: string }) => j.id)).size).toBe(3);
    expect((await status(ctx.t, second)).waiting).toBe(3);
  });
});
