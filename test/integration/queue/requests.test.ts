import { randomBytes, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { RANKING_MAX_AGE_MS } from "../../../src/modules/requests/queue-ranking.ts";
import { makePng, makeWebp } from "../../../src/modules/requests/test-images.ts";
import { type CreateImageRequestInput, MyKudosDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import {
  CANCEL,
  CREATE,
  count,
  createRequest,
  offlineWorkers,
  outcome,
  pop,
  resetQueue,
  STATUS,
  status,
  submit,
} from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(async () => {
  await resetQueue(ctx.db);
  await offlineWorkers(ctx.db);
});

const SD = ["stable_diffusion"];
const PNG = makePng(64, 64).toString("base64");

async function create(apikey: string | undefined, input: Record<string, unknown>) {
  const r = await ctx.t.gql(CREATE, { input: input as CreateImageRequestInput }, { apikey });
  expect(r.errors).toBeUndefined();
  return r.data.createImageRequest;
}

async function rows() {
  return {
    requests: await count(ctx.db, "SELECT 1 FROM requests"),
    jobs: await count(ctx.db, "SELECT 1 FROM jobs"),
    ledger: await count(ctx.db, "SELECT 1 FROM kudos_ledger"),
  };
}

describe("createImageRequest refuses a bad request with a typed error and stores nothing", () => {
  const cases: [string, () => Record<string, unknown>][] = [
    ["MissingPrompt", () => ({ prompt: "   " })],
    ["InvalidSize", () => ({ prompt: "p", params: { width: 500 } })],
    ["InvalidSize", () => ({ prompt: "p", params: { height: 3136 } })],
    ["TooManySteps", () => ({ prompt: "p", params: { steps: 501 } })],
    ["TooFewSteps", () => ({ prompt: "p", params: { steps: 0 } })],
    ["InvalidAmount", () => ({ prompt: "p", params: { n: 21 } })],
    ["UnknownSampler", () => ({ prompt: "p", params: { samplerName: "k_nope" } })],
    ["UnknownPostProcessor", () => ({ prompt: "p", params: { postProcessing: ["Sharpen9000"] } })],
    ["InvalidModelName", () => ({ prompt: "p", models: [" no such model"] })],
    ["UnexpectedModelName", () => ({ prompt: "p", models: ["GFPGAN"] })],
    ["TooManyWorkers", () => ({ prompt: "p", workers: Array.from({ length: 6 }, () => randomUUID()) })],
    ["WorkerNotFound", () => ({ prompt: "p", workers: [randomUUID()] })],
    ["InvalidSourceImage", () => ({ prompt: "p", sourceImage: randomBytes(300).toString("base64") })],
    ["SourceImageTooLarge", () => ({ prompt: "p", sourceImage: makeWebp(4096, 4096).toString("base64") })],
    ["SourceMaskUnnecessary", () => ({ prompt: "p", sourceMask: PNG })],
    ["InvalidPromptSize", () => ({ prompt: "word ".repeat(7501) })],
    ["InvalidCfgScale", () => ({ prompt: "p", params: { cfgScale: 7.555 } })],
    [
      "TooManyLoras",
      () => ({ prompt: "p", params: { loras: Array.from({ length: 6 }, (_, i) => ({ name: `${i}` })) } }),
    ],
    ["InvalidSourceProcessing", () => ({ prompt: "p", sourceImage: PNG, sourceProcessing: "remix" })],
    ["ControlNetSourceMissing", () => ({ prompt: "p", params: { controlType: "canny" } })],
  ];
  it.each(cases)("%s", async (code, input) => {
    const user = await seedUser(ctx.db, { kudos: 1000 });
    const before = await rows();
    const r = await create(user.apiKey, input());
    expect(r.__typename).toMatch(/Error$/);
    expect(r.code).toBe(code);
    expect(r.message).toEqual(expect.any(String));
    expect(await rows()).toEqual(before);
  });
});

describe("pricing", () => {
  it("dryRun prices the request and creates nothing: no request, job or ledger row, no kudos spent", async () => {
    const user = await seedUser(ctx.db, { kudos: 100 });
    const before = await rows();
    const r = await create(user.apiKey, { prompt: "dry", params: { steps: 50 }, dryRun: true });
    expect(r.__typename).toBe("CreateImageRequestPayload");
    expect(r.request).toBeNull();
    expect(r.kudos).toBe(13.83);
    expect(await rows()).toEqual(before);
    const me = await ctx.t.gql(MyKudosDocument, {}, { apikey: user.apiKey });
    expect(me.data.me.kudos).toBe(100);
  });

  it("prices the golden sizes: 512² 10.83, 1024² 60.06, 2048² 619.11 per image, plus the tax", async () => {
    const user = await seedUser(ctx.db, { kudos: 100 });
    const price = async (params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      (await create(user.apiKey, { prompt: "p", params, dryRun: true, ...extra })).kudos;
    expect(await price({ steps: 50 })).toBe(10.83 + 3);
    expect(await price({ steps: 50, width: 1024, height: 1024 })).toBe(60.06 + 3);
    expect(await price({ steps: 50, width: 2048, height: 2048 })).toBe(619.11 + 3);
    // n images, one tax
    expect(await price({ steps: 50, n: 3 })).toBe(3 * 10.83 + 3);
    // less 2 when shared
    expect(await price({ steps: 50 }, { shared: true })).toBe(10.83 + 1);
    // less 1 when a job costs under 10 (512² at 30 steps is 6.50)
    expect(await price({ steps: 30 })).toBe(6.5 + 2);
  });

  it("charges the horde tax on creation: the API's price, a horde_tax ledger row, the balance lowered", async () => {
    const user = await seedUser(ctx.db, { kudos: 100 });
    const r = await create(user.apiKey, { prompt: "golden", params: { steps: 50 } });
    expect(r.__typename).toBe("CreateImageRequestPayload");
    expect(r.kudos).toBe(13.83);
    const id = r.request!.id;
    const ledger = await ctx.db.query<{ kind: string; amount: string; user_id: number }>(
      "SELECT kind, amount::text, user_id FROM kudos_ledger WHERE request_id = $1",
      [id],
    );
    expect(ledger).toEqual([{ kind: "horde_tax", amount: "-3.00", user_id: user.id }]);
    const job = await ctx.db.query<{ job_kudos: string }>("SELECT job_kudos::text FROM requests WHERE id = $1", [id]);
    expect(job[0]!.job_kudos).toBe("10.83");
    const me = await ctx.t.gql(MyKudosDocument, {}, { apikey: user.apiKey });
    expect(me.data.me.kudos).toBe(97);
  });
});

describe("warnings", () => {
  it("warns NoAvailableWorker when no online worker could serve the request, and not when one can", async () => {
    const user = await seedUser(ctx.db, { kudos: 100 });
    const lonely = await create(user.apiKey, { prompt: "nobody home" });
    expect(lonely.warnings.some((w: string) => w.startsWith("NoAvailableWorker"))).toBe(true);

    const owner = await seedUser(ctx.db);
    await pop(ctx.t, owner.apiKey, { name: `warn-${owner.id}`, models: SD });
    await resetQueue(ctx.db);
    const served = await create(user.apiKey, { prompt: "someone home" });
    expect(served.warnings.some((w: string) => w.startsWith("NoAvailableWorker"))).toBe(false);
  });
});

describe("imageRequest status", () => {
  it("counts waiting, processing, finished and consumed kudos as jobs move", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "three", params: { n: 3, steps: 20 } });
    let s = await status(ctx.t, id);
    expect(s).toMatchObject({ n: 3, waiting: 3, processing: 0, finished: 0, restarted: 0, done: false, kudos: 0 });

    const p = await pop(ctx.t, owner.apiKey, { name: `status-${owner.id}`, models: SD });
    expect(p.jobs).toHaveLength(1);
    // with an online worker, the two images still waiting take an estimated while
    expect((await status(ctx.t, id)).waitTime).toBeGreaterThan(0);
    s = await status(ctx.t, id);
    expect(s).toMatchObject({ waiting: 2, processing: 1, finished: 0, done: false });

    const sub = await submit(ctx.t, owner.apiKey, { id: p.jobs[0]!.id });
    expect(sub.reward).toBe(4.33);
    s = await status(ctx.t, id);
    expect(s).toMatchObject({ waiting: 2, processing: 0, finished: 1, done: false, kudos: 4.33 });
    expect(s.generations).toHaveLength(1);
    expect(s.generations[0]).toMatchObject({
      id: p.jobs[0]!.id,
      state: "OK",
      censored: false,
      model: "stable_diffusion",
    });

    for (let i = 0; i < 2; i++) {
      const more = await pop(ctx.t, owner.apiKey, { name: `status-${owner.id}`, models: SD });
      await submit(ctx.t, owner.apiKey, { id: more.jobs[0]!.id });
    }
    s = await status(ctx.t, id);
    expect(s).toMatchObject({ waiting: 0, processing: 0, finished: 3, done: true, queuePosition: 0, kudos: 12.99 });
    expect(s.waitTime).toBe(0);
  });

  it("gives queue positions in queue order: higher priority first, then older first", async () => {
    const poor = await seedUser(ctx.db, { kudos: 0 });
    const rich = await seedUser(ctx.db, { kudos: 5000 });
    const first = await createRequest(ctx.t, poor.apiKey, { prompt: "old and poor" });
    clock.advance(1000);
    const second = await createRequest(ctx.t, poor.apiKey, { prompt: "young and poor" });
    clock.advance(1000);
    const third = await createRequest(ctx.t, rich.apiKey, { prompt: "young and rich" });
    clock.advance(RANKING_MAX_AGE_MS); // positions come from a ranking at most this old
    expect((await status(ctx.t, third)).queuePosition).toBe(1);
    expect((await status(ctx.t, first)).queuePosition).toBe(2);
    expect((await status(ctx.t, second)).queuePosition).toBe(3);
  });

  it("says isPossible only while an eligible worker is online", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "possible?", models: ["Deliberate"] });
    expect((await status(ctx.t, id)).isPossible).toBe(false);
    // an online worker serving another model does not make it possible
    await pop(ctx.t, owner.apiKey, { name: `other-${owner.id}`, models: SD });
    expect((await status(ctx.t, id)).isPossible).toBe(false);
    await ctx.db.query("UPDATE jobs SET state = 'cancelled' WHERE request_id <> $1 AND state = 'waiting'", [id]);
    await ctx.db.query(
      `INSERT INTO workers (kind, user_id, name, models, last_check_in) VALUES ('image', $1, $2, '{Deliberate}', $3)`,
      [owner.id, `deliberate-${owner.id}`, clock.now()],
    );
    expect((await status(ctx.t, id)).isPossible).toBe(true);
    // once it goes offline (no check-in for more than 5 minutes) it is impossible again
    clock.advance(301_000);
    expect((await status(ctx.t, id)).isPossible).toBe(false);
  });

  it("reads a request in the same number of SQL statements for n=1 and n=20", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const one = await createRequest(ctx.t, requester.apiKey, { prompt: "one", params: { steps: 10 } });
    const twenty = await createRequest(ctx.t, requester.apiKey, { prompt: "twenty", params: { n: 20, steps: 10 } });
    // some finished generations on each, so the generations list is not empty
    for (let i = 0; i < 6; i++) {
      const p = await pop(ctx.t, owner.apiKey, { name: `n1-${owner.id}`, models: SD });
      if (p.jobs.length === 0) break;
      await submit(ctx.t, owner.apiKey, { id: p.jobs[0]!.id });
    }
    const statementsFor = async (id: string) => {
      const before = ctx.t.deps.db.stats.statements;
      const r = await ctx.t.gql(STATUS, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data.imageRequest!.id).toBe(id);
      return ctx.t.deps.db.stats.statements - before;
    };
    const s20 = await status(ctx.t, twenty);
    expect(s20.generations.length).toBeGreaterThan(1);
    const a = await statementsFor(one);
    const b = await statementsFor(twenty);
    expect(b).toBe(a);
    expect(a).toBeLessThanOrEqual(4);
  });
});

describe("concurrency", () => {
  it("refuses with TooManyPrompts when queued images would exceed the requester's concurrency", async () => {
    const user = await seedUser(ctx.db, { kudos: 100, concurrency: 2 });
    const before = await rows();
    const r = await create(user.apiKey, { prompt: "three at once", params: { n: 3 } });
    expect(outcome(r)).toBe("TooManyPrompts");
    expect(r.__typename).toBe("LimitError");
    expect(await rows()).toEqual(before);

    expect(outcome(await create(user.apiKey, { prompt: "two", params: { n: 2 } }))).toBe("CreateImageRequestPayload");
    expect(outcome(await create(user.apiKey, { prompt: "one more" }))).toBe("TooManyPrompts");
  });

  it("counts the requester's jobs waiting or in a worker's hands on live requests, and nothing else", async () => {
    const user = await seedUser(ctx.db, { kudos: 1000, concurrency: 2 });
    // poorer, so its request is behind the user's in the queue
    const other = await seedUser(ctx.db, { kudos: 100, concurrency: 2 });
    const owner = await seedUser(ctx.db);
    const full = await createRequest(ctx.t, user.apiKey, { prompt: "two", params: { n: 2, steps: 10 } });
    // another user's full queue is not this one's
    await createRequest(ctx.t, other.apiKey, { prompt: "theirs", params: { n: 2, steps: 10 } });
    // one job in a worker's hands still counts
    const p = await pop(ctx.t, owner.apiKey, { name: `limit-${owner.id}`, models: SD });
    expect(p.jobs).toHaveLength(1);
    const mine = p.jobs[0]!.id;
    const held = await ctx.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [mine]);
    expect(held).toEqual([{ request_id: full }]);
    expect(outcome(await create(user.apiKey, { prompt: "more" }))).toBe("TooManyPrompts");
    // a finished job does not (its request is still live: the other job waits)
    await submit(ctx.t, owner.apiKey, { id: mine });
    const next = await createRequest(ctx.t, user.apiKey, { prompt: "one", params: { steps: 10 } });
    expect(outcome(await create(user.apiKey, { prompt: "more" }))).toBe("TooManyPrompts");
    // a cancelled request's jobs do not: cancelling the one-job request frees its place
    const c = await ctx.t.gql(CANCEL, { id: next }, { apikey: user.apiKey });
    expect(c.errors).toBeUndefined();
    expect(outcome(await create(user.apiKey, { prompt: "again" }))).toBe("CreateImageRequestPayload");
    // the jobs carry their requester for the count (copied on insert)
    const owners = await ctx.db.query<{ user_id: number }>("SELECT DISTINCT user_id FROM jobs WHERE request_id = $1", [
      full,
    ]);
    expect(owners).toEqual([{ user_id: user.id }]);
  });
});
