import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { ImagesToRateDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { CREATE_KEY, expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { resetQueue } from "../../support/queue.ts";
import { finishedRequest, rate, retain } from "../../support/ratings.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
const ctx = useTestApp({ clock, env: { RETENTION_SECONDS: "600" } });
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});
beforeEach(() => {
  // a day apart: no test's ratings count against another's daily caps
  clock.advance(25 * 3600 * 1000);
  return resetQueue(ctx.db);
});

/** 512×512 at 50 steps: 10.83 a job, so a request of n images funds ratings up to 10.83 n − 1. */
const LONG = { prompt: "a field of poppies", params: { steps: 50 }, shared: true };
const later = () => clock.advance(15_000);

/** `n` shared images of a fresh requester, in the dataset. */
async function datasetImages(n: number, o: { anonymous?: boolean; requester?: { apiKey: string; id: number } } = {}) {
  const requester = o.anonymous ? undefined : (o.requester ?? (await fundedUser(ctx.db, 1000)));
  const owner = await seedUser(ctx.db);
  // Anonymous cannot pay upfront: 40 steps (8.66 a job) is the most it runs
  const steps = o.anonymous ? 40 : 50;
  const req = await finishedRequest(ctx.t, requester?.apiKey, owner, { ...LONG, params: { steps, n } });
  await retain(ctx.t);
  return { requester, ...req };
}

async function toRate(apikey: string | undefined, first = 100): Promise<string[]> {
  const r = await ctx.t.gql(ImagesToRateDocument, { first }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.imagesToRate.map((i) => i.id);
}

async function suspicions(userId: number): Promise<string[]> {
  const rows = await ctx.db.query<{ reason: string }>(
    "SELECT reason FROM user_suspicions WHERE user_id = $1 ORDER BY id",
    [userId],
  );
  return rows.map((r) => r.reason);
}

async function statuses(userId: number): Promise<string[]> {
  const rows = await ctx.db.query<{ status: string }>("SELECT status FROM ratings WHERE user_id = $1 ORDER BY id", [
    userId,
  ]);
  return rows.map((r) => r.status);
}

describe("imagesToRate and rateImage", () => {
  it("offers other users' shared images, not your own nor ones you rated, and pays for a rating through the ledger", async () => {
    const mine = await datasetImages(1);
    const theirs = await datasetImages(2);
    const me = mine.requester!;
    const offered = await toRate(me.apiKey);
    expect(offered).toEqual(expect.arrayContaining(theirs.jobs));
    expect(offered).not.toContain(mine.jobs[0]);
    expect(await rate(ctx.t, me.apiKey, { generationId: theirs.jobs[0]!, aesthetic: 6, artifacts: 2 })).toMatchObject({
      reward: 10,
    });
    expect(await toRate(me.apiKey)).not.toContain(theirs.jobs[0]);
    const [row] = (await ledgerOf(ctx.db, me.id)).filter((r) => r.kind === "rating_reward");
    expect(row).toMatchObject({
      amount: "10.00",
      request_id: theirs.id,
      job_id: theirs.jobs[0],
      counterpart_id: theirs.requester!.id,
    });
  });

  it("offers Anonymous's images, which are always shared", async () => {
    const anon = await datasetImages(1, { anonymous: true });
    const rater = await seedUser(ctx.db);
    expect(await toRate(rater.apiKey)).toContain(anon.jobs[0]);
    expect(await rate(ctx.t, rater.apiKey, { generationId: anon.jobs[0]!, aesthetic: 4 })).toMatchObject({ reward: 5 });
  });

  it("does not offer or accept another user's unshared images", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const owner = await seedUser(ctx.db);
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, { ...LONG, shared: false });
    await retain(ctx.t);
    const rater = await seedUser(ctx.db);
    expect(await toRate(rater.apiKey)).not.toContain(req.jobs[0]);
    expect(await rate(ctx.t, rater.apiKey, { generationId: req.jobs[0]!, aesthetic: 4 })).toMatchObject({
      code: "GenerationNotFound",
    });
  });

  it("offers nothing to Anonymous or a shared key, and refuses their ratings", async () => {
    const img = await datasetImages(1);
    const user = await fundedUser(ctx.db, 10);
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "rater key" } }, { apikey: user.apiKey });
    const key = made.data.createSharedKey.__typename === "CreateSharedKeyPayload" ? made.data.createSharedKey.key : "";
    expect(await toRate(undefined)).toEqual([]);
    expect(await toRate(key)).toEqual([]);
    expect(await toRate(user.apiKey)).toContain(img.jobs[0]);
    expect(await rate(ctx.t, undefined, { generationId: img.jobs[0]!, aesthetic: 4 })).toMatchObject({
      code: "AnonForbidden",
    });
    expect(await rate(ctx.t, key, { generationId: img.jobs[0]!, aesthetic: 4 })).toMatchObject({
      code: "SharedKeyForbidden",
    });
  });

  it("caps first at 100 and reads it as at least 1", async () => {
    const rater = await seedUser(ctx.db);
    await datasetImages(2);
    expect((await toRate(rater.apiKey, 1)).length).toBe(1);
    expect((await toRate(rater.apiKey, -5)).length).toBe(1);
    expect((await toRate(rater.apiKey, 1_000_000)).length).toBeLessThanOrEqual(100);
  });
});

describe("anti-abuse", () => {
  it("pays nothing for a rating within 2 s of the previous one, stores it as too fast and raises suspicion", async () => {
    const img = await datasetImages(2, { anonymous: true });
    const rater = await seedUser(ctx.db);
    expect(await rate(ctx.t, rater.apiKey, { generationId: img.jobs[0]!, aesthetic: 7 })).toMatchObject({ reward: 5 });
    clock.advance(1_000);
    expect(await rate(ctx.t, rater.apiKey, { generationId: img.jobs[1]!, aesthetic: 7 })).toMatchObject({ reward: 0 });
    expect(await statuses(rater.id)).toEqual(["counted", "too_fast"]);
    expect(await suspicions(rater.id)).toEqual(["RATING_TOO_FAST"]);
  });

  it("pays nothing for a 6th rating within a minute (the reference's 5 a minute)", async () => {
    const img = await datasetImages(6, { anonymous: true });
    const rater = await seedUser(ctx.db);
    const rewards: number[] = [];
    for (const [i, id] of img.jobs.entries()) {
      clock.advance(3_000);
      const r = await rate(ctx.t, rater.apiKey, { generationId: id, aesthetic: 3 + (i % 4) });
      rewards.push(r.__typename === "RateImagePayload" ? r.reward : -1);
    }
    expect(rewards).toEqual([5, 5, 5, 5, 5, 0]);
    expect(await suspicions(rater.id)).toEqual(["RATING_TOO_FAST"]);
  });

  it("pays nothing once a user gives the same score ten times in a row, and raises suspicion", async () => {
    const img = await datasetImages(11, { anonymous: true });
    const rater = await seedUser(ctx.db);
    const rewards: number[] = [];
    for (const id of img.jobs.slice(0, 10)) {
      later();
      const r = await rate(ctx.t, rater.apiKey, { generationId: id, aesthetic: 8 });
      rewards.push(r.__typename === "RateImagePayload" ? r.reward : -1);
    }
    expect(rewards.slice(0, 9).every((r) => r > 0)).toBe(true);
    expect(rewards[9]).toBe(0);
    expect(await suspicions(rater.id)).toEqual(["RATING_INCONSISTENT"]);
    // a different score counts again
    later();
    expect(await rate(ctx.t, rater.apiKey, { generationId: img.jobs[10]!, aesthetic: 5 })).toMatchObject({ reward: 5 });
  });

  it("pays nothing to a user whose scores keep disagreeing wildly with everyone else's", async () => {
    const img = await datasetImages(6, { anonymous: true });
    const honest = [await seedUser(ctx.db), await seedUser(ctx.db), await seedUser(ctx.db)];
    for (const id of img.jobs) {
      for (const h of honest) {
        later();
        await rate(ctx.t, h.apiKey, { generationId: id, aesthetic: 9 });
      }
    }
    const contrarian = await seedUser(ctx.db);
    const statusAfter: string[] = [];
    for (const id of img.jobs.slice(0, 5)) {
      later();
      await rate(ctx.t, contrarian.apiKey, { generationId: id, aesthetic: 1 });
    }
    statusAfter.push(...(await statuses(contrarian.id)));
    expect(statusAfter).toEqual(["counted", "counted", "counted", "counted", "inconsistent"]);
    expect(await suspicions(contrarian.id)).toEqual(["RATING_INCONSISTENT"]);
    // the honest raters agree with each other: nothing against them
    for (const h of honest) expect(await suspicions(h.id)).toEqual([]);
  });

  it("keeps a second account's rewards for one requester's images within 30 kudos a day", async () => {
    const farmer = await fundedUser(ctx.db, 1000);
    const img = await datasetImages(5, { requester: farmer });
    const second = await seedUser(ctx.db);
    let total = 0;
    for (const id of img.jobs) {
      later();
      const r = await rate(ctx.t, second.apiKey, { generationId: id, aesthetic: 2 + (total % 5), artifacts: 1 });
      total += r.__typename === "RateImagePayload" ? r.reward : 0;
    }
    expect(total).toBe(30);
    // a day later the cap starts over
    clock.advance(24 * 3600 * 1000 + 1);
    const more = await datasetImages(1, { requester: farmer });
    expect(await rate(ctx.t, second.apiKey, { generationId: more.jobs[0]!, aesthetic: 5 })).toMatchObject({
      reward: 5,
    });
  });

  it("keeps a rater within 200 kudos a day from ratings", async () => {
    const img = await datasetImages(2, { anonymous: true });
    const rater = await seedUser(ctx.db);
    const other = await datasetImages(1, { anonymous: true });
    // 195 already earned today (written as a past rating of another image)
    await ctx.db.query(
      `INSERT INTO ratings (job_id, user_id, rating, request_id, requester_id, reward, status, created_at)
       VALUES ($1, $2, 5, $3, 0, 195, 'counted', $4)`,
      [other.jobs[0], rater.id, other.id, new Date(clock.now().getTime() - 3600 * 1000)],
    );
    expect(await rate(ctx.t, rater.apiKey, { generationId: img.jobs[0]!, aesthetic: 6, artifacts: 0 })).toMatchObject({
      reward: 5,
    });
    later();
    expect(await rate(ctx.t, rater.apiKey, { generationId: img.jobs[1]!, aesthetic: 6 })).toMatchObject({ reward: 0 });
  });

  it("keeps all raters of one request within what it paid, less 1", async () => {
    const img = await datasetImages(1, { anonymous: true });
    let total = 0;
    for (let i = 0; i < 3; i++) {
      const rater = await seedUser(ctx.db);
      later();
      const r = await rate(ctx.t, rater.apiKey, { generationId: img.jobs[0]!, aesthetic: 4 + i, artifacts: 1 });
      total += r.__typename === "RateImagePayload" ? r.reward : 0;
    }
    const [job] = await ctx.db.query<{ reward: string }>("SELECT reward::text FROM jobs WHERE id = $1", [img.jobs[0]]);
    expect(total).toBeCloseTo(Number(job!.reward) - 1, 2);
  });

  it("pays a flagged or suspicious rater nothing, a trusted one with as many suspicions in full", async () => {
    const img = await datasetImages(3, { anonymous: true });
    const flagged = await seedUser(ctx.db, { flagged: true });
    const suspicious = await seedUser(ctx.db);
    const trusted = await seedUser(ctx.db, { trusted: true });
    for (const u of [suspicious, trusted]) {
      for (let i = 0; i < 5; i++) {
        await ctx.db.query("INSERT INTO user_suspicions (user_id, reason) VALUES ($1, 'UNREASONABLY_FAST')", [u.id]);
      }
    }
    expect(await rate(ctx.t, flagged.apiKey, { generationId: img.jobs[0]!, aesthetic: 6 })).toMatchObject({
      reward: 0,
    });
    expect(await rate(ctx.t, suspicious.apiKey, { generationId: img.jobs[1]!, aesthetic: 6 })).toMatchObject({
      reward: 0,
    });
    expect(await rate(ctx.t, trusted.apiKey, { generationId: img.jobs[2]!, aesthetic: 6 })).toMatchObject({
      reward: 5,
    });
  });
});
