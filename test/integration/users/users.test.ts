import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, subscribe, type TestApp } from "../../support/app.ts";
import { createTestDb, type TestDb } from "../../support/db.ts";
import { seedUser } from "../../support/seed.ts";

let tdb: TestDb;
let t: TestApp;
beforeAll(async () => {
  tdb = await createTestDb();
  t = await startTestApp(tdb.db);
});
afterAll(async () => {
  await t.stop();
  await tdb.drop();
});

const REGISTER = `mutation($u: String!) {
  registerUser(input: { username: $u }) {
    __typename
    ... on RegisterUserPayload { apiKey user { id username alias kudos } }
    ... on Error { code message }
  }
}`;

describe("accounts", () => {
  it("answers me as Anonymous (id 0) when no key is given", async () => {
    const r = await t.gql("{ me { id username anonymous } }");
    expect(r.data.me).toEqual({ id: "0", username: "Anonymous", anonymous: true });
  });

  it("treats the anonymous key 0000000000 as Anonymous", async () => {
    const r = await t.gql("{ me { id } }", {}, { apikey: "0000000000" });
    expect(r.data.me.id).toBe("0");
  });

  it("registers a user, returns the key once, and the key then identifies them", async () => {
    const r = await t.gql(REGISTER, { u: "  Painter  " });
    const p = r.data.registerUser;
    expect(p.__typename).toBe("RegisterUserPayload");
    expect(p.user.username).toBe("Painter");
    expect(p.user.alias).toBe(`Painter#${p.user.id}`);
    expect(p.apiKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const me = await t.gql("{ me { id username } }", {}, { apikey: p.apiKey });
    expect(me.data.me).toEqual({ id: p.user.id, username: "Painter" });
    const bearer = await t.gql("{ me { id } }", {}, { headers: { authorization: `Bearer ${p.apiKey}` } });
    expect(bearer.data.me.id).toBe(p.user.id);
  });

  it("stores only a hash of the key", async () => {
    const r = await t.gql(REGISTER, { u: "hashcheck" });
    const rows = await tdb.db.query<{ api_key_hash: string }>("SELECT api_key_hash FROM users WHERE id = $1", [
      Number(r.data.registerUser.user.id),
    ]);
    expect(rows[0]!.api_key_hash).not.toContain(r.data.registerUser.apiKey);
    expect(rows[0]!.api_key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a taken username whatever its case, with UsernameTaken", async () => {
    await t.gql(REGISTER, { u: "Unique1" });
    const r = await t.gql(REGISTER, { u: "unique1" });
    expect(r.data.registerUser).toMatchObject({ __typename: "ValidationError", code: "UsernameTaken" });
  });

  it.each([
    ["", "InvalidUsername"],
    ["a".repeat(31), "UsernameTooLong"],
    ["has#hash", "InvalidUsername"],
    ["anonymous", "UsernameTaken"],
    ["shitlord", "ProfaneUsername"],
  ])("refuses the username %j with %s", async (u, code) => {
    const r = await t.gql(REGISTER, { u });
    expect(r.data.registerUser).toMatchObject({ __typename: "ValidationError", code });
  });

  it("rejects an unknown key with InvalidAPIKey instead of falling back to Anonymous", async () => {
    const r = await t.gql("{ me { id } }", {}, { apikey: "not-a-real-key" });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe("InvalidAPIKey");
    expect(r.data ?? null).toBeNull();
  });

  it("rejects an unknown key on a WebSocket connection with close code 4403", async () => {
    const client = t.ws("not-a-real-key");
    const s = subscribe(
      client,
      'subscription { imageRequestUpdated(id: "00000000-0000-0000-0000-000000000000") { id } }',
    );
    await s.completed();
    expect((s.error as { code?: number }).code).toBe(4403);
  });

  it("finds a user by id and returns null for an unknown or malformed id", async () => {
    const u = await seedUser(tdb.db, { username: "lookup_me" });
    const r = await t.gql("query($id: ID!) { user(id: $id) { id username } }", { id: String(u.id) });
    expect(r.data.user).toEqual({ id: String(u.id), username: "lookup_me" });
    expect((await t.gql(`{ user(id: "999999") { id } }`)).data.user).toBeNull();
    expect((await t.gql(`{ user(id: "abc") { id } }`)).data.user).toBeNull();
  });

  it("pages users as a Relay connection, never more than 100 a page", async () => {
    for (let i = 0; i < 3; i++) await seedUser(tdb.db);
    const page1 = await t.gql(
      "{ users(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
    );
    expect(page1.data.users.edges).toHaveLength(2);
    expect(page1.data.users.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.gql("query($a: String) { users(first: 2, after: $a) { edges { node { id } } } }", {
      a: page1.data.users.pageInfo.endCursor,
    });
    const ids1 = page1.data.users.edges.map((e: any) => Number(e.node.id));
    const ids2 = page2.data.users.edges.map((e: any) => Number(e.node.id));
    expect(Math.min(...ids2)).toBeGreaterThan(Math.max(...ids1));
    const capped = await t.gql("{ users(first: 1000) { edges { node { id } } } }");
    expect(capped.errors).toBeUndefined();
    expect(capped.data.users.edges.length).toBeLessThanOrEqual(100);
    const negative = await t.gql("{ users(first: -1) { edges { node { id } } } }");
    expect(negative.errors?.[0]?.message).toBeTruthy();
  });
});
