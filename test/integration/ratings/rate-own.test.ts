import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { useTestApp } from "../../support/app.ts";
import { CREATE_KEY, expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { pop, resetQueue, submit } from "../../support/queue.ts";
import { finishedRequest, makeRequest, RATE, rate, ratingRewardsOf, retain } from "../../support/ratings.ts";
import { seedUser } from "../../support/seed.ts";

const RETENTION = 120;
const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
const ctx = useTestApp({ clock, env: { RETENTION_SECONDS: String(RETENTION) } });
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});
beforeEach(() => {
  // ratings of one user 15 s apart: never too fast
  clock.advance(15_000);
  return resetQueue(ctx.db);
});

/** 512×512 at 50 steps: 10.83 a job. */
const LONG = { prompt: "a tall ship", params: { steps: 50 }, shared: true };

async function cast() {
  const requester = await fundedUser(ctx.db, 500);
  const owner = await seedUser(ctx.db);
  return { requester, owner };
}

async function jobReward(jobId: string): Promise<number> {
  const [row] = await ctx.db.query<{ reward: string }>("SELECT reward::text FROM jobs WHERE id = $1", [jobId]);
  return Number(row!.reward);
}

describe("a requester rating their own shared request", () => {
  it("earns 5 a rating and 10 with artifacts, through the ledger as rating_reward with the request and job", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, params: { steps: 50, n: 2 } });
    expect(await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 7 })).toMatchObject({
      reward: 5,
    });
    clock.advance(15_000);
    expect(
      await rate(ctx.t, requester.apiKey, { generationId: req.jobs[1]!, aesthetic: 3, artifacts: 1 }),
    ).toMatchObject({
      reward: 10,
    });
    const rows = (await ledgerOf(ctx.db, requester.id)).filter((r) => r.kind === "rating_reward");
    expect(rows).toEqual([
      expect.objectContaining({ amount: "5.00", request_id: req.id, job_id: req.jobs[0] }),
      expect.objectContaining({ amount: "10.00", request_id: req.id, job_id: req.jobs[1] }),
    ]);
  });

  it("never earns more for a request than it paid other users' workers, less 1 (§3.11)", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, params: { steps: 20 } });
    const paid = await jobReward(req.jobs[0]!);
    expect(paid).toBeLessThan(11);
    const r = await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 8, artifacts: 0 });
    expect(r).toMatchObject({ reward: Math.round((paid - 1) * 100) / 100 });
    expect(await ratingRewardsOf(ctx.db, req.id)).toBe(Math.round((paid - 1) * 100));
  });

  it("earns nothing rating images their own worker made: they paid nobody", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const req = await finishedRequest(ctx.t, requester.apiKey, requester, LONG);
    expect(
      await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 8, artifacts: 2 }),
    ).toMatchObject({
      reward: 0,
    });
    expect(await ratingRewardsOf(ctx.db, req.id)).toBe(0);
  });

  it("cannot rate the same image twice", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 6 });
    clock.advance(15_000);
    const again = await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 9 });
    expect(again).toMatchObject({ __typename: "ConflictError", code: "AlreadyRated" });
    expect(await ratingRewardsOf(ctx.db, req.id)).toBe(500);
  });
});

describe("what a rating may say", () => {
  it.each([
    [0, null, "InvalidAesthetic", "aesthetic"],
    [11, null, "InvalidAesthetic", "aesthetic"],
    [-3, null, "InvalidAesthetic", "aesthetic"],
    [5, -1, "InvalidArtifacts", "artifacts"],
    [5, 6, "InvalidArtifacts", "artifacts"],
  ])("refuses aesthetic %s, artifacts %s: %s", async (aesthetic, artifacts, code, field) => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    const r = await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic, artifacts });
    expect(r).toMatchObject({ __typename: "ValidationError", code, field });
    expect(await ctx.db.query("SELECT 1 FROM ratings WHERE job_id = $1", [req.jobs[0]])).toHaveLength(0);
  });

  it("refuses numbers beyond Int and NUL bytes in the id without a server error", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    const huge = await ctx.t.gql(
      RATE,
      { input: { generationId: req.jobs[0]!, aesthetic: 2 ** 40 } },
      { apikey: requester.apiKey },
    );
    expect(huge.status).toBeLessThan(500);
    expect(huge.errors?.[0]?.message).toMatch(/Int/);
    const nul = await rate(ctx.t, requester.apiKey, { generationId: `${req.jobs[0]}\u0000`, aesthetic: 5 });
    expect(nul).toMatchObject({ __typename: "ValidationError", code: "InvalidCharacters" });
    const junk = await rate(ctx.t, requester.apiKey, { generationId: "not-a-uuid", aesthetic: 5 });
    expect(junk).toMatchObject({ __typename: "NotFoundError", code: "GenerationNotFound" });
  });
});

describe("which images a requester may rate as their own", () => {
  it("not an unshared request's", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, shared: false });
    expect(await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 5 })).toMatchObject({
      code: "RequestNotShared",
    });
  });

  it("not one of a request still running", async () => {
    const { requester, owner } = await cast();
    const { id } = await makeRequest(ctx.t, requester.apiKey, { ...LONG, params: { steps: 50, n: 2 } });
    const { jobs } = await pop(ctx.t, owner.apiKey, {
      name: `rw-${owner.id}`,
      models: ["stable_diffusion"],
      amount: 1,
    });
    await submit(ctx.t, owner.apiKey, { id: jobs[0]!.id });
    const r = await rate(ctx.t, requester.apiKey, { generationId: jobs[0]!.id, aesthetic: 5 });
    expect(r).toMatchObject({ __typename: "ForbiddenError", code: "RequestNotFinished" });
    expect(id).toBeTruthy();
  });

  it("not another user's unshared request's", async () => {
    const { requester, owner } = await cast();
    const other = await seedUser(ctx.db);
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, shared: false });
    await retain(ctx.t);
    expect(await rate(ctx.t, other.apiKey, { generationId: req.jobs[0]!, aesthetic: 5 })).toMatchObject({
      __typename: "NotFoundError",
      code: "GenerationNotFound",
    });
  });

  it("not after the retention window, whether or not the sweep has run", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, params: { steps: 50, n: 2 } });
    clock.advance((RETENTION + 1) * 1000);
    const before = await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 5 });
    expect(before).toMatchObject({ __typename: "ForbiddenError", code: "RatingWindowClosed" });
    await retain(ctx.t);
    const after = await rate(ctx.t, requester.apiKey, { generationId: req.jobs[1]!, aesthetic: 5 });
    expect(after).toMatchObject({ __typename: "ForbiddenError", code: "RatingWindowClosed" });
    expect(await ratingRewardsOf(ctx.db, req.id)).toBe(0);
  });
});

describe("who may rate", () => {
  it("not Anonymous", async () => {
    const owner = await seedUser(ctx.db);
    const req = await finishedRequest(ctx.t, undefined, owner, { prompt: "anon" });
    expect(await rate(ctx.t, undefined, { generationId: req.jobs[0]!, aesthetic: 5 })).toMatchObject({
      __typename: "ForbiddenError",
      code: "AnonForbidden",
    });
  });

  it("not a shared key, even its owner's own request", async () => {
    const { requester, owner } = await cast();
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, LONG);
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "family key" } }, { apikey: requester.apiKey });
    const key = made.data.createSharedKey.__typename === "CreateSharedKeyPayload" ? made.data.createSharedKey.key : "";
    expect(key).not.toBe("");
    expect(await rate(ctx.t, key, { generationId: req.jobs[0]!, aesthetic: 5 })).toMatchObject({
      __typename: "ForbiddenError",
      code: "SharedKeyForbidden",
    });
    expect(await rate(ctx.t, requester.apiKey, { generationId: req.jobs[0]!, aesthetic: 5 })).toMatchObject({
      reward: 5,
    });
  });
});
