import { beforeAll, describe, expect, it } from "vitest";
import { MyRequestsDocument, UserRequestsDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedJobs, seedRequest } from "../../support/entity-stats.ts";
import { CREATE_KEY } from "../../support/kudos.ts";
import { createRequest } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * `User.requests`: the caller's own requests, newest first, paged by (creation time, id)
 * cursors; null for anyone else (other users, moderators, Anonymous, a shared key).
 */

const ctx = useTestApp();
let alice = { id: 0, apiKey: "" };
let bob = { id: 0, apiKey: "" };
let moderator = { id: 0, apiKey: "" };
const created: string[] = [];

beforeAll(async () => {
  alice = await seedUser(ctx.db, { kudos: 1000 });
  bob = await seedUser(ctx.db, { kudos: 1000 });
  moderator = await seedUser(ctx.db, { moderator: true });
  for (const prompt of ["first", "second", "third"]) {
    created.push(await createRequest(ctx.t, alice.apiKey, { prompt }));
  }
  await createRequest(ctx.t, bob.apiKey, { prompt: "bob's" });
});

async function mine(
  apikey: string | undefined,
  vars: Parameters<typeof ctx.t.gql<unknown, { first?: number }>>[1] = {},
) {
  const r = await ctx.t.gql(MyRequestsDocument, vars as { first?: number }, { apikey });
  expect(r.errors).toBeUndefined();
  return r.data.me.requests;
}

describe("User.requests", () => {
  it("lists the caller's own requests newest first, in pages that stitch together", async () => {
    const all = await mine(alice.apiKey, { first: 10 });
    expect(all?.edges.map((e) => e.node.id)).toEqual([...created].reverse());
    const p1 = await mine(alice.apiKey, { first: 2 });
    expect(p1?.edges.map((e) => e.node.id)).toEqual([created[2], created[1]]);
    expect(p1?.pageInfo.hasNextPage).toBe(true);
    const p2 = await ctx.t.gql(
      MyRequestsDocument,
      { first: 2, after: p1?.pageInfo.endCursor },
      { apikey: alice.apiKey },
    );
    expect(p2.data.me.requests?.edges.map((e) => e.node.id)).toEqual([created[0]]);
    expect(p2.data.me.requests?.pageInfo.hasNextPage).toBe(false);
    // and backwards from the oldest end
    const last = await ctx.t.gql(MyRequestsDocument, { last: 2 }, { apikey: alice.apiKey });
    expect(last.data.me.requests?.edges.map((e) => e.node.id)).toEqual([created[1], created[0]]);
    const before = await ctx.t.gql(
      MyRequestsDocument,
      { last: 5, before: last.data.me.requests?.pageInfo.startCursor },
      { apikey: alice.apiKey },
    );
    expect(before.data.me.requests?.edges.map((e) => e.node.id)).toEqual([created[2]]);
  });

  it("breaks ties in creation time by id, and a cursor outlives the request it names", async () => {
    const carol = await seedUser(ctx.db);
    const at = new Date("2026-01-01T00:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await seedRequest(ctx.db, carol.id, { createdAt: at });
      await seedJobs(ctx.db, id, [{ workerId: null, submittedAt: at, state: "waiting" }]);
      ids.push(id);
    }
    const expected = [...ids].sort().reverse();
    const whole = await mine(carol.apiKey, { first: 10 });
    expect(whole?.edges.map((e) => e.node.id)).toEqual(expected);
    const p1 = await mine(carol.apiKey, { first: 2 });
    // the request the cursor names is deleted before the next page is read
    await ctx.db.query("DELETE FROM requests WHERE id = $1", [expected[1]]);
    const p2 = await ctx.t.gql(
      MyRequestsDocument,
      { first: 2, after: p1?.pageInfo.endCursor },
      { apikey: carol.apiKey },
    );
    expect(p2.data.me.requests?.edges.map((e) => e.node.id)).toEqual([expected[2], expected[3]]);
  });

  it("is null for another user, a moderator, Anonymous and a shared key", async () => {
    const own = await ctx.t.gql(UserRequestsDocument, { id: String(alice.id) }, { apikey: alice.apiKey });
    expect(own.data.user?.requests?.edges).toHaveLength(3);
    for (const apikey of [bob.apiKey, moderator.apiKey, undefined, "0000000000"]) {
      const r = await ctx.t.gql(UserRequestsDocument, { id: String(alice.id) }, { apikey });
      expect(r.errors).toBeUndefined();
      expect(r.data.user?.requests, String(apikey)).toBeNull();
    }
    // Anonymous's own requests are everyone's: null for it too
    await createRequest(ctx.t, undefined, { prompt: "anonymous" });
    expect(await mine(undefined, { first: 10 })).toBeNull();
    const key = await ctx.t.gql(CREATE_KEY, { input: { name: "frontend", kudos: 100 } }, { apikey: alice.apiKey });
    const sharedKey = (key.data.createSharedKey as { key?: string }).key;
    expect(sharedKey).toBeTruthy();
    expect(await mine(sharedKey, { first: 10 })).toBeNull();
  });

  it("refuses a crafted cursor as InvalidCursor and a negative page size as InvalidPageSize", async () => {
    for (const after of ["abc", "123_not-a-uuid", `99999999999999999_${created[0]}`, "1", created[0]!]) {
      const r = await ctx.t.gql(MyRequestsDocument, { first: 1, after }, { apikey: alice.apiKey });
      expect(r.status).toBe(200);
      expect(r.errors?.[0]?.extensions?.code, after).toBe("InvalidCursor");
    }
    const negative = await ctx.t.gql(MyRequestsDocument, { first: -1 }, { apikey: alice.apiKey });
    expect(negative.errors?.[0]?.extensions?.code).toBe("InvalidPageSize");
  });
});
