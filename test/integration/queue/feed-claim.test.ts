import { describe, expect, it } from "vitest";
import type { WakeHint } from "../../../src/infra/pubsub.ts";
import { feedHub, openFeed } from "../../../src/modules/jobs/jobs.feed.ts";
import { claimFor } from "../../../src/modules/jobs/jobs.service.ts";
import { authenticate } from "../../../src/modules/users/users.service.ts";
import { checkInImageWorker } from "../../../src/modules/workers/workers.service.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { createRequest, FEED, nextPark, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * A feed claims in one statement and no longer re-reads its worker's jobs before each claim
 * (issue 9): the claim's SQL enforces the worker's limit, and a feed that found its worker at
 * that limit hears any release of the worker's jobs, not only of its own.
 */
const ctx = useTestApp();
const SD = ["stable_diffusion"];

/** Creates a request without telling any feed (its jobs wait, unannounced). */
async function quietRequest(apikey: string, prompt: string): Promise<string> {
  const bus = ctx.t.deps.bus;
  const publish = bus.publish;
  bus.publish = (() => {}) as typeof bus.publish;
  try {
    return await createRequest(ctx.t, apikey, { prompt, params: { width: 64, height: 64 } });
  } finally {
    bus.publish = publish;
  }
}

/** Resolves when a feed that could not use a wake-up hands it on. */
function nextHandOn(): Promise<void> {
  const hub = feedHub(ctx.t.deps);
  return new Promise((resolve) => {
    const wake = hub.wake.bind(hub);
    hub.wake = (hint, tried, seq) => {
      wake(hint, tried, seq);
      if (tried.size > 0) {
        hub.wake = wake;
        resolve();
      }
    };
  });
}

describe("a feed's claim", () => {
  it("is one statement for a worker that takes one job at a time", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await quietRequest(requester.apiKey, "one statement");
    const viewer = (await authenticate(ctx.db, owner.apiKey))!;
    const { worker, declaration } = await checkInImageWorker(ctx.t.deps, viewer, {
      name: `single-${owner.id}`,
      models: SD,
    });
    const stats = ctx.t.deps.db.stats;
    let before = stats.statements;
    const got = await claimFor(ctx.t.deps, worker, declaration, 1);
    expect(got.jobs).toHaveLength(1);
    expect(got.room).toBe(1);
    expect(stats.statements - before).toBe(1);
    // at its limit: still one statement, and nothing taken
    await quietRequest(requester.apiKey, "one more");
    before = stats.statements;
    expect(await claimFor(ctx.t.deps, worker, declaration, 1)).toEqual({ jobs: [], room: 0 });
    expect(stats.statements - before).toBe(1);
  });

  it("of an open feed woken for a request costs that one statement, and none after the job", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const viewer = (await authenticate(ctx.db, owner.apiKey))!;
    const { worker, declaration } = await checkInImageWorker(ctx.t.deps, viewer, {
      name: `woken-${owner.id}`,
      models: SD,
    });
    const feed = await openFeed(ctx.t.deps, worker, declaration);
    const parked = nextPark(ctx.t.deps);
    const first = feed.next(); // finds nothing, parks
    await parked;
    const id = await quietRequest(requester.apiKey, "wake me");
    const stats = ctx.t.deps.db.stats;
    const before = stats.statements;
    const hint: WakeHint = {
      kind: "image",
      requestId: id,
      count: 1,
      models: [],
      pixels: 64 * 64,
      nsfw: false,
      userId: 0,
    };
    ctx.t.deps.bus.publish("jobsAvailable", hint);
    const job = await first;
    expect(job.done).toBe(false);
    // with its one slot taken the feed claims no more, and it no longer re-reads its jobs
    const after = feed.next();
    await new Promise((r) => setImmediate(r));
    expect(stats.statements - before).toBe(1);
    await feed.return();
    expect((await after).done).toBe(true);
  });

  it("at its worker's limit takes the next job as soon as the worker's HTTP-popped job is submitted", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const name = `at-limit-${owner.id}`;
    const parked = nextPark(ctx.t.deps);
    const feed = subscribe(ctx.t.ws(owner.apiKey), FEED, { input: { name, models: SD, maxConcurrentJobs: 1 } });
    await parked;
    // the worker's one slot goes to an HTTP pop its feed hears nothing of
    await quietRequest(requester.apiKey, "popped");
    const popped = await pop(ctx.t, owner.apiKey, { name, models: SD });
    expect(popped.jobs).toHaveLength(1);
    // a new request wakes the feed, whose claim finds the worker at its limit and hands it on
    const handedOn = nextHandOn();
    const waiting = await createRequest(ctx.t, requester.apiKey, {
      prompt: "next",
      params: { width: 64, height: 64 },
    });
    await handedOn;
    expect(feed.events).toHaveLength(0);
    // the HTTP job is submitted: the feed takes the waiting job without waiting for a sweep
    await submit(ctx.t, owner.apiKey, { id: popped.jobs[0]!.id });
    await feed.next();
    const [row] = await ctx.db.query<{ request_id: string }>(
      "SELECT request_id FROM jobs WHERE worker_id = (SELECT id FROM workers WHERE name = $1) AND state = 'processing'",
      [name],
    );
    expect(row?.request_id).toBe(waiting);
    feed.unsubscribe();
  });
});

describe("a feed's wake-ups", () => {
  it("are not lost while the claim that follows a release is in flight", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const name = `in-flight-${owner.id}`;
    const viewer = (await authenticate(ctx.db, owner.apiKey))!;
    const { worker, declaration } = await checkInImageWorker(ctx.t.deps, viewer, { name, models: SD });
    await quietRequest(requester.apiKey, "first");
    const feed = await openFeed(ctx.t.deps, worker, declaration);
    const first = await feed.next(); // its one slot: the worker is now at its limit
    expect(first.done).toBe(false);
    const second = feed.next();

    // the claim that follows the release runs, then is held back before it answers
    const db = ctx.t.deps.db;
    const query = db.query;
    let reached!: () => void;
    const atGate = new Promise<void>((r) => {
      reached = r;
    });
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    db.query = (async (text: string, params?: readonly unknown[], opts?: unknown) => {
      const rows = await query.call(db, text, params, opts as never);
      if (text.includes("claim_next_job(")) {
        db.query = query;
        reached();
        await gate;
      }
      return rows;
    }) as typeof db.query;
    try {
      await submit(ctx.t, owner.apiKey, { id: first.value!.id });
      await atGate;
      // a request arrives while that claim (which saw an empty queue) is in flight
      const waiting = await createRequest(ctx.t, requester.apiKey, {
        prompt: "arrives mid-claim",
        params: { width: 64, height: 64 },
      });
      open();
      const got = await Promise.race([second, new Promise<"lost">((r) => setTimeout(() => r("lost"), 3_000).unref())]);
      expect(got).not.toBe("lost");
      const job = (got as IteratorResult<{ request_id: string }>).value;
      expect(job.request_id).toBe(waiting);
    } finally {
      db.query = query;
      open();
      await feed.return();
    }
  });
});

describe("a claim lost in a crash", () => {
  it("only puts the job back in the queue: its worker's submit is refused as AbortedGen and nothing is paid", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "lost claim" });
    const [job] = (await pop(ctx.t, owner.apiKey, { name: `lost-${owner.id}`, models: SD })).jobs;
    expect(job!.requestId).toBe(id);
    // what Postgres recovers after losing the asynchronous commit of that claim: the job as it was
    await ctx.db.query(
      `UPDATE jobs SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = NULL,
              seed = NULL, ttl = 0 WHERE id = $1`,
      [job!.id],
    );
    const ledger = async () => (await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM kudos_ledger"))[0]!.n;
    const rowsBefore = await ledger();
    const refused = await submit(ctx.t, owner.apiKey, { id: job!.id });
    expect(refused).toMatchObject({ __typename: "ConflictError", code: "AbortedGen" });
    expect(await ledger()).toBe(rowsBefore);
    // and the job is claimed again
    const [again] = (await pop(ctx.t, owner.apiKey, { name: `lost-${owner.id}`, models: SD })).jobs;
    expect(again!.id).toBe(job!.id);
  });
});
