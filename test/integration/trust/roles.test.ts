import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../../support/app.ts";
import { balance, expectLedgerBalanced, fundedUser, TRANSFER } from "../../support/kudos.ts";
import { createRequest, outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// Escrow and automatic trust are on: promotion above 10 kudos of escrow.
const ctx = useTestApp({ env: { KUDOS_TRUST_THRESHOLD: "10" } });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
const SET = `mutation($input: SetUserRolesInput!) { setUserRoles(input: $input) { __typename
  ... on SetUserRolesPayload { user { id trusted moderator flagged customizer workerInvited } } ... on Error { code } } }`;
const AUDIT = `query($userId: ID) { roleChanges(userId: $userId) { moderatorId userId role oldValue newValue createdAt } }`;
const PRIVATE = `query($id: ID!) { user(id: $id) { id suspicion suspicious evaluatingKudos } }`;

async function setRoles(apikey: string, input: Record<string, unknown>) {
  return (await ctx.t.gql(SET, { input }, { apikey })).data.setUserRoles;
}

describe("roles", () => {
  it("only a moderator sets roles; each change is recorded with who, what, old → new and when", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db);
    const other = await seedUser(ctx.db, { trusted: true });
    expect(outcome(await setRoles(other.apiKey, { userId: user.id, trusted: true }))).toBe("NotModerator");
    const r = await setRoles(mod.apiKey, { userId: user.id, flagged: true, customizer: true, workerInvited: 5 });
    expect(r.user).toMatchObject({ flagged: true, customizer: true, workerInvited: 5 });
    const audit = (await ctx.t.gql(AUDIT, { userId: user.id }, { apikey: mod.apiKey })).data.roleChanges;
    expect(audit.map((a: Record<string, unknown>) => [a.moderatorId, a.role, a.oldValue, a.newValue])).toEqual([
      [String(mod.id), "workerInvited", "0", "5"],
      [String(mod.id), "customizer", "false", "true"],
      [String(mod.id), "flagged", "false", "true"],
    ]);
    expect(audit[0].createdAt).toBeTruthy();
    // the audit is for moderators only
    expect((await ctx.t.gql(AUDIT, { userId: user.id }, { apikey: user.apiKey })).data.roleChanges).toBeNull();
    expect((await ctx.t.gql(AUDIT, { userId: user.id })).data.roleChanges).toBeNull();
  });

  it("makes a new moderator trusted, un-pauses a newly trusted user's workers, refuses roles for Anonymous", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db);
    await pop(ctx.t, user.apiKey, { name: `r-${user.id}`, models: SD });
    await ctx.db.query("UPDATE workers SET paused = true, paused_reason = 'suspicion' WHERE user_id = $1", [user.id]);
    expect((await setRoles(mod.apiKey, { userId: user.id, moderator: true })).user).toMatchObject({
      moderator: true,
      trusted: true,
    });
    const [w] = await ctx.db.query<{ paused: boolean }>("SELECT paused FROM workers WHERE user_id = $1", [user.id]);
    expect(w!.paused).toBe(false);
    expect(outcome(await setRoles(mod.apiKey, { userId: 0, trusted: true }))).toBe("AnonymousRoles");
    expect(outcome(await setRoles(mod.apiKey, { userId: user.id }))).toBe("NoUserModSelected");
    expect(outcome(await setRoles(mod.apiKey, { userId: 99999999, trusted: true }))).toBe("UserNotFound");
    expect(outcome(await setRoles(mod.apiKey, { userId: user.id, workerInvited: -3 }))).toBe("InvalidWorkerInvited");
  });
});

describe("suspicion", () => {
  it("pauses a suspicious user's workers; a moderator's reset clears it and un-pauses them", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db);
    await pop(ctx.t, user.apiKey, { name: `s-${user.id}`, models: SD });
    const { suspectUser } = await import("../../../src/modules/trust/suspicion.service.ts");
    for (let i = 0; i < 4; i++) await suspectUser(ctx.t.deps, user.id, "CORRUPT_PROMPT");
    const paused = async () =>
      (await ctx.db.query<{ paused: boolean }>("SELECT paused FROM workers WHERE user_id = $1", [user.id]))[0]!.paused;
    expect(await paused()).toBe(false);
    await suspectUser(ctx.t.deps, user.id, "CORRUPT_PROMPT");
    expect(await paused()).toBe(true);
    const seen = (await ctx.t.gql(PRIVATE, { id: user.id }, { apikey: user.apiKey })).data.user;
    expect(seen).toMatchObject({ suspicion: 5, suspicious: true });
    // others do not see it
    const stranger = await seedUser(ctx.db);
    expect((await ctx.t.gql(PRIVATE, { id: user.id }, { apikey: stranger.apiKey })).data.user.suspicion).toBeNull();
    // a suspicious user cannot send kudos, nor receive them
    const rich = await fundedUser(ctx.db, 500);
    const send = await ctx.t.gql(
      TRANSFER,
      { input: { username: `x#${user.id}`, amount: 10, idempotencyKey: `s-${user.id}` } },
      { apikey: rich.apiKey },
    );
    expect(outcome(send.data.transferKudos)).toBe("FaultWhenKudosReceiving");
    // the reset is moderator-only and recorded
    expect(outcome(await setRoles(user.apiKey, { userId: user.id, resetSuspicion: true }))).toBe("NotModerator");
    expect(outcome(await setRoles(mod.apiKey, { userId: user.id, resetSuspicion: true }))).toBe("SetUserRolesPayload");
    expect(await paused()).toBe(false);
    const audit = (await ctx.t.gql(AUDIT, { userId: user.id }, { apikey: mod.apiKey })).data.roleChanges;
    expect(audit[0]).toMatchObject({ role: "suspicion", oldValue: "5", newValue: "0" });
  });
});

describe("escrow and automatic trust", () => {
  it("holds half of an untrusted owner's reward in escrow through the ledger, and pays it out on promotion", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const owner = await seedUser(ctx.db);
    const name = `e-${owner.id}`;
    const earn = async () => {
      await createRequest(ctx.t, requester.apiKey, { prompt: "escrow", models: SD, params: { steps: 30 } });
      const [job] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
      return (await submit(ctx.t, owner.apiKey, { id: job!.id })).reward;
    };
    // a young account is not promoted
    expect(await earn()).toBe(6.5);
    expect(await balance(ctx.db, owner.id)).toBe(3.25);
    const seen = (await ctx.t.gql(PRIVATE, { id: owner.id }, { apikey: owner.apiKey })).data.user;
    expect(seen.evaluatingKudos).toBe(3.25);
    await earn();
    await earn();
    await earn(); // 13 in escrow, above the threshold of 10, but the account is new
    const [u] = await ctx.db.query<{ trusted: boolean; e: string }>(
      "SELECT trusted, evaluating_kudos::text AS e FROM users WHERE id = $1",
      [owner.id],
    );
    expect(u).toEqual({ trusted: false, e: "13.00" });
    await expectLedgerBalanced(ctx.db);
    // once the account is 7 days old, the next reward promotes it and the escrow is paid out
    await ctx.db.query("UPDATE users SET created_at = now() - interval '8 days' WHERE id = $1", [owner.id]);
    await earn();
    const [after] = await ctx.db.query<{ trusted: boolean; e: string; kudos: string }>(
      "SELECT trusted, evaluating_kudos::text AS e, kudos::text FROM users WHERE id = $1",
      [owner.id],
    );
    expect(after).toEqual({ trusted: true, e: "0.00", kudos: "32.50" });
    const kinds = await ctx.db.query<{ kind: string }>(
      "SELECT kind FROM kudos_ledger WHERE user_id = $1 AND kind::text LIKE 'escrow%' ORDER BY id",
      [owner.id],
    );
    expect(kinds.map((k) => k.kind)).toEqual([...Array(5).fill("escrow_hold"), "escrow_release"]);
    const audit = await ctx.db.query<{ moderator_id: number | null; role: string }>(
      "SELECT moderator_id, role FROM role_changes WHERE user_id = $1",
      [owner.id],
    );
    expect(audit).toEqual([{ moderator_id: null, role: "trusted" }]);
    await expectLedgerBalanced(ctx.db);
  });
});

describe("flagged users", () => {
  it("cannot transfer kudos and queue at round(kudos / 1000), or −100", async () => {
    const flagged = await fundedUser(ctx.db, 5000, { flagged: true });
    const other = await seedUser(ctx.db);
    const r = await ctx.t.gql(
      TRANSFER,
      { input: { username: `x#${other.id}`, amount: 10, idempotencyKey: `f-${flagged.id}` } },
      { apikey: flagged.apiKey },
    );
    expect(outcome(r.data.transferKudos)).toBe("SourceAccountFlagged");
    const id = await createRequest(ctx.t, flagged.apiKey, { prompt: "p", models: SD });
    const [row] = await ctx.db.query<{ priority: string }>("SELECT priority::text FROM requests WHERE id = $1", [id]);
    expect(Number(row!.priority)).toBe(5);
    const poor = await seedUser(ctx.db, { flagged: true });
    const id2 = await createRequest(ctx.t, poor.apiKey, { prompt: "p", models: SD });
    const [row2] = await ctx.db.query<{ priority: string }>("SELECT priority::text FROM requests WHERE id = $1", [id2]);
    expect(Number(row2!.priority)).toBe(-100);
  });
});

describe("worker limits", () => {
  it("lets an untrusted user own 3 workers: the 4th registration is TooManyWorkers", async () => {
    const user = await seedUser(ctx.db);
    for (let i = 0; i < 3; i++) {
      expect(outcome(await pop(ctx.t, user.apiKey, { name: `lim-${user.id}-${i}`, models: SD }))).toBe(
        "PopImageJobPayload",
      );
    }
    expect(outcome(await pop(ctx.t, user.apiKey, { name: `lim-${user.id}-3`, models: SD }))).toBe("TooManyWorkers");
  });
});
