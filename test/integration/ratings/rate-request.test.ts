import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { useTestApp } from "../../support/app.ts";
import { expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { outcome, resetQueue } from "../../support/queue.ts";
import { finishedRequest, makeRequest, retain } from "../../support/ratings.ts";
import { seedUser } from "../../support/seed.ts";

const RETENTION = 120;
const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
const ctx = useTestApp({ clock, env: { RETENTION_SECONDS: String(RETENTION) } });
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});
beforeEach(() => {
  clock.advance(15_000);
  return resetQueue(ctx.db);
});

const RATE_REQUEST = `mutation($input: RateImageRequestInput!) { rateImageRequest(input: $input) { __typename
  ... on RateImageRequestPayload { reward } ... on Error { code } } }`;

/** 512×512 at 50 steps: 10.83 a job, so the per-request cap rarely binds with two images. */
const LONG = { prompt: "a tall ship", params: { steps: 50, n: 2 }, shared: true };

async function rateRequest(apikey: string, input: Record<string, unknown>) {
  const r = await ctx.t.gql(RATE_REQUEST, { input }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.rateImageRequest as { __typename: string; reward?: number; code?: string };
}

async function cast() {
  const requester = await fundedUser(ctx.db, 500);
  const owner = await seedUser(ctx.db);
  return { requester, owner };
}

describe("rating a whole request (§3.11)", () => {
  it("pays 15 for naming the best alone, once per request, through the ledger", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    expect(await rateRequest(requester.apiKey, { requestId: req.id, best: req.jobs[1] })).toMatchObject({ reward: 15 });
    const rows = (await ledgerOf(ctx.db, requester.id)).filter((r) => r.kind === "rating_reward");
    expect(rows).toEqual([expect.objectContaining({ amount: "15.00", request_id: req.id, job_id: req.jobs[1] })]);
    const [best] = await ctx.db.query<{ best_job_id: string }>(
      "SELECT best_job_id FROM request_ratings WHERE request_id = $1",
      [req.id],
    );
    expect(best!.best_job_id).toBe(req.jobs[1]);
    clock.advance(15_000);
    expect(outcome(await rateRequest(requester.apiKey, { requestId: req.id, best: req.jobs[0] }))).toBe("AlreadyRated");
  });

  it("pays 5 a score, +5 with artifacts, and +15 when one image of several is scored below 7 with another best", async () => {
    const { requester, owner } = await cast();
    // three images: the cap (3 × 10.83 − 1) is above 25
    const a = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, params: { steps: 50, n: 3 } });
    const r = await rateRequest(requester.apiKey, {
      requestId: a.id,
      best: a.jobs[1],
      ratings: [{ generationId: a.jobs[0], aesthetic: 4, artifacts: 2 }],
    });
    expect(r.reward).toBe(10 + 15);
    clock.advance(15_000);
    const b = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    const both = await rateRequest(requester.apiKey, {
      requestId: b.id,
      best: b.jobs[0],
      ratings: [
        { generationId: b.jobs[0], aesthetic: 9 },
        { generationId: b.jobs[1], aesthetic: 5 },
      ],
    });
    expect(both.reward).toBe(10);
    // the scores are stored as ratings (for the dataset), each once
    const scored = await ctx.db.query("SELECT 1 FROM ratings WHERE request_id = $1 AND user_id = $2", [
      b.id,
      requester.id,
    ]);
    expect(scored).toHaveLength(2);
  });

  it("is capped with the image ratings at what the request paid other users' workers, less 1", async () => {
    const { requester, owner } = await cast();
    // 512×512 at 10 steps: cheap jobs, so 2 × the price − 1 is under 15
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, params: { steps: 10, n: 2 } });
    const [paid] = await ctx.db.query<{ s: string }>("SELECT sum(reward)::text AS s FROM jobs WHERE request_id = $1", [
      req.id,
    ]);
    const cap = Math.round((Number(paid!.s) - 1) * 100) / 100;
    expect(cap).toBeLessThan(15);
    expect((await rateRequest(requester.apiKey, { requestId: req.id, best: req.jobs[0] })).reward).toBe(cap);
  });

  it("only the requester, only a finished shared request within its window, only its own images", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    const other = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    const stranger = await fundedUser(ctx.db, 10);
    expect(outcome(await rateRequest(stranger.apiKey, { requestId: req.id, best: req.jobs[0] }))).toBe(
      "RequestNotFound",
    );
    expect(outcome(await rateRequest(requester.apiKey, { requestId: req.id, best: other.jobs[0] }))).toBe(
      "GenerationNotFound",
    );
    expect(outcome(await rateRequest(requester.apiKey, { requestId: req.id }))).toBe("NothingToRate");
    const unshared = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, shared: false });
    expect(outcome(await rateRequest(requester.apiKey, { requestId: unshared.id, best: unshared.jobs[0] }))).toBe(
      "RequestNotShared",
    );
    const running = await makeRequest(ctx.t, requester.apiKey, LONG);
    const [job] = await ctx.db.query<{ id: string }>("SELECT id FROM jobs WHERE request_id = $1 LIMIT 1", [running.id]);
    expect(outcome(await rateRequest(requester.apiKey, { requestId: running.id, best: job!.id }))).toBe(
      "RequestNotFinished",
    );
    // Anonymous never rates
    expect(outcome(await rateRequest("0000000000", { requestId: req.id, best: req.jobs[0] }))).toBe("AnonForbidden");
    // after the window
    clock.advance((RETENTION + 1) * 1000);
    await retain(ctx.t);
    expect(outcome(await rateRequest(requester.apiKey, { requestId: req.id, best: req.jobs[0] }))).toBe(
      "RatingWindowClosed",
    );
  });

  it("refuses scores of images the requester already rated one by one", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    const one = `mutation($input: RateImageInput!) { rateImage(input: $input) { __typename } }`;
    await ctx.t.gql(one, { input: { generationId: req.jobs[0], aesthetic: 6 } }, { apikey: requester.apiKey });
    clock.advance(15_000);
    const r = await rateRequest(requester.apiKey, {
      requestId: req.id,
      ratings: [{ generationId: req.jobs[0], aesthetic: 6 }],
    });
    expect(outcome(r)).toBe("AlreadyRated");
  });
});
