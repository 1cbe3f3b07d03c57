import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { sweepUptime } from "../../../src/tasks/index.ts";
import { useTestApp } from "../../support/app.ts";
import { balance, expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { createRequest, outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// No KUDOS_TRUST_THRESHOLD: escrow applies all the same; a moderator's grant releases it.
const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
const SET = `mutation($input: SetUserRolesInput!) { setUserRoles(input: $input) { __typename
  ... on SetUserRolesPayload { user { id trusted } } ... on Error { code } } }`;

async function escrowOf(userId: number): Promise<string> {
  const [u] = await ctx.db.query<{ e: string }>("SELECT evaluating_kudos::text AS e FROM users WHERE id = $1", [
    userId,
  ]);
  return u!.e;
}

async function earn(requester: { apiKey: string }, owner: { id: number; apiKey: string }) {
  await createRequest(ctx.t, requester.apiKey, { prompt: "escrow", models: SD, params: { steps: 30 } });
  const [job] = (await pop(ctx.t, owner.apiKey, { name: `esc-${owner.id}`, models: SD })).jobs;
  return (await submit(ctx.t, owner.apiKey, { id: job!.id })).reward;
}

describe("escrow without KUDOS_TRUST_THRESHOLD", () => {
  it("holds half of an untrusted owner's reward, pays a trusted owner in full, and a moderator's grant releases it", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const untrusted = await seedUser(ctx.db);
    const trusted = await seedUser(ctx.db, { trusted: true });
    // the worker is told the full reward either way
    expect(await earn(requester, untrusted)).toBe(6.5);
    expect(await balance(ctx.db, untrusted.id)).toBe(3.25);
    expect(await escrowOf(untrusted.id)).toBe("3.25");
    expect(await earn(requester, trusted)).toBe(6.5);
    expect(await balance(ctx.db, trusted.id)).toBe(6.5);
    expect(await escrowOf(trusted.id)).toBe("0.00");
    await expectLedgerBalanced(ctx.db);

    // only a moderator can release it (by granting trust); the owner cannot grant it to themself
    const denied = await ctx.t.gql(
      SET,
      { input: { userId: untrusted.id, trusted: true } },
      { apikey: untrusted.apiKey },
    );
    expect(outcome(denied.data.setUserRoles)).toBe("NotModerator");
    expect(await escrowOf(untrusted.id)).toBe("3.25");
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const granted = await ctx.t.gql(SET, { input: { userId: untrusted.id, trusted: true } }, { apikey: mod.apiKey });
    expect(granted.data.setUserRoles.user.trusted).toBe(true);
    expect(await balance(ctx.db, untrusted.id)).toBe(6.5);
    expect(await escrowOf(untrusted.id)).toBe("0.00");
    const kinds = (await ledgerOf(ctx.db, untrusted.id)).map((r) => r.kind).filter((k) => k.startsWith("escrow"));
    expect(kinds).toEqual(["escrow_hold", "escrow_release"]);
    // once trusted, a reward is paid in full
    expect(await earn(requester, untrusted)).toBe(6.5);
    expect(await balance(ctx.db, untrusted.id)).toBe(13);
    await expectLedgerBalanced(ctx.db);
  });

  it("holds all of an untrusted owner's uptime reward, none of a trusted owner's", async () => {
    const untrusted = await seedUser(ctx.db);
    const trusted = await seedUser(ctx.db, { trusted: true });
    const checkIn = async (o: { id: number; apiKey: string }) => {
      await pop(ctx.t, o.apiKey, { name: `up-${o.id}`, models: SD });
    };
    await checkIn(untrusted);
    await checkIn(trusted);
    await sweepUptime(ctx.t.deps);
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      await checkIn(untrusted);
      await checkIn(trusted);
      await sweepUptime(ctx.t.deps);
    }
    // 50 + 2 × 1 model
    expect(await balance(ctx.db, trusted.id)).toBe(52);
    expect(await escrowOf(trusted.id)).toBe("0.00");
    expect(await balance(ctx.db, untrusted.id)).toBe(0);
    expect(await escrowOf(untrusted.id)).toBe("52.00");
    const rows = await ledgerOf(ctx.db, untrusted.id);
    expect(rows.map((r) => [r.kind, r.amount])).toEqual([
      ["uptime_reward", "52.00"],
      ["escrow_hold", "-52.00"],
    ]);
    // the worker's own statistic shows the whole reward
    const [w] = await ctx.db.query<{ kudos: string }>("SELECT kudos::text FROM workers WHERE name = $1", [
      `up-${untrusted.id}`,
    ]);
    expect(w!.kudos).toBe("52.00");
    await expectLedgerBalanced(ctx.db);
  });
});
