import { describe, expect, it } from "vitest";
import {
  MeDocument,
  RegisterUserDocument,
  type RegisterUserMutation,
  UserDocument,
  UsersDocument,
} from "../../generated/graphql.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();

type Registered = Extract<RegisterUserMutation["registerUser"], { __typename: "RegisterUserPayload" }>;

/** Registers `username` and returns the payload, failing the test on any other outcome. */
async function register(username: string): Promise<Registered> {
  const result = (await ctx.t.gql(RegisterUserDocument, { username })).data.registerUser;
  if (result.__typename !== "RegisterUserPayload") throw new Error(`registration failed: ${JSON.stringify(result)}`);
  return result as Registered;
}

describe("accounts", () => {
  it("answers me as Anonymous (id 0) when no key is given", async () => {
    const r = await ctx.t.gql(MeDocument);
    expect(r.data.me).toEqual({ id: "0", username: "Anonymous", anonymous: true });
  });

  it("treats the anonymous key 0000000000 as Anonymous", async () => {
    const r = await ctx.t.gql(MeDocument, {}, { apikey: "0000000000" });
    expect(r.data.me.id).toBe("0");
  });

  it("registers a user, returns the key once, and the key then identifies them", async () => {
    const p = await register("  Painter  ");
    expect(p.user.username).toBe("Painter");
    expect(p.user.alias).toBe(`Painter#${p.user.id}`);
    expect(p.apiKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const me = await ctx.t.gql(MeDocument, {}, { apikey: p.apiKey });
    expect(me.data.me).toEqual({ id: p.user.id, username: "Painter", anonymous: false });
    const bearer = await ctx.t.gql(MeDocument, {}, { headers: { authorization: `Bearer ${p.apiKey}` } });
    expect(bearer.data.me.id).toBe(p.user.id);
  });

  it("stores only a hash of the key", async () => {
    const p = await register("hashcheck");
    const rows = await ctx.db.query<{ api_key_hash: string }>("SELECT api_key_hash FROM users WHERE id = $1", [
      Number(p.user.id),
    ]);
    expect(rows[0]!.api_key_hash).not.toContain(p.apiKey);
    expect(rows[0]!.api_key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a taken username whatever its case, with UsernameTaken", async () => {
    await register("Unique1");
    const r = await ctx.t.gql(RegisterUserDocument, { username: "unique1" });
    expect(r.data.registerUser).toMatchObject({ __typename: "ValidationError", code: "UsernameTaken" });
  });

  it.each([
    ["", "InvalidUsername"],
    ["has#hash", "InvalidUsername"],
    ["anonymous", "UsernameTaken"],
    ["shitlord", "ProfaneUsername"],
  ])("refuses the username %j with %s", async (username, code) => {
    const r = await ctx.t.gql(RegisterUserDocument, { username });
    expect(r.data.registerUser).toMatchObject({ __typename: "ValidationError", code });
  });

  it("rejects an unknown key with InvalidAPIKey instead of falling back to Anonymous", async () => {
    const r = await ctx.t.gql(MeDocument, {}, { apikey: "not-a-real-key" });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe("InvalidAPIKey");
    expect(r.data ?? null).toBeNull();
  });

  it("rejects an unknown key on a WebSocket connection with close code 4403", async () => {
    const s = subscribe(ctx.t.ws("not-a-real-key"), MeDocument);
    await s.completed();
    expect((s.error as { code?: number }).code).toBe(4403);
  });

  it("finds a user by id and returns null for an unknown or malformed id", async () => {
    const u = await seedUser(ctx.db, { username: "lookup_me" });
    const r = await ctx.t.gql(UserDocument, { id: String(u.id) });
    expect(r.data.user).toEqual({ id: String(u.id), username: "lookup_me" });
    expect((await ctx.t.gql(UserDocument, { id: "999999" })).data.user).toBeNull();
    expect((await ctx.t.gql(UserDocument, { id: "abc" })).data.user).toBeNull();
  });

  it("pages users as a Relay connection, never more than 100 a page", async () => {
    for (let i = 0; i < 3; i++) await seedUser(ctx.db);
    const page1 = await ctx.t.gql(UsersDocument, { first: 2 });
    expect(page1.data.users.edges).toHaveLength(2);
    expect(page1.data.users.pageInfo.hasNextPage).toBe(true);
    const page2 = await ctx.t.gql(UsersDocument, { first: 2, after: page1.data.users.pageInfo.endCursor });
    const ids1 = page1.data.users.edges.map((e) => Number(e.node.id));
    const ids2 = page2.data.users.edges.map((e) => Number(e.node.id));
    expect(Math.min(...ids2)).toBeGreaterThan(Math.max(...ids1));
    const capped = await ctx.t.gql(UsersDocument, { first: 1000 });
    expect(capped.errors).toBeUndefined();
    expect(capped.data.users.edges.length).toBeLessThanOrEqual(100);
    const negative = await ctx.t.gql(UsersDocument, { first: -1 });
    expect(negative.errors?.[0]?.message).toBeTruthy();
  });
});
