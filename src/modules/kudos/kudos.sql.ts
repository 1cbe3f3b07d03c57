import type { Sql } from "../../infra/db.ts";

/** The kinds of ledger rows (the `ledger_kind` enum). */
export type LedgerKind =
  | "generation_reward"
  | "request_charge"
  | "horde_tax"
  | "uptime_reward"
  | "transfer_in"
  | "transfer_out"
  | "rating_reward"
  | "moderator_award"
  | "floor_adjustment";

/** One change to one balance. Positive amounts credit, negative debit; two decimals. */
export interface LedgerEntry {
  userId: number;
  kind: LedgerKind;
  amount: number;
  counterpartId?: number | null;
  requestId?: string | null;
  jobId?: string | null;
  transferId?: string | null;
  sharedKeyId?: string | null;
  workerId?: string | null;
}

/**
 * Appends ledger rows and moves the balances they describe, in one statement, inside the
 * caller's transaction, so a balance never changes without its row. The users touched are
 * locked in id order first, so two transactions moving kudos between the same users cannot
 * deadlock. Amounts are rounded to cents here, once.
 */
export async function applyLedger(sql: Sql, entries: LedgerEntry[], now: Date): Promise<void> {
  const rows = entries
    .filter((e) => Math.round(e.amount * 100) !== 0)
    .map((e) => ({
      user_id: e.userId,
      kind: e.kind,
      amount: (Math.round(e.amount * 100) / 100).toFixed(2),
      counterpart_id: e.counterpartId ?? null,
      request_id: e.requestId ?? null,
      job_id: e.jobId ?? null,
      transfer_id: e.transferId ?? null,
      shared_key_id: e.sharedKeyId ?? null,
      worker_id: e.workerId ?? null,
    }));
  if (rows.length === 0) return;
  await sql.query(
    `WITH e AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(user_id int, kind ledger_kind, amount numeric,
         counterpart_id int, request_id uuid, job_id uuid, transfer_id uuid, shared_key_id uuid, worker_id uuid)
     ),
     locked AS (
       SELECT id FROM users WHERE id IN (SELECT user_id FROM e) ORDER BY id FOR UPDATE
     ),
     ins AS (
       INSERT INTO kudos_ledger (user_id, kind, amount, counterpart_id, request_id, job_id, transfer_id,
         shared_key_id, worker_id, created_at)
       SELECT user_id, kind, amount, counterpart_id, request_id, job_id, transfer_id, shared_key_id, worker_id, $2
         FROM e
     )
     UPDATE users u SET kudos = u.kudos + s.total
       FROM (SELECT user_id, sum(amount) AS total FROM e GROUP BY user_id) s
       JOIN locked l ON l.id = s.user_id
      WHERE u.id = s.user_id`,
    [JSON.stringify(rows), now],
  );
}
