import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { MyLatestKudosDocument, TransferKudosDocument, type TransferKudosMutation } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { balance, CREATE_KEY, expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { type Outcome, outcome } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
// Registered after useTestApp, so it runs before the server stops (after-hooks run in reverse).
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});

let keys = 0;
async function send(
  apikey: string | undefined,
  username: string,
  amount: number,
  idempotencyKey = `k${++keys}`,
): Promise<Outcome<TransferKudosMutation["transferKudos"]>> {
  const r = await ctx.t.gql(TransferKudosDocument, { input: { username, amount, idempotencyKey } }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.transferKudos as Outcome<TransferKudosMutation["transferKudos"]>;
}
const code = async (...args: Parameters<typeof send>) => outcome(await send(...args));
const alias = (u: { username: string; id: number }) => `${u.username}#${u.id}`;

describe("transferKudos", () => {
  it("moves whole kudos to a user named name#id, and both see it in their history", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    const r = await send(a.apiKey, alias(b), 30);
    expect(r).toMatchObject({
      __typename: "TransferKudosPayload",
      transferred: 30,
      replayed: false,
      transfer: { amount: 30, source: { id: String(a.id) }, destination: { id: String(b.id) } },
    });
    expect(await balance(ctx.db, a.id)).toBe(70);
    expect(await balance(ctx.db, b.id)).toBe(30);
    const out = (await ledgerOf(ctx.db, a.id)).at(-1);
    const into = (await ledgerOf(ctx.db, b.id)).at(-1);
    expect(out).toMatchObject({
      kind: "transfer_out",
      amount: "-30.00",
      counterpart_id: b.id,
      transfer_id: r.transfer.id,
    });
    expect(into).toMatchObject({
      kind: "transfer_in",
      amount: "30.00",
      counterpart_id: a.id,
      transfer_id: r.transfer.id,
    });

    const HISTORY = MyLatestKudosDocument;
    const seenByA = await ctx.t.gql(HISTORY, {}, { apikey: a.apiKey });
    const seenByB = await ctx.t.gql(HISTORY, {}, { apikey: b.apiKey });
    expect(seenByA.data.me.kudosHistory?.edges[0]?.node).toEqual({
      kind: "TRANSFER_OUT",
      amount: -30,
      transferId: r.transfer.id,
      counterpart: { id: String(b.id) },
    });
    expect(seenByB.data.me.kudosHistory?.edges[0]?.node).toEqual({
      kind: "TRANSFER_IN",
      amount: 30,
      transferId: r.transfer.id,
      counterpart: { id: String(a.id) },
    });
  });

  it("finds a plain username regardless of case; in name#id only the id counts", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    expect(outcome(await send(a.apiKey, b.username.toUpperCase(), 5))).toBe("TransferKudosPayload");
    expect(outcome(await send(a.apiKey, `someone-else#${b.id}`, 5))).toBe("TransferKudosPayload");
    expect(await balance(ctx.db, b.id)).toBe(10);
  });

  it("refuses zero, negative and unknown targets", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    expect(await code(a.apiKey, alias(b), 0)).toBe("InvalidKudosTransferAmount");
    expect(await code(a.apiKey, alias(b), -5)).toBe("NegativeKudosTransfer");
    expect(await code(a.apiKey, "no-such-user-anywhere", 5)).toBe("InvalidTargetUsername");
    expect(await code(a.apiKey, "x#999999999", 5)).toBe("InvalidTargetUsername");
    expect(await code(a.apiKey, "x#", 5)).toBe("InvalidTargetUsername");
    expect(await balance(ctx.db, a.id)).toBe(100);
  });

  it("refuses sending to oneself, from Anonymous and to Anonymous", async () => {
    const a = await fundedUser(ctx.db, 100);
    expect(await code(a.apiKey, alias(a), 5)).toBe("KudosTransferToSelf");
    expect(await code(a.apiKey, a.username, 5)).toBe("KudosTransferToSelf");
    expect(await code(undefined, alias(a), 5)).toBe("KudosTransferFromAnon");
    expect(await code("0000000000", alias(a), 5)).toBe("KudosTransferFromAnon");
    expect(await code(a.apiKey, "Anonymous#0", 5)).toBe("KudosTransferToAnon");
    expect(await code(a.apiKey, "anonymous", 5)).toBe("KudosTransferToAnon");
    expect(await balance(ctx.db, a.id)).toBe(100);
  });

  it("leaves the sender at least 25 kudos", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    expect(await code(a.apiKey, alias(b), 76)).toBe("KudosTransferNotEnough");
    expect(await code(a.apiKey, alias(b), 75)).toBe("TransferKudosPayload");
    expect(await balance(ctx.db, a.id)).toBe(25);
    expect(await code(a.apiKey, alias(b), 1)).toBe("KudosTransferNotEnough");
    const broke = await seedUser(ctx.db);
    expect(await code(broke.apiKey, alias(b), 1)).toBe("KudosTransferNotEnough");
  });

  it("refuses sending straight back to someone who sent you kudos within 60 s", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await fundedUser(ctx.db, 100);
    expect(await code(a.apiKey, alias(b), 10)).toBe("TransferKudosPayload");
    expect(await code(b.apiKey, alias(a), 10)).toBe("TooFastKudosTransfers");
    // the sender may keep sending; only the way back waits
    expect(await code(a.apiKey, alias(b), 10)).toBe("TransferKudosPayload");
    clock.advance(59_000);
    expect(await code(b.apiKey, alias(a), 10)).toBe("TooFastKudosTransfers");
    clock.advance(2_000);
    expect(await code(b.apiKey, alias(a), 10)).toBe("TransferKudosPayload");
  });

  it("refuses flagged senders and flagged targets", async () => {
    const flagged = await fundedUser(ctx.db, 100, { flagged: true });
    const a = await fundedUser(ctx.db, 100);
    expect(await code(flagged.apiKey, alias(a), 5)).toBe("SourceAccountFlagged");
    expect(await code(a.apiKey, alias(flagged), 5)).toBe("TargetAccountFlagged");
  });

  it("refuses a shared key", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    const k = await ctx.t.gql(CREATE_KEY, { input: { name: "for friends" } }, { apikey: a.apiKey });
    const sharedKey = k.data.createSharedKey.key as string;
    expect(await code(sharedKey, alias(b), 5)).toBe("SharedKeyForbidden");
    expect(await balance(ctx.db, a.id)).toBe(100);
  });
});

describe("transfer idempotency", () => {
  it("answers a retry with the first transfer and moves nothing again", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    const first = await send(a.apiKey, alias(b), 20, "gift-1");
    const retry = await send(a.apiKey, b.username, 20, "gift-1");
    expect(first.replayed).toBe(false);
    expect(retry).toMatchObject({ __typename: "TransferKudosPayload", replayed: true, transferred: 20 });
    expect(retry.transfer.id).toBe(first.transfer.id);
    expect(await balance(ctx.db, a.id)).toBe(80);
    expect(await balance(ctx.db, b.id)).toBe(20);
    expect((await ledgerOf(ctx.db, b.id)).filter((r) => r.kind === "transfer_in")).toHaveLength(1);
  });

  it("refuses the same key for a different transfer, and scopes keys to their sender", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    const c = await fundedUser(ctx.db, 100);
    expect(await code(a.apiKey, alias(b), 10, "same")).toBe("TransferKudosPayload");
    expect(await code(a.apiKey, alias(b), 11, "same")).toBe("IdempotencyKeyConflict");
    expect(await code(a.apiKey, alias(c), 10, "same")).toBe("IdempotencyKeyConflict");
    expect(await code(c.apiKey, alias(b), 10, "same")).toBe("TransferKudosPayload");
    expect(await code(a.apiKey, alias(b), 10, "")).toBe("InvalidIdempotencyKey");
    expect(await balance(ctx.db, b.id)).toBe(20);
  });

  it("makes one transfer of many simultaneous retries", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    const results = await Promise.all(Array.from({ length: 8 }, () => send(a.apiKey, alias(b), 7, "burst")));
    expect(results.every((r) => r.__typename === "TransferKudosPayload")).toBe(true);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transfer.id)).size).toBe(1);
    expect(await balance(ctx.db, a.id)).toBe(93);
    expect(await balance(ctx.db, b.id)).toBe(7);
  });

  it("never lets simultaneous transfers take the sender below the floor", async () => {
    const a = await fundedUser(ctx.db, 100);
    const others = await Promise.all(Array.from({ length: 6 }, () => seedUser(ctx.db)));
    const results = await Promise.all(others.map((o) => send(a.apiKey, alias(o), 20)));
    expect(results.filter((r) => r.__typename === "TransferKudosPayload")).toHaveLength(3);
    expect(results.filter((r) => r.code === "KudosTransferNotEnough")).toHaveLength(3);
    expect(await balance(ctx.db, a.id)).toBe(40);
  });
});
