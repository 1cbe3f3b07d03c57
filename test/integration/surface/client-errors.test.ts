import { describe, expect, it } from "vitest";
import { UserDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Ids and cursors a hostile client crafts: each is a client error with a stable code, or names
 * nothing (null), never an internal error.
 */

const ctx = useTestApp();
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("ids out of range", () => {
  it.each(["2147483648", "99999999999999999999", "-1", "0x10", "1.5", "1e3", " 1"])(
    "user(id: %j) is null",
    async (id) => {
      const r = await ctx.t.gql(UserDocument, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data.user).toBeNull();
    },
  );

  it("user(id) still finds a user by a plain id", async () => {
    const u = await seedUser(ctx.db);
    const r = await ctx.t.gql(UserDocument, { id: String(u.id) });
    expect(r.data.user).toMatchObject({ id: String(u.id) });
  });
});

describe("crafted cursors", () => {
  // Raw on purpose: one table of documents and crafted variables, read only for their error codes.
  const USERS = `query($after: String, $before: String, $first: Int, $last: Int) {
    users(after: $after, before: $before, first: $first, last: $last) { edges { cursor node { id } } } }`;
  const WORKERS = `query($after: String, $first: Int) { workers(after: $after, first: $first) { edges { cursor } } }`;

  it.each([
    ["users", USERS, { after: b64("GPC:N:2147483648") }],
    ["users", USERS, { after: b64("GPC:N:99999999999999999999") }],
    ["users", USERS, { before: b64("GPC:S:abc") }],
    ["users", USERS, { after: b64("GPC:D:1") }],
    ["users", USERS, { after: b64("GPC:N:1e400") }],
    ["users", USERS, { after: "%%%" }],
    ["users", USERS, { after: b64("nope") }],
    ["workers", WORKERS, { after: b64("GPC:S:not-a-uuid") }],
    ["workers", WORKERS, { after: b64("GPC:N:1") }],
    ["workers", WORKERS, { after: b64(`GPC:S:${"a".repeat(5000)}`) }],
  ] as const)("%s(%j) is InvalidCursor", async (_name, doc, vars) => {
    const r = await ctx.t.gql(doc, vars);
    expect(r.errors?.[0]?.extensions?.code).toBe("InvalidCursor");
  });

  it("kudosHistory(after: past int8) is InvalidCursor", async () => {
    const u = await seedUser(ctx.db);
    const r = await ctx.t.gql(
      `query($after: String) { me { kudosHistory(after: $after) { edges { cursor } } } }`,
      { after: "9999999999999999999" },
      { apikey: u.apiKey },
    );
    expect(r.errors?.[0]?.extensions?.code).toBe("InvalidCursor");
    expect(r.errors?.[0]?.extensions?.field).toBe("after");
  });

  it.each([
    [USERS, { first: -1 }],
    [USERS, { last: -5 }],
    [WORKERS, { first: -1 }],
  ] as const)("a negative page size is InvalidPageSize (%#)", async (doc, vars) => {
    const r = await ctx.t.gql(doc, vars);
    expect(r.errors?.[0]?.extensions?.code).toBe("InvalidPageSize");
  });

  it("the cursors the lists hand out still page", async () => {
    await seedUser(ctx.db);
    const first = await ctx.t.gql(USERS, { first: 1 });
    const cursor = first.data.users.edges[0].cursor as string;
    const next = await ctx.t.gql(USERS, { first: 1, after: cursor });
    expect(next.errors).toBeUndefined();
    expect(next.data.users.edges[0].node.id).not.toBe(first.data.users.edges[0].node.id);
  });
});
