import { randomBytes, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { makeJpeg, makePng, makeWebp } from "../../../src/modules/requests/test-images.ts";
import { sweepExpiredJobs, sweepExpiredRequests } from "../../../src/tasks/index.ts";
import { startTestApp, useTestApp } from "../../support/app.ts";
import {
  CANCEL,
  createRequest,
  outcome,
  PNG_B64,
  pop,
  resetQueue,
  SUBMIT,
  status,
  submit,
} from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];

/** A requester, a worker's owner and the worker's pop input, all fresh. */
async function cast(kudos = 100) {
  const requester = await seedUser(ctx.db, { kudos });
  // trusted: an untrusted owner's reward is half escrowed (test/integration/trust/escrow-always.test.ts)
  const owner = await seedUser(ctx.db, { trusted: true });
  const name = `w-${owner.id}`;
  return { requester, owner, name, pop: (extra: Record<string, unknown> = {}) => popAs(owner.apiKey, name, extra) };
}

async function popAs(apikey: string, name: string, extra: Record<string, unknown> = {}) {
  const r = await pop(ctx.t, apikey, { name, models: SD, ...extra });
  return r.jobs as { id: string; requestId: string; ttl: number; params: { seed: string } }[];
}

async function ledgerOf(jobId: string) {
  return ctx.db.query<{ user_id: number; kind: string; amount: string }>(
    "SELECT user_id, kind, amount::text FROM kudos_ledger WHERE job_id = $1 ORDER BY id",
    [jobId],
  );
}

async function jobRow(id: string) {
  const [row] = await ctx.db.query<Record<string, unknown>>("SELECT * FROM jobs WHERE id = $1", [id]);
  return row!;
}

async function kudosOf(userId: number) {
  const [row] = await ctx.db.query<{ kudos: string }>("SELECT kudos::text FROM users WHERE id = $1", [userId]);
  return Number(row!.kudos);
}

describe("submitImageJob", () => {
  it("OK: rewards the worker's owner, charges the requester, records the job's facts, serves the image", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "ok", params: { steps: 30 } });
    const before = await kudosOf(c.requester.id);
    const [job] = await c.pop();
    clock.advance(12_000);
    const r = await submit(ctx.t, c.owner.apiKey, { id: job!.id, seed: "4242" });
    expect(r).toEqual({ __typename: "SubmitImageJobPayload", reward: 6.5 });
    expect(await ledgerOf(job!.id)).toEqual([
      { user_id: c.owner.id, kind: "generation_reward", amount: "6.50" },
      { user_id: c.requester.id, kind: "request_charge", amount: "-6.50" },
    ]);
    expect(await kudosOf(c.requester.id)).toBe(before - 6.5);
    const row = await jobRow(job!.id);
    expect(row).toMatchObject({ state: "ok", kudos: "6.50", pixels: 512 * 512, steps: 30, seed: "4242" });
    expect(row.seconds).toBe(12);
    const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [c.name]);
    expect(row.worker_id).toBe(w!.id);

    const s = await status(ctx.t, id);
    expect(s).toMatchObject({ finished: 1, done: true, kudos: 6.5 });
    const gen = s.generations[0]!;
    expect(gen).toMatchObject({ id: job!.id, seed: "4242", state: "OK", censored: false, workerName: c.name });
    const img = await fetch(gen.imageUrl);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await img.arrayBuffer()).toString("base64")).toBe(PNG_B64);
  });

  it("serves WEBP and JPEG results with their own content types", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "formats", params: { n: 2 } });
    const images = { "image/webp": makeWebp(64, 64), "image/jpeg": makeJpeg(64, 64) };
    for (const bytes of Object.values(images)) {
      const [job] = await c.pop();
      expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id, image: bytes.toString("base64") }))).toBe(
        "SubmitImageJobPayload",
      );
    }
    const served: Record<string, Buffer> = {};
    for (const g of (await status(ctx.t, id)).generations) {
      const res = await fetch(g.imageUrl);
      served[res.headers.get("content-type")!] = Buffer.from(await res.arrayBuffer());
    }
    expect(served).toEqual(images);
  });

  it("hands the worker the request's source image and mask by URL", async () => {
    const c = await cast();
    const source = makePng(128, 64);
    const mask = makePng(128, 64, { alpha: false });
    await createRequest(ctx.t, c.requester.apiKey, {
      prompt: "paint it in",
      sourceImage: source.toString("base64"),
      sourceMask: mask.toString("base64"),
      sourceProcessing: "inpainting",
    });
    const r = await ctx.t.gql(
      `mutation($input: PopImageJobInput!) { popImageJob(input: $input) { ... on PopImageJobPayload {
        jobs { sourceImageUrl sourceMaskUrl sourceProcessing } } } }`,
      { input: { name: c.name, models: SD } },
      { apikey: c.owner.apiKey },
    );
    const [job] = r.data.popImageJob.jobs;
    expect(job.sourceProcessing).toBe("inpainting");
    for (const [url, bytes] of [
      [job.sourceImageUrl, source],
      [job.sourceMaskUrl, mask],
    ] as const) {
      const res = await fetch(url);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    }
  });

  it("CENSORED: the generation is marked censored and settles as OK does (the requester pays what the worker earns)", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "censored" });
    const before = await kudosOf(c.requester.id);
    const [job] = await c.pop();
    const r = await submit(ctx.t, c.owner.apiKey, { id: job!.id, state: "CENSORED" });
    expect(r.__typename).toBe("SubmitImageJobPayload");
    expect((await ledgerOf(job!.id)).filter((l) => l.kind === "request_charge")).toEqual([
      { user_id: c.requester.id, kind: "request_charge", amount: `-${r.reward.toFixed(2)}` },
    ]);
    expect(await kudosOf(c.requester.id)).toBe(before - r.reward);
    const s = await status(ctx.t, id);
    expect(s).toMatchObject({ finished: 1, done: true, kudos: r.reward });
    expect(s.generations[0]).toMatchObject({ state: "CENSORED", censored: true });
  });

  it("CSAM: the generation is recorded as CSAM and settles as OK does", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "csam" });
    const before = await kudosOf(c.requester.id);
    const [job] = await c.pop();
    const r = await submit(ctx.t, c.owner.apiKey, { id: job!.id, state: "CSAM" });
    expect(outcome(r)).toBe("SubmitImageJobPayload");
    expect(await kudosOf(c.requester.id)).toBe(before - r.reward);
    const s = await status(ctx.t, id);
    expect(s.generations[0]).toMatchObject({ state: "CSAM", censored: true });
  });

  it("FAULTED: the job is replaced by a new waiting one, with no kudos moved", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "fault once" });
    const [job] = await c.pop();
    const r = await ctx.t.gql(
      SUBMIT,
      { input: { id: job!.id, seed: "1", state: "FAULTED" } },
      { apikey: c.owner.apiKey },
    );
    expect(r.data.submitImageJob).toEqual({ __typename: "SubmitImageJobPayload", reward: 0 });
    expect(await ledgerOf(job!.id)).toEqual([]);
    expect((await jobRow(job!.id)).state).toBe("faulted");
    const s = await status(ctx.t, id);
    expect(s).toMatchObject({ waiting: 1, processing: 0, finished: 0, faulted: false, done: false });
    const [again] = await c.pop();
    expect(again!.requestId).toBe(id);
    expect(again!.id).not.toBe(job!.id);
    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: again!.id }))).toBe("SubmitImageJobPayload");
    expect(await status(ctx.t, id)).toMatchObject({ finished: 1, done: true, faulted: false });
  });

  it("a retried FAULTED submit is DuplicateGen and adds no second replacement job", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "fault, then retry" });
    const [job] = await c.pop();
    const fault = { id: job!.id, state: "FAULTED", image: null };
    expect(outcome(await submit(ctx.t, c.owner.apiKey, fault))).toBe("SubmitImageJobPayload");
    expect(outcome(await submit(ctx.t, c.owner.apiKey, fault))).toBe("DuplicateGen");
    const jobs = await ctx.db.query<{ state: string }>("SELECT state FROM jobs WHERE request_id = $1 ORDER BY idx", [
      id,
    ]);
    expect(jobs.map((j) => j.state)).toEqual(["faulted", "waiting"]);
  });

  it("FAULTED by more than two workers: the request is faulted and done, and nothing of it is handed out again", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "fault thrice", params: { n: 2 } });
    for (let i = 0; i < 3; i++) {
      const [job] = await popAs(c.owner.apiKey, `${c.name}-${i}`);
      expect(job!.requestId).toBe(id);
      const r = await submit(ctx.t, c.owner.apiKey, { id: job!.id, state: "FAULTED", image: null });
      expect(r.reward).toBe(0);
    }
    const s = await status(ctx.t, id);
    expect(s).toMatchObject({ faulted: true, done: true, waiting: 0, finished: 0 });
    expect(await popAs(c.owner.apiKey, `${c.name}-0`)).toEqual([]);
  });

  it("only the owner of the worker holding the job may submit it: anyone else gets WrongCredentials", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "mine" });
    const [job] = await c.pop();
    const thief = await seedUser(ctx.db);
    expect(outcome(await submit(ctx.t, thief.apiKey, { id: job!.id }))).toBe("WrongCredentials");
    expect(outcome(await submit(ctx.t, c.requester.apiKey, { id: job!.id }))).toBe("WrongCredentials");
    expect(outcome(await submit(ctx.t, "0000000000", { id: job!.id }))).toBe("AnonForbidden");
    expect((await jobRow(job!.id)).state).toBe("processing");
    expect(await ledgerOf(job!.id)).toEqual([]);
    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
  });

  it("a second submit is DuplicateGen and pays nothing more", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "twice" });
    const [job] = await c.pop();
    const first = await submit(ctx.t, c.owner.apiKey, { id: job!.id });
    expect(first.reward).toBeGreaterThan(0);
    const owner = await kudosOf(c.owner.id);
    const requester = await kudosOf(c.requester.id);
    const second = await submit(ctx.t, c.owner.apiKey, { id: job!.id });
    expect(outcome(second)).toBe("DuplicateGen");
    expect(await ledgerOf(job!.id)).toHaveLength(2);
    expect(await kudosOf(c.owner.id)).toBe(owner);
    expect(await kudosOf(c.requester.id)).toBe(requester);
    // concurrent duplicates: still exactly one settlement
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "raced" });
    const [raced] = await c.pop();
    const results = await Promise.all([1, 2, 3].map(() => submit(ctx.t, c.owner.apiKey, { id: raced!.id })));
    expect(results.map(outcome).sort()).toEqual(["DuplicateGen", "DuplicateGen", "SubmitImageJobPayload"]);
    expect(await ledgerOf(raced!.id)).toHaveLength(2);
  });

  it("refuses an undecodable image with InvalidImage and keeps the job", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "bad image" });
    const [job] = await c.pop();
    const png = makePng(64, 64, { alpha: false });
    for (const image of [
      randomBytes(500).toString("base64"),
      png.subarray(0, Math.floor(png.length / 2)).toString("base64"),
      "this is not base64!",
    ]) {
      expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id, image }))).toBe("InvalidImage");
    }
    expect((await jobRow(job!.id)).state).toBe("processing");
    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
  });

  it("refuses an image over MAX_IMAGE_BYTES with ImageTooLarge", async () => {
    const small = await startTestApp(ctx.db, { clock, env: { MAX_IMAGE_BYTES: "2048" } });
    try {
      const c = await cast();
      await createRequest(small, c.requester.apiKey, { prompt: "too big" });
      const [job] = (await pop(small, c.owner.apiKey, { name: c.name, models: SD })).jobs;
      const big = makePng(1024, 1024);
      expect(big.length).toBeGreaterThan(2048);
      expect(outcome(await submit(small, c.owner.apiKey, { id: job!.id, image: big.toString("base64") }))).toBe(
        "ImageTooLarge",
      );
      expect(outcome(await submit(small, c.owner.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
    } finally {
      await small.stop();
    }
  });

  it("answers InvalidJobID for a job that does not exist", async () => {
    const owner = await seedUser(ctx.db);
    expect(outcome(await submit(ctx.t, owner.apiKey, { id: randomUUID() }))).toBe("InvalidJobID");
    expect(outcome(await submit(ctx.t, owner.apiKey, { id: "not-a-job" }))).toBe("InvalidJobID");
  });
});

describe("job TTL", () => {
  it("re-queues a job not submitted in time; the late submit is AbortedGen and another worker gets it", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "slowpoke" });
    const [job] = await c.pop();
    expect(job!.ttl).toBe(150);
    clock.advance(149_000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBe(0);
    clock.advance(2_000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
    expect(await status(ctx.t, id)).toMatchObject({ waiting: 1, processing: 0, restarted: 1, done: false });
    const [w] = await ctx.db.query<{ uncompleted_jobs: number }>(
      "SELECT uncompleted_jobs FROM workers WHERE name = $1",
      [c.name],
    );
    expect(w!.uncompleted_jobs).toBe(1);

    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id }))).toBe("AbortedGen");
    expect(await ledgerOf(job!.id)).toEqual([]);

    const other = await seedUser(ctx.db);
    const [again] = await popAs(other.apiKey, `other-${other.id}`);
    expect(again).toMatchObject({ id: job!.id, requestId: id });
    expect(outcome(await submit(ctx.t, other.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
    expect(await status(ctx.t, id)).toMatchObject({ finished: 1, done: true, restarted: 1 });
  });

  it("refuses a submit after the deadline even before the sweep ran, and re-queues the job at once", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "just late" });
    const [job] = await c.pop();
    clock.advance(151_000);
    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id }))).toBe("AbortedGen");
    expect(await status(ctx.t, id)).toMatchObject({ waiting: 1, processing: 0, restarted: 1 });
    const other = await seedUser(ctx.db);
    const [again] = await popAs(other.apiKey, `late-${other.id}`);
    expect(again!.id).toBe(job!.id);
  });

  it("a late submit is AbortedGen even after another user's worker took the re-queued job, or finished it", async () => {
    const c = await cast();
    const other = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "taken over", params: { n: 2 } });
    const [first] = await c.pop({ threads: 2 });
    const [second] = await c.pop({ threads: 2 });
    clock.advance(151_000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBe(2);
    // a pushed worker grabs the re-queued jobs before the late worker reports back
    const taken = await popAs(other.apiKey, `takeover-${other.id}`, { amount: 2, maxPixels: 1024 * 1024 });
    expect(taken.map((j) => j.id).sort()).toEqual([first!.id, second!.id].sort());
    expect(outcome(await submit(ctx.t, other.apiKey, { id: second!.id }))).toBe("SubmitImageJobPayload");

    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: first!.id }))).toBe("AbortedGen");
    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: second!.id }))).toBe("AbortedGen");
    // a user who never held the job is still told it is not theirs
    const stranger = await seedUser(ctx.db);
    expect(outcome(await submit(ctx.t, stranger.apiKey, { id: first!.id }))).toBe("WrongCredentials");
    expect(outcome(await submit(ctx.t, other.apiKey, { id: first!.id }))).toBe("SubmitImageJobPayload");
    expect(await status(ctx.t, id)).toMatchObject({ finished: 2, done: true, restarted: 2 });
  });

  it("faults a request whose jobs ran out of time on more than two workers", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "never finishes" });
    for (let i = 0; i < 3; i++) {
      const [job] = await popAs(c.owner.apiKey, `${c.name}-${i}`);
      expect(job!.requestId).toBe(id);
      clock.advance(151_000);
      expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
    }
    expect(await status(ctx.t, id)).toMatchObject({ restarted: 3, faulted: true, done: true, waiting: 0 });
    expect(await popAs(c.owner.apiKey, `${c.name}-0`)).toEqual([]);
  });

  it("faults the request just the same when the third timeout is noticed by a late submit", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "late thrice" });
    for (let i = 0; i < 3; i++) {
      const [job] = await popAs(c.owner.apiKey, `${c.name}-${i}`);
      expect(job!.requestId).toBe(id);
      clock.advance(151_000);
      expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id }))).toBe("AbortedGen");
    }
    expect(await status(ctx.t, id)).toMatchObject({ restarted: 3, faulted: true, done: true, waiting: 0 });
    expect(await popAs(c.owner.apiKey, `${c.name}-0`)).toEqual([]);
  });
});

describe("cancelImageRequest", () => {
  it("withdraws waiting jobs, keeps finished results, and still settles a job already processing", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "cancel me", params: { n: 4 } });
    const [done] = await c.pop();
    await submit(ctx.t, c.owner.apiKey, { id: done!.id });
    const [busy] = await c.pop();

    const r = (await ctx.t.gql(CANCEL, { id }, { apikey: c.requester.apiKey })).data.cancelImageRequest;
    expect(r.__typename).toBe("CancelImageRequestPayload");
    expect(r.request).toMatchObject({ id, cancelled: true, done: false, waiting: 0, processing: 1, finished: 1 });
    expect(await c.pop()).toEqual([]);
    const states = await ctx.db.query<{ state: string; n: number }>(
      "SELECT state, count(*)::int AS n FROM jobs WHERE request_id = $1 GROUP BY state ORDER BY state",
      [id],
    );
    expect(states).toEqual([
      { state: "processing", n: 1 },
      { state: "ok", n: 1 },
      { state: "cancelled", n: 2 },
    ]);

    const late = await submit(ctx.t, c.owner.apiKey, { id: busy!.id });
    expect(late.reward).toBeGreaterThan(0);
    const s = await status(ctx.t, id);
    expect(s).toMatchObject({ cancelled: true, done: true, finished: 2 });
    expect(s.generations).toHaveLength(2);
    expect((await fetch(s.generations[0]!.imageUrl)).status).toBe(200);
  });

  it("answers NotFound for a request that does not exist", async () => {
    for (const id of [randomUUID(), "nope"]) {
      const r = (await ctx.t.gql(CANCEL, { id })).data.cancelImageRequest;
      expect(r).toMatchObject({ __typename: "NotFoundError", code: "NotFound" });
    }
  });
});

describe("request expiry", () => {
  it("expires a request with no progress for REQUEST_EXPIRY_SECONDS; its waiting jobs can no longer be claimed", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "forgotten" });
    clock.advance(1_199_000);
    expect(await sweepExpiredRequests(ctx.t.deps)).toBe(0);
    clock.advance(2_000);
    expect(await sweepExpiredRequests(ctx.t.deps)).toBe(1);
    expect(await status(ctx.t, id)).toMatchObject({ expired: true, done: true, waiting: 0 });
    expect(await c.pop()).toEqual([]);
  });

  it("counts a submitted image as progress: the request lives on for another full period", async () => {
    const c = await cast();
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "slow but alive", params: { n: 2 } });
    clock.advance(1_000_000);
    const [job] = await c.pop();
    await submit(ctx.t, c.owner.apiKey, { id: job!.id });
    clock.advance(1_000_000);
    expect(await sweepExpiredRequests(ctx.t.deps)).toBe(0);
    expect((await status(ctx.t, id)).expired).toBe(false);
    clock.advance(201_000);
    expect(await sweepExpiredRequests(ctx.t.deps)).toBe(1);
    const s = await status(ctx.t, id);
    expect(s).toMatchObject({ expired: true, done: true, finished: 1 });
    expect(s.generations).toHaveLength(1);
  });

  it("does not expire a request while a worker holds one of its jobs", async () => {
    const c = await cast(2_000);
    // 2048² at 50 steps: a TTL (1630 s) longer than the expiry period
    const id = await createRequest(ctx.t, c.requester.apiKey, {
      prompt: "huge",
      params: { width: 2048, height: 2048, steps: 50 },
    });
    const [job] = await c.pop({ maxPixels: 2048 * 2048 });
    expect(job!.ttl).toBe(1630);
    clock.advance(1_300_000);
    expect(await sweepExpiredRequests(ctx.t.deps)).toBe(0);
    expect(await status(ctx.t, id)).toMatchObject({ expired: false, processing: 1 });
    expect(outcome(await submit(ctx.t, c.owner.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
    expect(await status(ctx.t, id)).toMatchObject({ expired: false, done: true, finished: 1 });
  });
});
