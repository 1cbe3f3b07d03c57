import { afterAll, describe, expect, it } from "vitest";
import { applyLedger } from "../../../src/modules/kudos/kudos.sql.ts";
import { UserKudosDocument, UserKudosHistoryDocument, UsersAwardedDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { AWARD, CREATE_KEY, expectLedgerBalanced, fundedUser, TRANSFER } from "../../support/kudos.ts";
import { createRequest, pop, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
// Registered after useTestApp, so it runs before the server stops (after-hooks run in reverse).
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});

const USER = UserKudosDocument;
const HISTORY = UserKudosHistoryDocument;

describe("User kudos fields", () => {
  it("shows the balance, where it came from and went, concurrency and worker count", async () => {
    const mod = await seedUser(ctx.db, { moderator: true });
    // trusted: an untrusted owner's reward would wait half in escrow (trust/escrow-always.test.ts)
    const me = await seedUser(ctx.db, { concurrency: 12, trusted: true });
    const friend = await fundedUser(ctx.db, 100);
    const requester = await fundedUser(ctx.db, 100);
    // awarded 50
    await ctx.t.gql(AWARD, { input: { username: me.username, amount: 50 } }, { apikey: mod.apiKey });
    // received 30, gave 10
    await ctx.t.gql(
      TRANSFER,
      { input: { username: me.username, amount: 30, idempotencyKey: "a" } },
      {
        apikey: friend.apiKey,
      },
    );
    await ctx.t.gql(
      TRANSFER,
      { input: { username: requester.username, amount: 10, idempotencyKey: "b" } },
      {
        apikey: me.apiKey,
      },
    );
    // generated 6.5 with a worker
    await createRequest(ctx.t, requester.apiKey, { prompt: "for me", params: { steps: 30 } });
    const [job] = (await pop(ctx.t, me.apiKey, { name: `api-${me.id}`, models: ["stable_diffusion"] })).jobs;
    await submit(ctx.t, me.apiKey, { id: job!.id });
    // uptime 52 for that worker
    const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE user_id = $1", [me.id]);
    await ctx.db.tx((sql) =>
      applyLedger(sql, [{ userId: me.id, kind: "uptime_reward", amount: 52, workerId: w!.id }], new Date()),
    );
    // spent 2 + 6.5 of it, through a shared key
    const { key } = (await ctx.t.gql(CREATE_KEY, { input: { name: "spender" } }, { apikey: me.apiKey })).data
      .createSharedKey;
    await createRequest(ctx.t, key, { prompt: "mine", params: { steps: 30 } });
    const [mine] = (await pop(ctx.t, requester.apiKey, { name: `api-r-${requester.id}`, models: ["stable_diffusion"] }))
      .jobs;
    await submit(ctx.t, requester.apiKey, { id: mine!.id });

    const r = await ctx.t.gql(USER, { id: String(me.id) });
    expect(r.data.user).toEqual({
      kudos: 50 + 30 - 10 + 6.5 + 52 - 2 - 6.5,
      concurrency: 12,
      workerCount: 1,
      kudosDetails: {
        generated: 6.5,
        uptime: 52,
        received: 30,
        given: 10,
        spent: 8.5,
        sharedKeySpent: 8.5,
        awarded: 50,
      },
    });
  });

  it("sums kudosDetails for a whole list of users in one statement", async () => {
    for (let i = 0; i < 12; i++) await fundedUser(ctx.db, i + 1);
    const LIST = UsersAwardedDocument;
    const statements = async (first: number) => {
      const before = ctx.t.deps.db.stats.statements;
      const r = await ctx.t.gql(LIST, { first });
      expect(r.errors).toBeUndefined();
      expect(r.data.users.edges).toHaveLength(first);
      return ctx.t.deps.db.stats.statements - before;
    };
    const few = await statements(2);
    const many = await statements(12);
    expect(many).toBe(few);
    // the page itself (Prisma's query, counted since every query is) and one batched sum
    expect(many).toBeLessThanOrEqual(2);
  });
});

describe("kudosHistory", () => {
  async function withHistory(n: number) {
    const u = await seedUser(ctx.db);
    await ctx.db.tx((sql) =>
      applyLedger(
        sql,
        Array.from({ length: n }, (_, i) => ({ userId: u.id, kind: "moderator_award" as const, amount: i + 1 })),
        new Date(),
      ),
    );
    return u;
  }

  it("pages through a user's ledger, newest first", async () => {
    const u = await withHistory(5);
    const page = async (vars: Record<string, unknown>) => {
      const r = await ctx.t.gql(HISTORY, { id: String(u.id), ...vars }, { apikey: u.apiKey });
      expect(r.errors).toBeUndefined();
      return r.data.user!.kudosHistory!;
    };
    const p1 = await page({ first: 2 });
    expect(p1.edges.map((e) => e.node.amount)).toEqual([5, 4]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = await page({ first: 2, after: p1.pageInfo.endCursor });
    expect(p2.edges.map((e) => e.node.amount)).toEqual([3, 2]);
    const p3 = await page({ first: 2, after: p2.pageInfo.endCursor });
    expect(p3.edges.map((e) => e.node.amount)).toEqual([1]);
    expect(p3.pageInfo.hasNextPage).toBe(false);
    const oldest = await page({ last: 2 });
    expect(oldest.edges.map((e) => e.node.amount)).toEqual([2, 1]);
    const before = await page({ last: 2, before: p3.edges[0]!.cursor });
    expect(before.edges.map((e) => e.node.amount)).toEqual([3, 2]);
    expect(p1.edges[0]!.node.kind).toBe("MODERATOR_AWARD");
  });

  it("returns at most 100 entries a page, and refuses a cursor it did not make", async () => {
    const u = await withHistory(105);
    const r = await ctx.t.gql(HISTORY, { id: String(u.id), first: 500 }, { apikey: u.apiKey });
    expect(r.data.user!.kudosHistory!.edges).toHaveLength(100);
    expect(r.data.user!.kudosHistory!.pageInfo.hasNextPage).toBe(true);
    const bad = await ctx.t.gql(HISTORY, { id: String(u.id), first: 5, after: "not-a-cursor" }, { apikey: u.apiKey });
    expect(bad.errors?.[0]?.extensions?.code).toBe("InvalidCursor");
  });

  it("is visible to the user themself and to moderators; null for anyone else", async () => {
    const u = await withHistory(1);
    const mod = await seedUser(ctx.db, { moderator: true });
    const stranger = await seedUser(ctx.db);
    const { key } = (await ctx.t.gql(CREATE_KEY, { input: { name: "peek" } }, { apikey: u.apiKey })).data
      .createSharedKey;
    const as = async (apikey: string | undefined, id = u.id) =>
      (await ctx.t.gql(HISTORY, { id: String(id), first: 5 }, { apikey })).data.user?.kudosHistory;
    expect((await as(u.apiKey))?.edges).toHaveLength(1);
    expect((await as(mod.apiKey))?.edges).toHaveLength(1);
    expect(await as(stranger.apiKey)).toBeNull();
    expect(await as(undefined)).toBeNull();
    expect(await as(key)).toBeNull();
    // Anonymous's ledger is every anonymous request's: not for anonymous callers to read
    // over 10 a job, so Anonymous's (always shared) tax is 1, not 0: a ledger row to hide
    await createRequest(ctx.t, undefined, { prompt: "anon", params: { width: 768, height: 768, steps: 30 } });
    expect(await as(undefined, 0)).toBeNull();
    expect((await as(mod.apiKey, 0))?.edges.length).toBeGreaterThan(0);
  });
});
