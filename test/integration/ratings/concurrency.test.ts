import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { useTestApp } from "../../support/app.ts";
import { expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { finishedRequest, rate, ratingRewardsOf, retain } from "../../support/ratings.ts";
import { seedUser } from "../../support/seed.ts";

// On Postgres (DATABASE_URL) these race for real; on PGlite they queue on its one connection.
const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
const ctx = useTestApp({ clock });
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});

describe("ratings sent at once", () => {
  it("by one user: one counts, the others are too fast, and each image is rated once", async () => {
    const owner = await seedUser(ctx.db);
    const req = await finishedRequest(ctx.t, undefined, owner, { prompt: "burst", params: { n: 6, steps: 40 } });
    await retain(ctx.t);
    const rater = await seedUser(ctx.db);
    const all = [...req.jobs, req.jobs[0]!, req.jobs[1]!];
    const results = await Promise.all(
      all.map((id, i) => rate(ctx.t, rater.apiKey, { generationId: id, aesthetic: 1 + (i % 9) })),
    );
    const rewards = results.filter((r) => r.__typename === "RateImagePayload").map((r) => r.reward);
    expect(rewards.filter((r) => r > 0)).toEqual([5]);
    expect(results.filter((r) => r.code === "AlreadyRated")).toHaveLength(2);
    const rows = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ratings WHERE user_id = $1", [
      rater.id,
    ]);
    expect(rows[0]!.n).toBe(6);
  });

  it("by many users on one request: together they never earn more than it paid, less 1", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await fundedUser(ctx.db, 100);
    const req = await finishedRequest(ctx.t, requester.apiKey, owner, {
      prompt: "crowd",
      params: { steps: 20 },
      shared: true,
    });
    await retain(ctx.t);
    const raters = await Promise.all(Array.from({ length: 8 }, () => seedUser(ctx.db)));
    await Promise.all(
      raters.map((u, i) => rate(ctx.t, u.apiKey, { generationId: req.jobs[0]!, aesthetic: 3 + (i % 5), artifacts: 1 })),
    );
    const [job] = await ctx.db.query<{ reward: string }>("SELECT reward::text FROM jobs WHERE id = $1", [req.jobs[0]]);
    expect(await ratingRewardsOf(ctx.db, req.id)).toBe(Math.round((Number(job!.reward) - 1) * 100));
  });
});
