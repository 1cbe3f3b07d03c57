import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { checkLedgerInvariant } from "../../../src/modules/kudos/kudos.invariant.ts";
import { applyLedger } from "../../../src/modules/kudos/kudos.sql.ts";
import { auditLedger } from "../../../src/tasks/index.ts";
import { useTestApp } from "../../support/app.ts";
import { AWARD, balance, expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { createRequest, outcome, PNG_B64, pop, resetQueue, SUBMIT, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
/** 512×512 at 30 steps: 6.5 kudos a job; the horde tax is 2 (3, less 1 for a job under 10). */
const JOB = 6.5;
const TAX = 2;

/**
 * A requester with kudos, a worker's owner with none, and a way to pop for the worker. The owner
 * is trusted, so no part of a reward waits in escrow (test/integration/trust/escrow-always.test.ts).
 */
async function cast(kudos = 100) {
  const requester = await fundedUser(ctx.db, kudos);
  const owner = await seedUser(ctx.db, { trusted: true });
  const name = `w-${owner.id}`;
  const popJobs = async () =>
    (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs as { id: string; requestId: string }[];
  return { requester, owner, name, popJobs };
}

describe("the ledger", () => {
  it("moves every kudo of a request through ledger rows: the tax once on acceptance, each job's price on submit", async () => {
    const c = await cast(100);
    const id = await createRequest(ctx.t, c.requester.apiKey, { prompt: "two", params: { n: 2, steps: 30 } });
    expect(await ledgerOf(ctx.db, c.requester.id)).toEqual([
      expect.objectContaining({ kind: "moderator_award", amount: "100.00" }),
      expect.objectContaining({ kind: "horde_tax", amount: `-${TAX}.00`, request_id: id, job_id: null }),
    ]);
    for (let i = 0; i < 2; i++) {
      const [job] = await c.popJobs();
      expect((await submit(ctx.t, c.owner.apiKey, { id: job!.id })).reward).toBe(JOB);
    }
    const requesterRows = await ledgerOf(ctx.db, c.requester.id);
    expect(requesterRows.filter((r) => r.kind === "horde_tax")).toHaveLength(1);
    const charges = requesterRows.filter((r) => r.kind === "request_charge");
    expect(charges.map((r) => r.amount)).toEqual(["-6.50", "-6.50"]);
    expect(charges.every((r) => r.request_id === id && r.job_id && r.counterpart_id === c.owner.id)).toBe(true);
    const rewards = await ledgerOf(ctx.db, c.owner.id);
    expect(rewards.map((r) => [r.kind, r.amount, r.counterpart_id])).toEqual([
      ["generation_reward", "6.50", c.requester.id],
      ["generation_reward", "6.50", c.requester.id],
    ]);
    expect(rewards.every((r) => r.worker_id && r.job_id && r.request_id === id)).toBe(true);
    expect(await balance(ctx.db, c.requester.id)).toBe(100 - TAX - 2 * JOB);
    expect(await balance(ctx.db, c.owner.id)).toBe(2 * JOB);
    await expectLedgerBalanced(ctx.db);
  });

  it("pays a retried submit once: the retry is DuplicateGen and the ledger has one reward and one charge", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "retry", params: { steps: 30 } });
    const [job] = await c.popJobs();
    const first = await submit(ctx.t, c.owner.apiKey, { id: job!.id });
    const again = await submit(ctx.t, c.owner.apiKey, { id: job!.id });
    expect([outcome(first), outcome(again)]).toEqual(["SubmitImageJobPayload", "DuplicateGen"]);
    const rows = await ctx.db.query<{ kind: string }>("SELECT kind FROM kudos_ledger WHERE job_id = $1", [job!.id]);
    expect(rows.map((r) => r.kind).sort()).toEqual(["generation_reward", "request_charge"]);
    expect(await balance(ctx.db, c.owner.id)).toBe(JOB);
  });

  it("pays one of several simultaneous submits of the same job", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "race", params: { steps: 30 } });
    const [job] = await c.popJobs();
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        ctx.t.gql(SUBMIT, { input: { id: job!.id, seed: "1", image: PNG_B64 } }, { apikey: c.owner.apiKey }),
      ),
    );
    const outcomes = results.map((r) => outcome(r.data.submitImageJob));
    expect(outcomes.filter((o) => o === "SubmitImageJobPayload")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "DuplicateGen")).toHaveLength(5);
    expect(await balance(ctx.db, c.owner.id)).toBe(JOB);
    expect(await balance(ctx.db, c.requester.id)).toBe(100 - TAX - JOB);
    await expectLedgerBalanced(ctx.db);
  });

  it("settles a censored image on both sides: the worker earns what the requester pays", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "censored", params: { steps: 30 } });
    const [job] = await c.popJobs();
    expect((await submit(ctx.t, c.owner.apiKey, { id: job!.id, state: "CENSORED" })).reward).toBe(JOB);
    expect(await balance(ctx.db, c.owner.id)).toBe(JOB);
    expect(await balance(ctx.db, c.requester.id)).toBe(100 - TAX - JOB);
    expect((await ledgerOf(ctx.db, c.requester.id)).map((r) => r.kind)).toEqual([
      "moderator_award",
      "horde_tax",
      "request_charge",
    ]);
  });

  it("moves nothing for a faulted job", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "faulted", params: { steps: 30 } });
    const [job] = await c.popJobs();
    expect((await submit(ctx.t, c.owner.apiKey, { id: job!.id, state: "FAULTED", image: null })).reward).toBe(0);
    expect(await ledgerOf(ctx.db, c.owner.id)).toEqual([]);
    expect(await balance(ctx.db, c.requester.id)).toBe(100 - TAX);
  });

  it("is append-only, and no row can move kudos against its kind", async () => {
    const u = await fundedUser(ctx.db, 10);
    await expect(ctx.db.query("UPDATE kudos_ledger SET amount = 1000 WHERE user_id = $1", [u.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(ctx.db.query("DELETE FROM kudos_ledger WHERE user_id = $1", [u.id])).rejects.toThrow(/append-only/);
    for (const [kind, amount] of [
      ["generation_reward", -1],
      ["request_charge", 1],
      ["horde_tax", 1],
      ["transfer_in", -1],
      ["moderator_award", -5],
    ] as const) {
      await expect(
        ctx.db.tx((sql) => applyLedger(sql, [{ userId: u.id, kind, amount }], new Date())),
        `${kind} ${amount}`,
      ).rejects.toThrow(/kudos_ledger_sign/);
    }
    expect(await balance(ctx.db, u.id)).toBe(10);
  });
});

describe("the invariant check", () => {
  it("finds a balance changed outside the ledger, and the audit task logs it", async () => {
    const u = await fundedUser(ctx.db, 50);
    await expectLedgerBalanced(ctx.db);
    await ctx.db.query("UPDATE users SET kudos = kudos + 1 WHERE id = $1", [u.id]);
    try {
      const report = await checkLedgerInvariant(ctx.db);
      expect(report.ok).toBe(false);
      expect(report.mismatchedUsers).toBe(1);
      expect(report.mismatches).toEqual([{ userId: u.id, balance: "51.00", ledger: "50.00" }]);
      expect(report.problems.join(" ")).toMatch(/differ from their ledger/);
      const error = vi.spyOn(ctx.t.deps.logger, "error");
      const audited = await auditLedger(ctx.t.deps);
      expect(audited?.ok).toBe(false);
      expect(error).toHaveBeenCalledWith(expect.objectContaining({ report: audited }), "kudos ledger invariant broken");
      error.mockRestore();
    } finally {
      await ctx.db.query("UPDATE users SET kudos = kudos - 1 WHERE id = $1", [u.id]);
    }
    expect((await auditLedger(ctx.t.deps))?.ok).toBe(true);
  });

  it("accounts for every kudo by kind: minted less burned is what the users hold", async () => {
    const r = await expectLedgerBalanced(ctx.db);
    // escrow rows (other) park kudos outside the balances: minted − burned = balances + escrow
    const [e] = await ctx.db.query<{ held: string }>(
      "SELECT coalesce(sum(evaluating_kudos), 0)::text AS held FROM users",
    );
    expect(Number(r.other)).toBeCloseTo(-Number(e!.held), 2);
    expect(Number(r.minted) - Number(r.burned)).toBeCloseTo(Number(r.balances) + Number(e!.held), 2);
    expect(Number(r.transfersNet)).toBe(0);
    expect(r.rows).toBeGreaterThan(0);
  });

  it("finds a transfer whose rows do not match it", async () => {
    const a = await fundedUser(ctx.db, 100);
    const b = await seedUser(ctx.db);
    const undo = new Error("roll back");
    // Everything happens in one transaction that is rolled back, so the file's economy stays sound.
    const checked = ctx.db.tx(async (sql) => {
      const [tr] = await sql.query<{ id: string }>(
        "INSERT INTO kudos_transfers (source_id, dest_id, amount, idempotency_key) VALUES ($1, $2, 10, 'k') RETURNING id",
        [a.id, b.id],
      );
      const move = () =>
        applyLedger(
          sql,
          [
            { userId: a.id, kind: "transfer_out", amount: -10, transferId: tr!.id },
            { userId: b.id, kind: "transfer_in", amount: 10, transferId: tr!.id },
          ],
          new Date(),
        );
      await move();
      expect((await checkLedgerInvariant(sql)).ok).toBe(true);
      // a second, stray pair under the same transfer: balances still match their rows and the
      // pair nets to zero, but the transfer moved twice
      await move();
      const report = await checkLedgerInvariant(sql);
      expect(report.mismatchedUsers).toBe(0);
      expect(report.transfersNet).toBe("0.00");
      expect(report.unbalancedTransfers).toBe(1);
      expect(report.ok).toBe(false);
      throw undo;
    });
    await expect(checked).rejects.toBe(undo);
    await expectLedgerBalanced(ctx.db);
  });
});

describe("balances change only through applyLedger", () => {
  it("no source file but kudos.sql.ts writes users.kudos", () => {
    const root = path.resolve(import.meta.dirname, "../../../src");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts") && !p.endsWith(path.join("kudos", "kudos.sql.ts"))) {
          const text = readFileSync(p, "utf8");
          if (/UPDATE\s+users\b[^`;]*\bkudos\s*=/i.test(text) || /user\.update[\s\S]{0,200}kudos/.test(text)) {
            offenders.push(path.relative(root, p));
          }
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});

describe("awardKudos", () => {
  it("lets a moderator credit a user, as a moderator_award row naming the moderator", async () => {
    const mod = await seedUser(ctx.db, { moderator: true });
    const u = await seedUser(ctx.db);
    const r = await ctx.t.gql(
      AWARD,
      { input: { username: `${u.username}#${u.id}`, amount: 40 } },
      { apikey: mod.apiKey },
    );
    expect(r.data.awardKudos).toMatchObject({ __typename: "AwardKudosPayload", awarded: 40, user: { kudos: 40 } });
    expect(await ledgerOf(ctx.db, u.id)).toEqual([
      expect.objectContaining({ kind: "moderator_award", amount: "40.00", counterpart_id: mod.id }),
    ]);
    await expectLedgerBalanced(ctx.db);
  });

  it("refuses anyone but a moderator, Anonymous and flagged targets, unknown users and bad amounts", async () => {
    const mod = await seedUser(ctx.db, { moderator: true });
    const plain = await seedUser(ctx.db);
    const flagged = await seedUser(ctx.db, { flagged: true });
    const award = async (apikey: string | undefined, username: string, amount: number) =>
      outcome((await ctx.t.gql(AWARD, { input: { username, amount } }, { apikey })).data.awardKudos);
    expect(await award(plain.apiKey, plain.username, 10)).toBe("NotAllowedAwards");
    expect(await award(undefined, plain.username, 10)).toBe("NotAllowedAwards");
    expect(await award(mod.apiKey, "Anonymous#0", 10)).toBe("KudosAwardToAnon");
    expect(await award(mod.apiKey, flagged.username, 10)).toBe("TargetAccountFlagged");
    expect(await award(mod.apiKey, "nobody-here", 10)).toBe("InvalidTargetUsername");
    expect(await award(mod.apiKey, plain.username, 0)).toBe("InvalidKudosAwardAmount");
    expect(await award(mod.apiKey, plain.username, -5)).toBe("InvalidKudosAwardAmount");
    expect(await balance(ctx.db, plain.id)).toBe(0);
  });
});
