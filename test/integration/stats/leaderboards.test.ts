import { beforeAll, describe, expect, it } from "vitest";
import { TopUsersDocument, TopWorkersDocument, UserWithStatsDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedJobs, seedRequest, seedWorker } from "../../support/entity-stats.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Leaderboards rank by kudos, by contributions and (workers) by megapixelsteps or jobs, highest
 * first, ties by id; bounded at 100. User statistics add up their workers and their requests.
 */

const ctx = useTestApp();
const users: { id: number; apiKey: string }[] = [];

beforeAll(async () => {
  // Every account here has 1e9+ kudos or megapixelsteps, far above anything else in this
  // database; Anonymous gets the most of all, and must still not appear.
  await ctx.db.query("UPDATE users SET kudos = 9e9 WHERE id = 0");
  for (const kudos of [2e9, 1e9, 2e9, 3e9]) users.push(await seedUser(ctx.db, { kudos }));
  const [u0, u1, u2] = [users[0]!, users[1]!, users[2]!];
  // contributions: u1 5e9 over two workers (4e9 + 1e9), u0 5e9, u2 2e9 (jobs 9), u3 none
  await seedWorker(ctx.db, u1.id, { name: "lb_w1a", megapixelsteps: 4e9, fulfilments: 7 });
  await seedWorker(ctx.db, u1.id, { name: "lb_w1b", megapixelsteps: 1e9, fulfilments: 9 });
  await seedWorker(ctx.db, u0.id, { name: "lb_w0", megapixelsteps: 5e9, fulfilments: 9 });
  await seedWorker(ctx.db, u2.id, { name: "lb_w2", megapixelsteps: 2e9, fulfilments: 9 });
  await seedWorker(ctx.db, 0, { name: "lb_anon", megapixelsteps: 9e9, fulfilments: 1 });
});

describe("leaderboards", () => {
  it("ranks users by kudos, highest first, ties by id, Anonymous left out", async () => {
    const [u0, , u2, u3] = users;
    const r = await ctx.t.gql(TopUsersDocument, { by: "KUDOS", first: 3 });
    expect(r.errors).toBeUndefined();
    expect(r.data.topUsers.map((p) => [p.rank, p.value, Number(p.user?.id)])).toEqual([
      [1, 3e9, u3!.id],
      [2, 2e9, u0!.id],
      [3, 2e9, u2!.id],
    ]);
    const all = await ctx.t.gql(TopUsersDocument, { by: "KUDOS", first: 100 });
    expect(all.data.topUsers.some((p) => p.user?.id === "0")).toBe(false);
  });

  it("ranks users by contributions summed over their workers, ties by id", async () => {
    const [u0, u1, u2] = users;
    const r = await ctx.t.gql(TopUsersDocument, { by: "CONTRIBUTIONS", first: 3 });
    expect(r.data.topUsers.map((p) => [p.rank, p.value, Number(p.user?.id)])).toEqual([
      [1, 5e9, u0!.id],
      [2, 5e9, u1!.id],
      [3, 2e9, u2!.id],
    ]);
  });

  it("ranks workers by megapixelsteps or jobs, ties by id", async () => {
    const byMps = await ctx.t.gql(TopWorkersDocument, { by: "MEGAPIXELSTEPS", first: 4 });
    expect(byMps.data.topWorkers.map((p) => p.worker?.name)).toEqual(["lb_anon", "lb_w0", "lb_w1a", "lb_w2"]);
    const byJobs = await ctx.t.gql(TopWorkersDocument, { by: "JOBS", first: 3 });
    const tied = byJobs.data.topWorkers.map((p) => p.worker!.id);
    expect(byJobs.data.topWorkers.map((p) => p.value)).toEqual([9, 9, 9]);
    expect(tied).toEqual([...tied].sort());
    expect(byJobs.data.topWorkers.map((p) => p.rank)).toEqual([1, 2, 3]);
  });

  it("first is bounded: 0 gives none, over 100 or negative is InvalidPageSize", async () => {
    expect((await ctx.t.gql(TopUsersDocument, { first: 0 })).data.topUsers).toEqual([]);
    expect((await ctx.t.gql(TopUsersDocument, {})).data.topUsers).toHaveLength(4);
    for (const first of [101, -1]) {
      const u = await ctx.t.gql(TopUsersDocument, { first });
      expect(u.errors?.[0]?.extensions?.code).toBe("InvalidPageSize");
      const w = await ctx.t.gql(TopWorkersDocument, { first });
      expect(w.errors?.[0]?.extensions?.code).toBe("InvalidPageSize");
    }
  });
});

describe("User.stats", () => {
  it("adds up the user's workers' contributions and the user's requests and images", async () => {
    const me = await seedUser(ctx.db);
    const worker = await seedUser(ctx.db);
    const w = await seedWorker(ctx.db, worker.id, { megapixelsteps: 12.5, fulfilments: 3 });
    await seedWorker(ctx.db, worker.id, { megapixelsteps: 1.5, fulfilments: 1 });
    const r1 = await seedRequest(ctx.db, me.id, { n: 3 });
    const r2 = await seedRequest(ctx.db, me.id, { n: 1 });
    await seedRequest(ctx.db, me.id, { n: 2 });
    const at = new Date();
    await seedJobs(ctx.db, r1, [
      { workerId: w, submittedAt: at, pixels: 1_000_000, steps: 10 },
      { workerId: w, submittedAt: at, pixels: 1_000_000, steps: 10, state: "censored" },
      { workerId: w, submittedAt: at, state: "faulted" },
    ]);
    await seedJobs(ctx.db, r2, [{ workerId: null, submittedAt: at, state: "waiting" }]);
    const mine = await ctx.t.gql(UserWithStatsDocument, { id: String(me.id) });
    expect(mine.data.user?.stats).toEqual({
      contributions: 0,
      requestsFulfilled: 0,
      requestsMade: 3,
      imagesGenerated: 2,
      megapixelstepsReceived: 20,
    });
    const theirs = await ctx.t.gql(UserWithStatsDocument, { id: String(worker.id) });
    expect(theirs.data.user?.stats).toEqual({
      contributions: 14,
      requestsFulfilled: 4,
      requestsMade: 0,
      imagesGenerated: 0,
      megapixelstepsReceived: 0,
    });
  });
});
