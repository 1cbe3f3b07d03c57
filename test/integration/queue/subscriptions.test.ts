import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { feedHub, openFeed as openServerFeed } from "../../../src/modules/jobs/jobs.feed.ts";
import { authenticate } from "../../../src/modules/users/users.service.ts";
import { checkInImageWorker } from "../../../src/modules/workers/workers.service.ts";
import { sweepExpiredJobs, sweepExpiredRequests } from "../../../src/tasks/index.ts";
import { WorkerDocument } from "../../generated/graphql.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import {
  CANCEL,
  createRequest,
  FEED,
  nextPark,
  outcome,
  pop,
  requestOf,
  resetQueue,
  status,
  submit,
  WATCH,
  waitFor,
} from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
type Feed = ReturnType<typeof subscribe<Record<string, any>>>;
const open: Feed[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) f.unsubscribe();
  await waitFor(() => feedHub(ctx.t.deps).size === 0, "every feed to close");
});

/** Opens a worker's feed and waits until it has registered and parked (nothing to claim yet). */
async function openFeed(apikey: string, input: Record<string, unknown>, client = ctx.t.ws(apikey)) {
  const hub = feedHub(ctx.t.deps);
  const parked = hub.parkedCount;
  const f = subscribe(client, FEED, { input: { models: SD, ...input } });
  open.push(f);
  await waitFor(() => hub.parkedCount > parked || f.done, `feed ${input.name} to park`);
  return { feed: f, client };
}

async function workerId(name: string): Promise<string> {
  const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
  return w!.id;
}

/** Counts claim statements (the one SQL claim and its batch sibling) sent from now on. */
function countClaims() {
  const db = ctx.t.deps.db;
  const original = db.query;
  const originalTx = db.tx;
  let claims = 0;
  let hinted = 0;
  const counted = (q: typeof db.query, self: unknown) =>
    ((text: string, params?: readonly unknown[]) => {
      if (text.includes("claim_hinted_job(")) hinted++;
      // the claim (the claim_next_job function, or claim_hinted_job for a parked feed woken by
      // one request) and a batch's further claims (their own SQL)
      if (
        text.includes("claim_next_job(") ||
        text.includes("claim_hinted_job(") ||
        (text.includes("SKIP LOCKED") && text.includes("SET state = 'processing'"))
      )
        claims++;
      return q.call(self, text, params);
    }) as typeof db.query;
  db.query = counted(original, db);
  // a claim runs in a transaction (the worker's held jobs are counted under its lock)
  db.tx = ((fn: (sql: typeof db) => Promise<unknown>) =>
    originalTx.call(db, (sql) => {
      const wrapped = Object.create(sql);
      wrapped.query = counted(sql.query, sql);
      return fn(wrapped);
    })) as typeof db.tx;
  return {
    get claims() {
      return claims;
    },
    /** Of those, the claims of one request's job (claim_hinted_job). */
    get hinted() {
      return hinted;
    },
    restore() {
      db.query = original;
      db.tx = originalTx;
    },
  };
}

/** Runs `fn` with the bus publishing nothing: what a lost wake-up looks like. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const bus = ctx.t.deps.bus;
  const publish = bus.publish;
  bus.publish = (() => {}) as typeof bus.publish;
  try {
    return await fn();
  } finally {
    bus.publish = publish;
  }
}

describe("imageRequestUpdated", () => {
  it("emits the current state at once, then each change, and completes when the request is done", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "watch me", params: { n: 2 } });
    const watch = subscribe(ctx.t.ws(requester.apiKey), WATCH, { id });
    const first = (await watch.next()).data!.imageRequestUpdated;
    expect(first).toMatchObject({ id, waiting: 2, processing: 0, finished: 0, done: false });

    const name = `watched-${owner.id}`;
    const [job] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
    const popped = (await watch.next()).data!.imageRequestUpdated;
    expect(popped).toMatchObject({ waiting: 1, processing: 1, finished: 0, done: false });

    await submit(ctx.t, owner.apiKey, { id: job!.id });
    const submitted = (await watch.next()).data!.imageRequestUpdated;
    expect(submitted).toMatchObject({ waiting: 1, processing: 0, finished: 1, done: false });
    expect(submitted.generations).toHaveLength(1);

    const [last] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
    await submit(ctx.t, owner.apiKey, { id: last!.id });
    let state = (await watch.next()).data!.imageRequestUpdated;
    while (!state.done) state = (await watch.next()).data!.imageRequestUpdated;
    expect(state).toMatchObject({ finished: 2, done: true });
    expect(state.generations).toHaveLength(2);
    await watch.completed();
    expect(watch.error).toBeNull();
  });

  it("completes when the request is cancelled", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "never mind" });
    const watch = subscribe(ctx.t.ws(), WATCH, { id });
    expect((await watch.next()).data!.imageRequestUpdated.cancelled).toBe(false);
    await ctx.t.gql(CANCEL, { id }, { apikey: requester.apiKey });
    const last = (await watch.next()).data!.imageRequestUpdated;
    expect(last).toMatchObject({ cancelled: true, done: true });
    await watch.completed();
  });

  it("emits a finished request's state once and completes", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "already done" });
    const [job] = (await pop(ctx.t, owner.apiKey, { name: `done-${owner.id}`, models: SD })).jobs;
    await submit(ctx.t, owner.apiKey, { id: job!.id });
    const watch = subscribe(ctx.t.ws(), WATCH, { id });
    expect((await watch.next()).data!.imageRequestUpdated).toMatchObject({ finished: 1, done: true });
    await watch.completed();
    expect(watch.events).toHaveLength(1);
  });

  it("completes when the request expires", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "left to expire" });
    const watch = subscribe(ctx.t.ws(), WATCH, { id });
    expect((await watch.next()).data!.imageRequestUpdated.done).toBe(false);
    clock.advance(1_201_000);
    expect(await sweepExpiredRequests(ctx.t.deps)).toBeGreaterThanOrEqual(1);
    expect((await watch.next()).data!.imageRequestUpdated).toMatchObject({ done: true, waiting: 0 });
    await watch.completed();
  });

  it("answers an unknown request id with an error", async () => {
    for (const id of [randomUUID(), "not-an-id"]) {
      const watch = subscribe(ctx.t.ws(), WATCH, { id });
      // a malformed id fails at subscribe (an `error` message); an unknown one on the first read
      // (an event carrying the error); either way the client sees NotFound and nothing else
      const errors = await watch.next().then(
        (e) => (e.data ? [] : e.errors),
        () => watch.error,
      );
      expect(errors).toEqual([expect.objectContaining({ extensions: { code: "NotFound" } })]);
      await watch.completed();
      expect(watch.events.filter((e) => e.data)).toEqual([]);
    }
  });
});

describe("imageJobAssigned", () => {
  it("pushes a job as soon as a request is created", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const name = `push-${owner.id}`;
    const { feed } = await openFeed(owner.apiKey, { name });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "push it" });
    const job = (await feed.next()).data!.imageJobAssigned;
    expect(job).toMatchObject({ prompt: "push it", model: "stable_diffusion", ttl: 150 });
    expect(await requestOf(ctx.db, job.id)).toBe(id);
    const [row] = await ctx.db.query<{ worker_id: string; state: string }>(
      "SELECT worker_id, state FROM jobs WHERE id = $1",
      [job.id],
    );
    expect(row).toEqual({ worker_id: await workerId(name), state: "processing" });
  });

  it("pushes a job already waiting when the feed opens", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "waiting already" });
    const f = subscribe(ctx.t.ws(owner.apiKey), FEED, { input: { name: `early-${owner.id}`, models: SD } });
    open.push(f);
    expect(await requestOf(ctx.db, (await f.next()).data!.imageJobAssigned.id)).toBe(id);
  });

  it("never has more than maxConcurrentJobs unsubmitted jobs out; a submit frees a slot at once", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const name = `two-${owner.id}`;
    const { feed } = await openFeed(owner.apiKey, { name, maxConcurrentJobs: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await createRequest(ctx.t, requester.apiKey, { prompt: `r${i}` }));
      clock.advance(1_000);
    }
    const a = (await feed.next()).data!.imageJobAssigned;
    const b = (await feed.next()).data!.imageJobAssigned;
    expect([await requestOf(ctx.db, a.id), await requestOf(ctx.db, b.id)]).toEqual([ids[0], ids[1]]);
    // a full round trip later, the third is still waiting and nothing more was pushed
    expect((await status(ctx.t, ids[2]!)).waiting).toBe(1);
    const held = await ctx.db.query("SELECT 1 FROM jobs WHERE worker_id = $1 AND state = 'processing'", [
      await workerId(name),
    ]);
    expect(held).toHaveLength(2);
    expect(feed.events).toHaveLength(2);

    await submit(ctx.t, owner.apiKey, { id: a.id });
    const c = (await feed.next()).data!.imageJobAssigned;
    expect(await requestOf(ctx.db, c.id)).toBe(ids[2]);
  });

  it("wakes only as many idle feeds as the request has jobs", async () => {
    const owner = await seedUser(ctx.db, { trusted: true });
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const feeds: Feed[] = [];
    for (let i = 0; i < 5; i++) feeds.push((await openFeed(owner.apiKey, { name: `idle-${owner.id}-${i}` })).feed);
    const hub = feedHub(ctx.t.deps);
    expect(hub.parkedCount).toBe(5);

    const counter = countClaims();
    try {
      const id = await createRequest(ctx.t, requester.apiKey, { prompt: "just one" });
      // the losers' next() calls end when their feeds close; only the first event matters here
      const winner = await Promise.race(feeds.map((f) => f.next().catch(() => null)));
      expect(await requestOf(ctx.db, winner!.data!.imageJobAssigned.id)).toBe(id);
      // the other four stay parked and were never woken
      await waitFor(() => hub.parkedCount === 4, "the other feeds to stay parked");
      expect((await status(ctx.t, id)).processing).toBe(1);
      expect(counter.claims).toBe(1);
      expect(feeds.reduce((n, f) => n + f.events.length, 0)).toBe(1);

      // two jobs wake two feeds, not four
      const two = await createRequest(ctx.t, requester.apiKey, { prompt: "two", params: { n: 2 } });
      await waitFor(async () => (await status(ctx.t, two)).processing === 2, "both jobs to be claimed");
      expect(counter.claims).toBe(3);
      expect(feeds.reduce((n, f) => n + f.events.length, 0)).toBe(3);
    } finally {
      counter.restore();
    }
  });

  it("a parked feed woken by the first request since it parked claims that request's job without walking the queue", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const { feed } = await openFeed(owner.apiKey, { name: `hinted-${owner.id}` });
    const counter = countClaims();
    try {
      const id = await createRequest(ctx.t, requester.apiKey, { prompt: "first" });
      expect(await requestOf(ctx.db, (await feed.next()).data!.imageJobAssigned.id)).toBe(id);
      expect([counter.claims, counter.hinted]).toEqual([1, 1]);
    } finally {
      counter.restore();
    }
  });

  it("a feed woken after other announcements since it parked walks the queue, and takes the best request", async () => {
    const owner = await seedUser(ctx.db);
    const rich = await seedUser(ctx.db, { kudos: 10_000 });
    const poor = await seedUser(ctx.db, { kudos: 10 });
    const { feed } = await openFeed(owner.apiKey, { name: `walks-${owner.id}`, models: SD });
    const counter = countClaims();
    try {
      // announced, but for a model this feed does not serve: it stays parked
      await createRequest(ctx.t, rich.apiKey, { prompt: "elsewhere", models: ["Deliberate"] });
      // not announced at all (a wake-up lost with Redis): only a walk of the queue finds it
      const best = await quietly(() => createRequest(ctx.t, rich.apiKey, { prompt: "best" }));
      expect(counter.claims).toBe(0);
      const woken = await createRequest(ctx.t, poor.apiKey, { prompt: "wakes it" });
      expect(await requestOf(ctx.db, (await feed.next()).data!.imageJobAssigned.id)).toBe(best);
      expect(counter.hinted).toBe(0);
      expect((await status(ctx.t, woken)).processing).toBe(0);
    } finally {
      counter.restore();
    }
  });

  it("an idle feed whose worker leaves maintenance takes the request that waited, and is woken for new ones", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const name = `maint-${owner.id}`;
    await pop(ctx.t, owner.apiKey, { name, models: SD }); // registers the worker
    const id = await workerId(name);
    const maintenance = async (on: boolean) => {
      const r = await ctx.t.gql(
        `mutation($input: SetWorkerMaintenanceInput!) { setWorkerMaintenance(input: $input) { __typename } }`,
        { input: { id, maintenance: on } },
        { apikey: owner.apiKey },
      );
      expect(r.data.setWorkerMaintenance.__typename).toBe("SetWorkerMaintenancePayload");
    };
    await maintenance(true);
    clock.advance(31_000); // past the check-in debounce, whose remembered row says no maintenance
    // the feed opens in maintenance: its guess turns other users' requests away
    const { feed } = await openFeed(owner.apiKey, { name });
    const waiting = await createRequest(ctx.t, requester.apiKey, { prompt: "not for a worker in maintenance" });
    expect((await status(ctx.t, waiting)).waiting).toBe(1);
    // no request is announced when it leaves maintenance: the feed re-reads its worker and looks
    await maintenance(false);
    const first = (await feed.next()).data!.imageJobAssigned;
    expect(await requestOf(ctx.db, first.id)).toBe(waiting);
    const parked = nextPark(ctx.t.deps);
    await submit(ctx.t, owner.apiKey, { id: first.id });
    await parked;
    // and its guess now lets other users' requests wake it
    const next = await createRequest(ctx.t, requester.apiKey, { prompt: "announced after" });
    expect(await requestOf(ctx.db, (await feed.next()).data!.imageJobAssigned.id)).toBe(next);
  });

  it("the sweep gives a feed its worker's row when a change was never announced", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const name = `unannounced-${owner.id}`;
    await pop(ctx.t, owner.apiKey, { name, models: SD });
    const id = await workerId(name);
    await ctx.db.query("UPDATE workers SET maintenance = true WHERE id = $1", [id]);
    clock.advance(31_000); // past the check-in debounce
    const { feed } = await openFeed(owner.apiKey, { name });
    const waiting = await createRequest(ctx.t, requester.apiKey, { prompt: "waits for the sweep" });
    // out of maintenance with no event (as after a lost one): the feed's guess still says maintenance
    await ctx.db.query("UPDATE workers SET maintenance = false WHERE id = $1", [id]);
    await feedHub(ctx.t.deps).sweep();
    expect(await requestOf(ctx.db, (await feed.next()).data!.imageJobAssigned.id)).toBe(waiting);
  });

  it("a woken feed that cannot take the job after all hands the wake-up on to the next idle feed", async () => {
    const picky = await seedUser(ctx.db);
    const willing = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    // parked first, so woken first; its blacklist is only known to the SQL claim
    const { feed: first } = await openFeed(picky.apiKey, { name: `picky-${picky.id}`, blacklist: ["barn"] });
    const { feed: second } = await openFeed(willing.apiKey, { name: `willing-${willing.id}` });
    const counter = countClaims();
    try {
      const id = await createRequest(ctx.t, requester.apiKey, { prompt: "a red barn" });
      expect(await requestOf(ctx.db, (await second.next()).data!.imageJobAssigned.id)).toBe(id);
      expect(first.events).toEqual([]);
      // picky tries the request it was woken for, then the queue (both find nothing for it);
      // willing, handed the same announcement, takes the job with the request's claim alone
      expect([counter.claims, counter.hinted]).toEqual([3, 2]);
    } finally {
      counter.restore();
    }
  });

  it("a feed whose client disconnected never claims a job", async () => {
    const gone = await seedUser(ctx.db);
    const live = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const { client } = await openFeed(gone.apiKey, { name: `gone-${gone.id}` });
    const goneId = await workerId(`gone-${gone.id}`);
    await client.dispose();
    await waitFor(() => feedHub(ctx.t.deps).size === 0, "the server to notice the disconnect");
    const { feed } = await openFeed(live.apiKey, { name: `live-${live.id}` });

    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "who takes it", params: { n: 2 } });
    expect(await requestOf(ctx.db, (await feed.next()).data!.imageJobAssigned.id)).toBe(id);
    const rows = await ctx.db.query<{ worker_id: string | null; state: string }>(
      "SELECT worker_id, state FROM jobs WHERE request_id = $1 ORDER BY state",
      [id],
    );
    expect(rows.map((r) => r.state).sort()).toEqual(["processing", "waiting"]);
    expect(rows.some((r) => r.worker_id === goneId)).toBe(false);
  });

  it("a feed the client unsubscribed from (connection kept) never claims a job", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const name = `unsub-${owner.id}`;
    const { feed } = await openFeed(owner.apiKey, { name });
    feed.unsubscribe();
    await waitFor(() => feedHub(ctx.t.deps).size === 0, "the feed to close on unsubscribe");
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "left behind" });
    expect((await status(ctx.t, id)).waiting).toBe(1);
    expect(await ctx.db.query("SELECT 1 FROM jobs WHERE worker_id = $1", [await workerId(name)])).toEqual([]);
  });

  it("counts a reconnecting worker's outstanding jobs against its limit", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const name = `reconnect-${owner.id}`;
    const first = await openFeed(owner.apiKey, { name, maxConcurrentJobs: 1 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "held" });
    const held = (await first.feed.next()).data!.imageJobAssigned;
    await first.client.dispose();
    await waitFor(() => feedHub(ctx.t.deps).size === 0, "the old feed to close");

    const again = subscribe(ctx.t.ws(owner.apiKey), FEED, { input: { name, models: SD, maxConcurrentJobs: 1 } });
    open.push(again);
    await waitFor(() => feedHub(ctx.t.deps).size === 1, "the new feed to open");
    clock.advance(1_000);
    const next = await createRequest(ctx.t, requester.apiKey, { prompt: "must wait" });
    expect((await status(ctx.t, next)).waiting).toBe(1);
    expect(again.events).toEqual([]);

    // the job held across the reconnect can still be submitted, which frees the slot
    expect(outcome(await submit(ctx.t, owner.apiKey, { id: held.id }))).toBe("SubmitImageJobPayload");
    expect(await requestOf(ctx.db, (await again.next()).data!.imageJobAssigned.id)).toBe(next);
  });

  it("a worker that disconnects loses nothing: its job goes back to the queue when its TTL runs out", async () => {
    const owner = await seedUser(ctx.db);
    const other = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const { feed, client } = await openFeed(owner.apiKey, { name: `vanish-${owner.id}` });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "abandoned" });
    const job = (await feed.next()).data!.imageJobAssigned;
    await client.dispose();
    await waitFor(() => feedHub(ctx.t.deps).size === 0, "the feed to close");
    expect((await status(ctx.t, id)).processing).toBe(1);

    const { feed: rescuer } = await openFeed(other.apiKey, { name: `rescue-${other.id}` });
    clock.advance(151_000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
    const rescued = (await rescuer.next()).data!.imageJobAssigned;
    expect(rescued.id).toBe(job.id);
    expect(await requestOf(ctx.db, rescued.id)).toBe(id);
    expect((await status(ctx.t, id)).restarted).toBe(1);
  });

  it("a worker that disconnects may still submit its job before the TTL runs out", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const { feed, client } = await openFeed(owner.apiKey, { name: `blink-${owner.id}` });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "brief outage" });
    const job = (await feed.next()).data!.imageJobAssigned;
    await client.dispose();
    clock.advance(100_000);
    expect(outcome(await submit(ctx.t, owner.apiKey, { id: job.id }))).toBe("SubmitImageJobPayload");
    expect(await status(ctx.t, id)).toMatchObject({ finished: 1, done: true, restarted: 0 });
  });

  it("a job given back by a late submit reaches an idle feed at once", async () => {
    const slow = await seedUser(ctx.db);
    const idle = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "too slow" });
    const [job] = (await pop(ctx.t, slow.apiKey, { name: `slow-${slow.id}`, models: SD })).jobs;
    const { feed } = await openFeed(idle.apiKey, { name: `idle-${idle.id}` });
    clock.advance(151_000);
    expect(outcome(await submit(ctx.t, slow.apiKey, { id: job!.id }))).toBe("AbortedGen");
    const pushed = (await feed.next()).data!.imageJobAssigned;
    expect(pushed.id).toBe(job!.id);
    expect(await requestOf(ctx.db, pushed.id)).toBe(id);
  });
});

describe("worker feeds, closer up", () => {
  it("refuses a feed to Anonymous and to a worker name owned by someone else", async () => {
    const anon = subscribe(ctx.t.ws(), FEED, { input: { name: "anon-feed", models: SD } });
    await anon.completed();
    expect(anon.error ?? anon.events[0]?.errors).toEqual([
      expect.objectContaining({ extensions: { code: "AnonForbidden" } }),
    ]);
    const alice = await seedUser(ctx.db);
    const bob = await seedUser(ctx.db);
    await pop(ctx.t, alice.apiKey, { name: `alices-${alice.id}`, models: SD });
    const stolen = subscribe(ctx.t.ws(bob.apiKey), FEED, { input: { name: `alices-${alice.id}`, models: SD } });
    await stolen.completed();
    expect(stolen.error ?? stolen.events[0]?.errors).toEqual([
      expect.objectContaining({ extensions: { code: "WrongCredentials" } }),
    ]);
  });

  it("keeps a worker with a live feed online: the heartbeat checks it in", async () => {
    const owner = await seedUser(ctx.db);
    const name = `beat-${owner.id}`;
    const { feed } = await openFeed(owner.apiKey, { name });
    const online = async () => (await ctx.t.gql(WorkerDocument, { id: await workerId(name) })).data.worker?.online;
    clock.advance(240_000);
    await feedHub(ctx.t.deps).heartbeat();
    clock.advance(240_000);
    expect(await online()).toBe(true);
    feed.unsubscribe();
    await waitFor(() => feedHub(ctx.t.deps).size === 0, "the feed to close");
    await feedHub(ctx.t.deps).heartbeat();
    clock.advance(301_000);
    expect(await online()).toBe(false);
  });

  it("a feed that fails to open leaves nothing behind: no feed registered, no worker kept online", async () => {
    const owner = await seedUser(ctx.db);
    const db = ctx.t.deps.db;
    const query = db.query;
    db.query = ((text: string, params?: readonly unknown[]) =>
      text.includes("FROM jobs WHERE worker_id") && text.includes("'processing'")
        ? Promise.reject(new Error("connection lost"))
        : query.call(db, text, params)) as typeof db.query;
    try {
      const f = subscribe(ctx.t.ws(owner.apiKey), FEED, { input: { name: `broken-${owner.id}`, models: SD } });
      await f.completed();
      expect(f.error ?? f.events[0]?.errors).toBeTruthy();
    } finally {
      db.query = query;
    }
    expect(feedHub(ctx.t.deps).size).toBe(0);
  });

  it("the safety sweep finds a job whose wake-up was lost", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const { feed } = await openFeed(owner.apiKey, { name: `net-${owner.id}` });
    // a request queued without any event (as if the wake-up were lost on the way)
    const id = await quietly(() => createRequest(ctx.t, requester.apiKey, { prompt: "nobody told" }));
    expect((await status(ctx.t, id)).waiting).toBe(1);
    expect(feed.events).toEqual([]);
    const counter = countClaims();
    try {
      await feedHub(ctx.t.deps).sweep();
      expect(await requestOf(ctx.db, (await feed.next()).data!.imageJobAssigned.id)).toBe(id);
      // the sweep's re-announcements are not news: a feed it wakes reads the queue in order
      expect([counter.claims, counter.hinted]).toEqual([1, 0]);
    } finally {
      counter.restore();
    }
  });
});

describe("a feed closing with jobs it has not delivered", () => {
  /** A feed opened on the server directly, so the test decides when its client "leaves". */
  async function serverFeed(apikey: string, input: Record<string, unknown>) {
    const viewer = (await authenticate(ctx.t.deps.db, apikey))!;
    const { worker, declaration } = await checkInImageWorker(ctx.t.deps, viewer, { models: SD, ...input } as never);
    return { feed: await openServerFeed(ctx.t.deps, worker, declaration), workerId: worker.id };
  }

  it("gives back a batched job not yet delivered, and an idle feed gets it at once", async () => {
    const owner = await seedUser(ctx.db);
    const other = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "a batch of two", params: { n: 2 } });
    const { feed } = await serverFeed(owner.apiKey, {
      name: `batcher-${owner.id}`,
      amount: 2,
      maxConcurrentJobs: 2,
      maxPixels: 1024 * 1024,
    });
    const first = await feed.next();
    expect(first.done).toBe(false);
    expect((await status(ctx.t, id)).processing).toBe(2);
    const { feed: idle } = await openFeed(other.apiKey, { name: `catcher-${other.id}` });

    await feed.return();
    const caught = (await idle.next()).data!.imageJobAssigned;
    expect(await requestOf(ctx.db, caught.id)).toBe(id);
    expect(caught.id).not.toBe(first.value!.id);
  });

  it("gives back a job claimed while its client was leaving, and an idle feed gets it at once", async () => {
    const owner = await seedUser(ctx.db);
    const other = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const { feed: idle } = await openFeed(other.apiKey, { name: `stayer-${other.id}` });
    // queued without waking the idle feed, so that the leaving feed's claim is what finds it
    const id = await quietly(() => createRequest(ctx.t, requester.apiKey, { prompt: "claimed as it left" }));
    const { feed, workerId: leaving } = await serverFeed(owner.apiKey, { name: `leaving-${owner.id}` });
    // the claim is under way when the client leaves
    const pending = feed.next();
    await feed.return();
    expect((await pending).done).toBe(true);
    const caught = (await idle.next()).data!.imageJobAssigned;
    expect(await requestOf(ctx.db, caught.id)).toBe(id);
    expect(await ctx.db.query("SELECT 1 FROM jobs WHERE worker_id = $1", [leaving])).toEqual([]);
  });
});

describe("one connection, many subscriptions", () => {
  /**
   * Tracks the abort listeners added to AbortSignals and not removed: a subscription that keeps
   * one on its connection's signal after it ended leaks it (and what it holds) until the socket
   * closes.
   */
  function trackAbortListeners() {
    const live = new Map<EventTarget, Set<unknown>>();
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    EventTarget.prototype.addEventListener = function (type, listener, options) {
      if (type === "abort" && this instanceof AbortSignal) {
        const set = live.get(this) ?? new Set();
        set.add(listener);
        live.set(this, set);
      }
      return add.call(this, type, listener, options);
    };
    EventTarget.prototype.removeEventListener = function (type, listener, options) {
      if (type === "abort") live.get(this)?.delete(listener);
      return remove.call(this, type, listener, options);
    };
    return {
      most: () => Math.max(0, ...[...live.values()].map((s) => s.size)),
      restore() {
        EventTarget.prototype.addEventListener = add;
        EventTarget.prototype.removeEventListener = remove;
      },
    };
  }

  it("a client following request after request on one socket leaves nothing behind on the server", async () => {
    const requester = await seedUser(ctx.db, { kudos: 1_000 });
    const owner = await seedUser(ctx.db);
    const tracker = trackAbortListeners();
    try {
      const client = ctx.t.ws(requester.apiKey);
      // a lazy client closes its socket when nothing is subscribed: this keeps the one socket open
      const kept = await createRequest(ctx.t, requester.apiKey, { prompt: "kept open" });
      const anchor = subscribe(client, WATCH, { id: kept });
      open.push(anchor);
      await anchor.next();
      for (let i = 0; i < 12; i++) {
        const id = await createRequest(ctx.t, requester.apiKey, { prompt: `one of many ${i}` });
        const watch = subscribe(client, WATCH, { id });
        await watch.next();
        await ctx.t.gql(CANCEL, { id }, { apikey: requester.apiKey });
        await watch.completed();
      }
      const workerClient = ctx.t.ws(owner.apiKey);
      const workerAnchor = subscribe(workerClient, WATCH, { id: kept });
      open.push(workerAnchor);
      await workerAnchor.next();
      for (let i = 0; i < 12; i++) {
        const f = subscribe(workerClient, FEED, { input: { name: `hopper-${owner.id}`, models: SD } });
        await waitFor(() => feedHub(ctx.t.deps).size === 1, "the feed to open");
        f.unsubscribe();
        await waitFor(() => feedHub(ctx.t.deps).size === 0, "the feed to close");
      }
      // a few listeners per live connection are expected; one per finished subscription is not
      expect(tracker.most()).toBeLessThan(4);
    } finally {
      tracker.restore();
    }
  });
});
