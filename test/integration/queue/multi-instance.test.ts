import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { feedHub } from "../../../src/modules/jobs/jobs.feed.ts";
import { sweepExpiredJobs } from "../../../src/tasks/index.ts";
import { subscribe, type TestApp, useTestApps } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import {
  CANCEL,
  createRequest,
  FEED,
  outcome,
  pop,
  requestOf,
  resetQueue,
  submit,
  WATCH,
  waitFor,
} from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Three app instances on one Postgres database and one Redis: what happens on one reaches
 * workers and clients connected to the others at once.
 */
describe.skipIf(!onPostgres || !process.env.REDIS_URL)("several instances share one queue", () => {
  // one clock for all three, so deadlines agree whichever instance checks them
  const clock = new ManualClock();
  const env = { REDIS_URL: process.env.REDIS_URL ?? "", REDIS_PREFIX: `test-multi-${randomBytes(4).toString("hex")}:` };
  const ctx = useTestApps(3, { env, clock });
  let a: TestApp;
  let b: TestApp;
  let c: TestApp;
  beforeAll(() => {
    [a, b, c] = ctx.apps as [TestApp, TestApp, TestApp];
  });

  /** Opens a worker feed on `app` and waits until it has parked. */
  async function feedOn(app: TestApp, apikey: string, name: string) {
    const f = subscribe(app.ws(apikey), FEED, { input: { name, models: ["stable_diffusion"] } });
    await waitFor(() => feedHub(app.deps).parkedCount > 0, `feed ${name} to park`);
    return f;
  }

  it("a request created on A reaches a worker subscribed on B at once, and its progress a client on C", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const feed = await feedOn(b, owner.apiKey, `multi-${owner.id}`);

    const id = await createRequest(a, requester.apiKey, { prompt: "across instances", params: { n: 2 } });
    const watch = subscribe(c.ws(requester.apiKey), WATCH, { id });
    const seen = (await watch.next()).data!.imageRequestUpdated;
    expect(seen.id).toBe(id);

    const first = (await feed.next()).data!.imageJobAssigned;
    expect(await requestOf(ctx.db, first.id)).toBe(id);
    let state = seen;
    while (state.processing !== 1) state = (await watch.next()).data!.imageRequestUpdated;

    // submitted on A: the slot frees on B (the second job is pushed there) and C sees the result
    expect(outcome(await submit(a, owner.apiKey, { id: first.id }))).toBe("SubmitImageJobPayload");
    const second = (await feed.next()).data!.imageJobAssigned;
    expect(await requestOf(ctx.db, second.id)).toBe(id);
    expect(second.id).not.toBe(first.id);
    while (state.finished !== 1) state = (await watch.next()).data!.imageRequestUpdated;
    expect(state.generations).toHaveLength(1);

    expect(outcome(await submit(c, owner.apiKey, { id: second.id }))).toBe("SubmitImageJobPayload");
    while (!state.done) state = (await watch.next()).data!.imageRequestUpdated;
    expect(state.finished).toBe(2);
    await watch.completed();
    feed.unsubscribe();
    await waitFor(() => feedHub(b.deps).size === 0, "the feed on B to close");
  });

  it("a request is pushed to one worker only, though idle workers wait on every instance", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db, { trusted: true });
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const feeds = [
      await feedOn(a, owner.apiKey, `one-a-${owner.id}`),
      await feedOn(b, owner.apiKey, `one-b-${owner.id}`),
      await feedOn(c, owner.apiKey, `one-c-${owner.id}`),
    ];
    const id = await createRequest(a, requester.apiKey, { prompt: "only one of you" });
    // the losers' next() calls end when their feeds close; only the first event matters here
    const winner = await Promise.race(feeds.map((f) => f.next().catch(() => null)));
    expect(await requestOf(ctx.db, winner!.data!.imageJobAssigned.id)).toBe(id);
    // every instance's woken feed has tried and the job is held once
    await waitFor(
      () => [a, b, c].reduce((n, app) => n + feedHub(app.deps).parkedCount, 0) === 2,
      "the two losing feeds to park again",
    );
    expect(feeds.reduce((n, f) => n + f.events.length, 0)).toBe(1);
    const rows = await ctx.db.query("SELECT 1 FROM jobs WHERE request_id = $1 AND state = 'processing'", [id]);
    expect(rows).toHaveLength(1);
    for (const f of feeds) f.unsubscribe();
    await waitFor(() => [a, b, c].every((app) => feedHub(app.deps).size === 0), "the feeds to close");
  });

  it("a job re-queued by the sweep on A is pushed to an idle worker on C", async () => {
    await resetQueue(ctx.db);
    const slow = await seedUser(ctx.db);
    const idle = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(b, requester.apiKey, { prompt: "rescued elsewhere" });
    const [job] = (await pop(b, slow.apiKey, { name: `slow-${slow.id}`, models: ["stable_diffusion"] })).jobs;
    const feed = await feedOn(c, idle.apiKey, `idle-${idle.id}`);
    clock.advance(151_000);
    expect(await sweepExpiredJobs(a.deps)).toBe(1);
    const pushed = (await feed.next()).data!.imageJobAssigned;
    expect(pushed.id).toBe(job!.id);
    expect(await requestOf(ctx.db, pushed.id)).toBe(id);
    feed.unsubscribe();
    await waitFor(() => feedHub(c.deps).size === 0, "the feed on C to close");
  });

  it("a cancel on B completes a client's subscription on C", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(a, requester.apiKey, { prompt: "called off" });
    const watch = subscribe(c.ws(), WATCH, { id });
    await watch.next();
    await b.gql(CANCEL, { id }, { apikey: requester.apiKey });
    let state = (await watch.next()).data!.imageRequestUpdated;
    while (!state.done) state = (await watch.next()).data!.imageRequestUpdated;
    expect(state.cancelled).toBe(true);
    await watch.completed();
  });
});
