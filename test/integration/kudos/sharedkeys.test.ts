import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { hashKey } from "../../../src/modules/users/users.rules.ts";
import { MeDocument, MyKudosDocument, MySharedKeysDocument, UserSharedKeysDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import {
  balance,
  CREATE_KEY,
  DELETE_KEY,
  expectLedgerBalanced,
  fundedUser,
  ledgerOf,
  TRANSFER,
  UPDATE_KEY,
} from "../../support/kudos.ts";
import { CREATE, createRequest, outcome, POP, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
// Registered after useTestApp, so it runs before the server stops (after-hooks run in reverse).
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
/** 512×512 at 30 steps: 6.5 a job, and a horde tax of 2. */
const JOB = 6.5;
const TAX = 2;

async function createKey(apikey: string | undefined, input: Record<string, unknown> = {}) {
  const r = await ctx.t.gql(CREATE_KEY, { input: { name: "family", ...input } }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createSharedKey;
}

async function keyRow(id: string) {
  const [row] = await ctx.db.query<{ kudos: string; utilized: string }>(
    "SELECT kudos::text, utilized::text FROM shared_keys WHERE id = $1",
    [id],
  );
  return row ? { kudos: Number(row.kudos), utilized: Number(row.utilized) } : null;
}

async function request(apikey: string, input: Record<string, unknown> = {}) {
  const r = await ctx.t.gql(
    CREATE,
    { input: { prompt: "with a shared key", params: { steps: 30 }, ...input } },
    { apikey },
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createImageRequest;
}

/** A worker owned by a fresh user finishes every job it can get; returns how many. */
async function work(): Promise<number> {
  const owner = await seedUser(ctx.db);
  let done = 0;
  for (;;) {
    const { jobs } = await pop(ctx.t, owner.apiKey, { name: `w-${owner.id}`, models: SD });
    if (!jobs.length) return done;
    for (const j of jobs) {
      await submit(ctx.t, owner.apiKey, { id: j.id });
      done++;
    }
  }
}

describe("managing shared keys", () => {
  it("creates a key, shows the key string once and stores only its hash", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const created = await createKey(owner.apiKey, { name: "  for my sister  " });
    expect(created).toMatchObject({
      __typename: "CreateSharedKeyPayload",
      sharedKey: {
        name: "for my sister",
        kudos: 5000,
        utilized: 0,
        expiresAt: null,
        expired: false,
        maxImagePixels: -1,
        maxImageSteps: -1,
        maxTextTokens: -1,
        owner: { id: String(owner.id) },
      },
    });
    expect(created.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const [row] = await ctx.db.query<Record<string, unknown>>("SELECT * FROM shared_keys WHERE id = $1", [
      created.sharedKey.id,
    ]);
    expect(row!.key_hash).toBe(hashKey(created.key));
    expect(Object.values(row!)).not.toContain(created.key);
    const listed = await ctx.t.gql(MySharedKeysDocument, {}, { apikey: owner.apiKey });
    expect(listed.data.me.sharedKeys).toMatchObject([{ id: created.sharedKey.id, name: "for my sister", kudos: 5000 }]);
  });

  it("checks names and limits", async () => {
    const owner = await seedUser(ctx.db);
    const codeOf = async (input: Record<string, unknown>) => outcome(await createKey(owner.apiKey, input));
    expect(await codeOf({ name: "ab" })).toBe("InvalidSharedKeyName");
    expect(await codeOf({ name: "x".repeat(256) })).toBe("InvalidSharedKeyName");
    expect(await codeOf({ kudos: -2 })).toBe("InvalidSharedKeyKudos");
    expect(await codeOf({ kudos: 50_000_001 })).toBe("InvalidSharedKeyKudos");
    expect(await codeOf({ expiry: 0 })).toBe("InvalidSharedKeyExpiry");
    expect(await codeOf({ maxImagePixels: 4_194_305 })).toBe("InvalidSharedKeyLimit");
    expect(await codeOf({ maxImageSteps: 501 })).toBe("InvalidSharedKeyLimit");
    expect(await codeOf({ maxTextTokens: -7 })).toBe("InvalidSharedKeyLimit");
    expect(await codeOf({ kudos: -1, expiry: -1, maxImageSteps: 500 })).toBe("CreateSharedKeyPayload");
  });

  it("allows 3 keys per user and 10 per trusted user, even when created at once", async () => {
    const plain = await seedUser(ctx.db);
    const made = await Promise.all(Array.from({ length: 5 }, () => createKey(plain.apiKey)));
    expect(made.filter((m) => m.__typename === "CreateSharedKeyPayload")).toHaveLength(3);
    expect(made.filter((m) => m.code === "TooManySharedKeys")).toHaveLength(2);
    const trusted = await seedUser(ctx.db, { trusted: true });
    for (let i = 0; i < 10; i++) expect(outcome(await createKey(trusted.apiKey))).toBe("CreateSharedKeyPayload");
    expect(outcome(await createKey(trusted.apiKey))).toBe("TooManySharedKeys");
  });

  it("updates a key's fields, tops it up and sets or clears its expiry; only the owner's", async () => {
    const owner = await seedUser(ctx.db);
    const other = await seedUser(ctx.db);
    const { sharedKey } = await createKey(owner.apiKey, { kudos: 10 });
    const update = async (apikey: string, input: Record<string, unknown>) =>
      (await ctx.t.gql(UPDATE_KEY, { input: { id: sharedKey.id, ...input } }, { apikey })).data.updateSharedKey;
    const now = clock.now().getTime();
    const changed = await update(owner.apiKey, { name: "renamed", kudos: 500, expiry: 2, maxImageSteps: 20 });
    expect(changed.sharedKey).toMatchObject({ name: "renamed", kudos: 500, maxImageSteps: 20, maxImagePixels: -1 });
    expect(new Date(changed.sharedKey!.expiresAt!).getTime()).toBe(now + 2 * 86_400_000);
    const cleared = await update(owner.apiKey, { expiry: -1 });
    expect(cleared.sharedKey).toMatchObject({ name: "renamed", kudos: 500, expiresAt: null });
    expect(outcome(await update(other.apiKey, { name: "stolen" }))).toBe("SharedKeyNotFound");
    expect(outcome(await update(owner.apiKey, { kudos: -3 }))).toBe("InvalidSharedKeyKudos");
    const bad = await ctx.t.gql(UPDATE_KEY, { input: { id: "not-a-uuid", name: "xyz" } }, { apikey: owner.apiKey });
    expect(outcome(bad.data.updateSharedKey)).toBe("SharedKeyNotFound");
  });

  it("deletes a key: it stops working, and requests made with it keep running", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const other = await seedUser(ctx.db);
    const { key, sharedKey } = await createKey(owner.apiKey);
    const made = await request(key);
    expect(made.__typename).toBe("CreateImageRequestPayload");
    const del = async (apikey: string, id: string) =>
      (await ctx.t.gql(DELETE_KEY, { id }, { apikey })).data.deleteSharedKey;
    expect(outcome(await del(other.apiKey, sharedKey.id))).toBe("SharedKeyNotFound");
    expect(await del(owner.apiKey, sharedKey.id)).toEqual({ __typename: "DeleteSharedKeyPayload", id: sharedKey.id });
    const me = await ctx.t.gql(MeDocument, {}, { apikey: key });
    expect(me.errors?.[0]?.extensions?.code).toBe("InvalidAPIKey");
    expect(await work()).toBe(1);
    expect(await balance(ctx.db, owner.id)).toBe(100 - TAX - JOB);
  });

  it("shows a user's keys only to themself and moderators", async () => {
    const owner = await seedUser(ctx.db);
    const { key } = await createKey(owner.apiKey);
    const mod = await seedUser(ctx.db, { moderator: true });
    const stranger = await seedUser(ctx.db);
    const Q = UserSharedKeysDocument;
    const as = async (apikey?: string) =>
      (await ctx.t.gql(Q, { id: String(owner.id) }, { apikey })).data.user!.sharedKeys;
    expect(await as(owner.apiKey)).toEqual([{ name: "family" }]);
    expect(await as(mod.apiKey)).toEqual([{ name: "family" }]);
    expect(await as(stranger.apiKey)).toBeNull();
    expect(await as(undefined)).toBeNull();
    expect(await as(key)).toBeNull();
  });

  it("cannot be managed, transfer kudos or run workers with a shared key, nor by Anonymous", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const target = await seedUser(ctx.db);
    const { key, sharedKey } = await createKey(owner.apiKey);
    expect(outcome(await createKey(key))).toBe("SharedKeyForbidden");
    expect(outcome(await createKey(undefined))).toBe("AnonForbidden");
    const upd = await ctx.t.gql(UPDATE_KEY, { input: { id: sharedKey.id, kudos: -1 } }, { apikey: key });
    expect(outcome(upd.data.updateSharedKey)).toBe("SharedKeyForbidden");
    const del = await ctx.t.gql(DELETE_KEY, { id: sharedKey.id }, { apikey: key });
    expect(outcome(del.data.deleteSharedKey)).toBe("SharedKeyForbidden");
    const tr = await ctx.t.gql(
      TRANSFER,
      { input: { username: target.username, amount: 5, idempotencyKey: "x" } },
      {
        apikey: key,
      },
    );
    expect(outcome(tr.data.transferKudos)).toBe("SharedKeyForbidden");
    const p = await ctx.t.gql(POP, { input: { name: "key-worker", models: SD } }, { apikey: key });
    expect(outcome(p.data.popImageJob)).toBe("SharedKeyForbidden");
    expect(await balance(ctx.db, target.id)).toBe(0);
  });
});

describe("using a shared key", () => {
  it("spends the owner's kudos with the owner's priority, and counts every charge against the key", async () => {
    const owner = await fundedUser(ctx.db, 300);
    const { key, sharedKey } = await createKey(owner.apiKey, { kudos: 100 });
    const me = await ctx.t.gql(MeDocument, {}, { apikey: key });
    expect(me.data.me.id).toBe(String(owner.id));
    const made = await request(key, { params: { steps: 30, n: 2 } });
    expect(made.__typename).toBe("CreateImageRequestPayload");
    const [req] = await ctx.db.query<{ priority: string; shared_key_id: string; user_id: number }>(
      "SELECT priority::text, shared_key_id, user_id FROM requests WHERE id = $1",
      [made.request!.id],
    );
    expect(req).toEqual({ priority: "300.00", shared_key_id: sharedKey.id, user_id: owner.id });
    expect(await keyRow(sharedKey.id)).toEqual({ kudos: 100 - TAX, utilized: TAX });
    expect(await work()).toBe(2);
    expect(await keyRow(sharedKey.id)).toEqual({ kudos: 100 - TAX - 2 * JOB, utilized: TAX + 2 * JOB });
    expect(await balance(ctx.db, owner.id)).toBe(300 - TAX - 2 * JOB);
    const spent = (await ledgerOf(ctx.db, owner.id)).filter((r) => r.kind !== "moderator_award");
    expect(spent.map((r) => [r.kind, r.shared_key_id])).toEqual([
      ["horde_tax", sharedKey.id],
      ["request_charge", sharedKey.id],
      ["request_charge", sharedKey.id],
    ]);
    const details = await ctx.t.gql(MyKudosDocument, {}, { apikey: owner.apiKey });
    expect(details.data.me.kudosDetails).toMatchObject({ spent: TAX + 2 * JOB, sharedKeySpent: TAX + 2 * JOB });
  });

  it("an unlimited key keeps its budget at -1 and counts what it spends", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const { key, sharedKey } = await createKey(owner.apiKey, { kudos: -1 });
    await createRequest(ctx.t, key, { prompt: "unlimited", params: { steps: 30 } });
    await work();
    expect(await keyRow(sharedKey.id)).toEqual({ kudos: -1, utilized: TAX + JOB });
  });

  it("refuses a request priced above what is left, and is empty once used up (never below 0)", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const { key, sharedKey } = await createKey(owner.apiKey, { kudos: 10 });
    expect(outcome(await request(key, { params: { steps: 30, n: 2 } }))).toBe("SharedKeyInsufficientKudos");
    expect(outcome(await request(key))).toBe("CreateImageRequestPayload");
    expect(await keyRow(sharedKey.id)).toEqual({ kudos: 10 - TAX, utilized: TAX });
    // in flight, the job may overrun what is left: the budget stops at 0
    await ctx.t.gql(UPDATE_KEY, { input: { id: sharedKey.id, kudos: 1 } }, { apikey: owner.apiKey });
    await work();
    expect(await keyRow(sharedKey.id)).toEqual({ kudos: 0, utilized: TAX + JOB });
    expect(outcome(await request(key))).toBe("SharedKeyEmpty");
    // the owner pays the whole price regardless
    expect(await balance(ctx.db, owner.id)).toBe(100 - TAX - JOB);
  });

  it("refuses images larger or longer than the key allows", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const { key } = await createKey(owner.apiKey, { maxImagePixels: 512 * 512, maxImageSteps: 20 });
    expect(outcome(await request(key, { params: { width: 512, height: 512, steps: 20 } }))).toBe(
      "CreateImageRequestPayload",
    );
    expect(outcome(await request(key, { params: { width: 576, height: 512, steps: 20 } }))).toBe("SharedKeyMaxPixels");
    expect(outcome(await request(key, { params: { width: 512, height: 512, steps: 21 } }))).toBe("SharedKeyMaxSteps");
  });

  it("stops working when it expires", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const { key } = await createKey(owner.apiKey, { expiry: 1 });
    expect(outcome(await request(key))).toBe("CreateImageRequestPayload");
    clock.advance(86_400_000);
    expect(outcome(await request(key))).toBe("SharedKeyExpired");
    const listed = await ctx.t.gql(MySharedKeysDocument, {}, { apikey: owner.apiKey });
    expect(listed.data.me.sharedKeys).toMatchObject([{ expired: true }]);
  });

  it("shares the owner's concurrency", async () => {
    const owner = await fundedUser(ctx.db, 100, { concurrency: 2 });
    const { key } = await createKey(owner.apiKey);
    expect(outcome(await request(key, { params: { steps: 30, n: 2 } }))).toBe("CreateImageRequestPayload");
    const own = await ctx.t.gql(CREATE, { input: { prompt: "mine", params: { steps: 30 } } }, { apikey: owner.apiKey });
    expect(outcome(own.data.createImageRequest)).toBe("TooManyPrompts");
  });
});
