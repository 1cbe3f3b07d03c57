import { expect } from "vitest";
import type { Db } from "../../src/infra/db.ts";
import { checkLedgerInvariant, type InvariantReport } from "../../src/modules/kudos/kudos.invariant.ts";
import { applyLedger } from "../../src/modules/kudos/kudos.sql.ts";
import {
  AwardKudosDocument,
  CreateSharedKeyDocument,
  DeleteSharedKeyDocument,
  TransferKudosDocument,
  UpdateSharedKeyDocument,
} from "../generated/graphql.ts";
import { seedUser } from "./seed.ts";

/**
 * The kudos and shared-key typed documents under the short names the tests use
 * (test/documents/kudos.graphql, `npm run generate`).
 */
export const TRANSFER = TransferKudosDocument;
export const AWARD = AwardKudosDocument;
export const CREATE_KEY = CreateSharedKeyDocument;
export const UPDATE_KEY = UpdateSharedKeyDocument;
export const DELETE_KEY = DeleteSharedKeyDocument;

/**
 * Seeds a user whose kudos arrive through the ledger (a moderator award), so the ledger
 * invariant holds for them; seedUser's `kudos` writes the balance alone.
 */
export async function fundedUser(
  db: Db,
  kudos: number,
  o: Omit<NonNullable<Parameters<typeof seedUser>[1]>, "kudos"> = {},
): Promise<{ id: number; apiKey: string; username: string }> {
  const u = await seedUser(db, o);
  if (kudos > 0) await grant(db, u.id, kudos);
  return u;
}

/** Credits a user through the ledger (kind moderator_award). */
async function grant(db: Db, userId: number, kudos: number): Promise<void> {
  await db.tx((sql) => applyLedger(sql, [{ userId, kind: "moderator_award", amount: kudos }], new Date()));
}

/** A user's balance. */
export async function balance(db: Db, userId: number): Promise<number> {
  const [row] = await db.query<{ kudos: string }>("SELECT kudos::text FROM users WHERE id = $1", [userId]);
  return Number(row!.kudos);
}

/** A user's ledger rows, oldest first. */
export async function ledgerOf(db: Db, userId: number) {
  return db.query<{
    kind: string;
    amount: string;
    counterpart_id: number | null;
    request_id: string | null;
    job_id: string | null;
    transfer_id: string | null;
    shared_key_id: string | null;
    worker_id: string | null;
  }>(
    `SELECT kind, amount::text, counterpart_id, request_id, job_id, transfer_id, shared_key_id, worker_id
       FROM kudos_ledger WHERE user_id = $1 ORDER BY id`,
    [userId],
  );
}

/** Fails the test, with the report, unless the ledger invariant holds. */
export async function expectLedgerBalanced(db: Db): Promise<InvariantReport> {
  const report = await checkLedgerInvariant(db);
  expect(report.problems, JSON.stringify(report)).toEqual([]);
  expect(report.ok).toBe(true);
  return report;
}
