import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { beforeAll, describe, expect, it } from "vitest";
import { MeDocument, MyLedgerCounterpartsDocument, UsersWithKeysAndHistoryDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Lists with their per-row fields take a constant number of statements, Prisma's included
 * (the counter sees them): a page of 1, 10 or 100 users with their shared keys, kudos history
 * and the history's counterparts, and a page of 1, 10 or 100 ledger rows with counterparts.
 */

const ctx = useTestApp();
let moderatorKey = "";
let richKey = "";
/** A cursor just before the first seeded user, so every page holds rows of the same shape. */
let afterCursor = "";

const USERS = UsersWithKeysAndHistoryDocument;
const LEDGER = MyLedgerCounterpartsDocument;

beforeAll(async () => {
  moderatorKey = (await seedUser(ctx.db, { moderator: true })).apiKey;
  const rich = await seedUser(ctx.db);
  richKey = rich.apiKey;
  // 110 users, each with a shared key and two ledger rows whose counterpart is the rich user;
  // the rich user gets one row per user (110 distinct counterparts).
  await ctx.db.exec(`
    INSERT INTO users (username, api_key_hash)
      SELECT 'counted_' || g, 'hash_counted_' || g FROM generate_series(1, 110) g;
    INSERT INTO shared_keys (user_id, key_hash, name)
      SELECT id, 'sk_' || id, 'key of ' || username FROM users WHERE username LIKE 'counted_%';
    INSERT INTO kudos_ledger (user_id, kind, amount, counterpart_id)
      SELECT id, 'transfer_in', 1, ${rich.id} FROM users u, generate_series(1, 2) WHERE username LIKE 'counted_%';
    INSERT INTO kudos_ledger (user_id, kind, amount, counterpart_id)
      SELECT ${rich.id}, 'transfer_out', -1, id FROM users WHERE username LIKE 'counted_%';
  `);
  const [first] = await ctx.db.query<{ id: number }>("SELECT min(id) AS id FROM users WHERE username LIKE 'counted_%'");
  afterCursor = Buffer.from(`GPC:N:${first!.id - 1}`).toString("base64");
});

async function statementsFor<TData, TVars extends Record<string, unknown>>(
  doc: TypedDocumentNode<TData, TVars>,
  vars: TVars,
  apikey: string,
) {
  const before = ctx.db.stats.statements;
  const r = await ctx.t.gql(doc, vars, { apikey });
  expect(r.errors).toBeUndefined();
  return { statements: ctx.db.stats.statements - before, data: r.data };
}

describe("statement counts", () => {
  it("the counter sees Prisma's queries", async () => {
    const { statements } = await statementsFor(MeDocument, {}, moderatorKey);
    // authenticate (raw SQL) + me (Prisma)
    expect(statements).toBeGreaterThanOrEqual(2);
  });

  it("a page of users with shared keys, history and counterparts is constant in its size", async () => {
    const counts: number[] = [];
    for (const first of [1, 10, 100]) {
      const { statements, data } = await statementsFor(USERS, { first, after: afterCursor }, moderatorKey);
      expect(data.users.edges).toHaveLength(first);
      counts.push(statements);
    }
    const edges = (await ctx.t.gql(USERS, { first: 100, after: afterCursor }, { apikey: moderatorKey })).data.users
      .edges;
    const withKeys = edges.filter((e) => e.node.sharedKeys?.length === 1);
    expect(withKeys).toHaveLength(100);
    expect(counts[2], `statements at 1, 10, 100: ${counts.join(", ")}`).toBe(counts[0]);
    expect(counts[1]).toBe(counts[0]);
  });

  it("a page of ledger rows with counterparts is constant in its size", async () => {
    const counts: number[] = [];
    for (const first of [1, 10, 100]) {
      const { statements, data } = await statementsFor(LEDGER, { first }, richKey);
      expect(data.me.kudosHistory?.edges).toHaveLength(first);
      expect(data.me.kudosHistory?.edges[0]?.node.counterpart?.username).toMatch(/^counted_/);
      counts.push(statements);
    }
    expect(counts[2], `statements at 1, 10, 100: ${counts.join(", ")}`).toBe(counts[0]);
    expect(counts[1]).toBe(counts[0]);
  });

  it("a transfer's two ends are read together", async () => {
    const from = await seedUser(ctx.db, { kudos: 1000 });
    const to = await seedUser(ctx.db);
    const DOC = (ends: string) => `mutation($input: TransferKudosInput!) { transferKudos(input: $input) {
      __typename ... on TransferKudosPayload { transfer { id ${ends} } } } }`;
    const send = async (ends: string, key: string) => {
      const before = ctx.db.stats.statements;
      const r = await ctx.t.gql(
        DOC(ends),
        { input: { username: `x#${to.id}`, amount: 1, idempotencyKey: key } },
        { apikey: from.apiKey },
      );
      expect(r.data.transferKudos.__typename).toBe("TransferKudosPayload");
      return ctx.db.stats.statements - before;
    };
    const bare = await send("", "k1");
    const ends = await send("source { id username } destination { id username }", "k2");
    expect(ends - bare, `without ends ${bare}, with ${ends}`).toBeLessThanOrEqual(1);
  });
});
