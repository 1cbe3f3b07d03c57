import type { Sql } from "../../infra/db.ts";
import { formatCents, toCents } from "../../lib/money.ts";
import type { LedgerKind } from "./kudos.rules.ts";

export type { LedgerKind };

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
 * deadlock. Amounts are rounded to cents here, once, by the one rule (lib/money.ts).
 */
export async function applyLedger(sql: Sql, entries: LedgerEntry[], now: Date): Promise<void> {
  const rows = entries
    .filter((e) => toCents(e.amount) !== 0)
    .map((e) => ({
      user_id: e.userId,
      kind: e.kind,
      amount: formatCents(toCents(e.amount)),
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
     ${ledgerCtes("e", "$2")}
     SELECT 1`,
    [JSON.stringify(rows), now],
    { name: "apply_ledger" },
  );
}

/**
 * The ledger write as CTEs, for {@link applyLedger} and for a statement that settles a job in
 * one round trip (jobs.sql.ts, settleJob): appends the rows of CTE `src` (columns user_id,
 * kind, amount, counterpart_id, request_id, job_id, transfer_id, shared_key_id, worker_id; no
 * zero amounts) stamped `now`, and adds their sums to the balances, the users locked in id order
 * first. The one text that writes `users.kudos`, and `users.evaluating_kudos` (the escrow, which
 * escrow rows move: an `escrow_hold` of −x adds x to it, an `escrow_release` of +x takes x out).
 */
export function ledgerCtes(src: string, now: string): string {
  return `ledger_locked AS (
       SELECT id FROM users WHERE id IN (SELECT user_id FROM ${src}) ORDER BY id FOR UPDATE
     ),
     ledger_rows AS (
       INSERT INTO kudos_ledger (user_id, kind, amount, counterpart_id, request_id, job_id, transfer_id,
         shared_key_id, worker_id, created_at)
       SELECT user_id, kind, amount, counterpart_id, request_id, job_id, transfer_id, shared_key_id, worker_id, ${now}
         FROM ${src}
     ),
     ledger_balances AS (
       UPDATE users u SET kudos = u.kudos + s.total, evaluating_kudos = u.evaluating_kudos - s.escrow
         FROM (SELECT user_id, sum(amount) AS total,
                      coalesce(sum(amount) FILTER (WHERE kind IN ('escrow_hold', 'escrow_release')), 0) AS escrow
                 FROM ${src} GROUP BY user_id) s
         JOIN ledger_locked l ON l.id = s.user_id
        WHERE u.id = s.user_id
     )`;
}

/** A user's escrow (`evaluating_kudos`; 0 for a user that does not exist). Locks the user's row. */
export async function readEscrow(sql: Sql, userId: number): Promise<number> {
  const rows = await sql.query<{ e: string }>(
    "SELECT evaluating_kudos::text AS e FROM users WHERE id = $1 FOR UPDATE",
    [userId],
  );
  return Number(rows[0]?.e ?? 0);
}

/** A user's balance (0 for a user that does not exist). No lock. */
export async function readBalance(sql: Sql, userId: number): Promise<number> {
  const rows = await sql.query<{ kudos: string }>("SELECT kudos::text FROM users WHERE id = $1", [userId], {
    name: "read_balance",
  });
  return Number(rows[0]?.kudos ?? 0);
}

/** A user as a transfer or award sees them. */
export interface PartyRow {
  id: number;
  username: string;
  kudos: number;
  flagged: boolean;
  /** 5 or more suspicion reasons and not trusted (trust/suspicion.rules.ts; filled by lockParties) */
  suspicious?: boolean;
}

/**
 * Finds the user a transfer or award names: by id, or by username as names are compared
 * (NFKC and case folded: the `username_key` column and its unique index).
 * No lock; {@link lockParties} locks before any balance is read for a decision.
 */
export async function findParty(sql: Sql, ref: { id: number } | { username: string }): Promise<PartyRow | null> {
  const rows = await sql.query<{ id: number; username: string; kudos: string; flagged: boolean }>(
    "id" in ref
      ? "SELECT id, username, kudos::text, flagged FROM users WHERE id = $1"
      : "SELECT id, username, kudos::text, flagged FROM users WHERE username_key = lower(normalize($1, NFKC))",
    ["id" in ref ? ref.id : ref.username],
  );
  const r = rows[0];
  return r ? { ...r, kudos: Number(r.kudos) } : null;
}

/**
 * Locks the users of a transfer, in id order (the order {@link applyLedger} locks in, so a
 * transfer cannot deadlock with a settlement or another transfer), and returns their balances
 * as they are once locked. Locks: the users' rows until the transaction ends.
 */
export async function lockParties(sql: Sql, ids: number[]): Promise<Map<number, PartyRow>> {
  const rows = await sql.query<{ id: number; username: string; kudos: string; flagged: boolean; suspicious: boolean }>(
    `SELECT id, username, kudos::text, flagged,
            NOT trusted AND (SELECT count(*) FROM user_suspicions s WHERE s.user_id = users.id) >= 5 AS suspicious
       FROM users WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { ...r, kudos: Number(r.kudos) }]));
}

/** A recorded transfer. */
export interface TransferRow {
  id: string;
  source_id: number;
  dest_id: number;
  amount: string;
  created_at: Date;
}

/** The transfer a sender made under an idempotency key, if any. */
export async function findTransfer(sql: Sql, sourceId: number, key: string): Promise<TransferRow | null> {
  const rows = await sql.query<TransferRow>(
    `SELECT id, source_id, dest_id, amount::text, created_at FROM kudos_transfers
      WHERE source_id = $1 AND idempotency_key = $2`,
    [sourceId, key],
  );
  return rows[0] ?? null;
}

/** Whether `from` sent kudos to `to` at or after `since` (the TooFastKudosTransfers rule). */
export async function sentSince(sql: Sql, from: number, to: number, since: Date): Promise<boolean> {
  const rows = await sql.query(
    "SELECT 1 FROM kudos_transfers WHERE source_id = $1 AND dest_id = $2 AND created_at >= $3 LIMIT 1",
    [from, to, since],
  );
  return rows.length > 0;
}

/** Records a transfer; the caller moves the kudos with {@link applyLedger} in the same transaction. */
export async function insertTransfer(
  sql: Sql,
  t: { sourceId: number; destId: number; amount: number; key: string; now: Date },
): Promise<TransferRow> {
  const rows = await sql.query<TransferRow>(
    `INSERT INTO kudos_transfers (source_id, dest_id, amount, idempotency_key, created_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING id, source_id, dest_id, amount::text, created_at`,
    [t.sourceId, t.destId, t.amount.toFixed(2), t.key, t.now],
  );
  return rows[0]!;
}

/** Ledger totals per user, kind and whether a shared key spent them (for `kudosDetails`). */
export async function ledgerTotals(
  sql: Sql,
  userIds: readonly number[],
): Promise<{ user_id: number; kind: LedgerKind; via_shared_key: boolean; total: string }[]> {
  return sql.query(
    `SELECT user_id, kind, shared_key_id IS NOT NULL AS via_shared_key, sum(amount)::text AS total
       FROM kudos_ledger WHERE user_id = ANY($1::int[])
      GROUP BY user_id, kind, shared_key_id IS NOT NULL`,
    [userIds],
  );
}

/** One ledger row as `kudosHistory` shows it. */
export interface LedgerRow {
  id: string;
  user_id: number;
  kind: LedgerKind;
  amount: string;
  counterpart_id: number | null;
  request_id: string | null;
  job_id: string | null;
  transfer_id: string | null;
  shared_key_id: string | null;
  worker_id: string | null;
  /** the kind of work of the entry's request (image, text, alchemy), or null */
  work_kind: "image" | "text" | "alchemy" | null;
  created_at: Date;
}

/**
 * The same page of several users' ledgers in one statement (one user's history, or a list of
 * users each showing theirs): newest first, rows older than `after` (an id) and newer than
 * `before`; `inverted` reads from the oldest end (for `last`). A lateral join, so each user's
 * page reads the (user_id, id) index. Rows come grouped by user, each group in page order.
 */
export async function ledgerPages(
  sql: Sql,
  userIds: readonly number[],
  p: { after?: bigint; before?: bigint; limit: number; inverted: boolean },
): Promise<LedgerRow[]> {
  return sql.query<LedgerRow>(
    `SELECT l.id::text, l.user_id, l.kind, l.amount::text, l.counterpart_id, l.request_id, l.job_id, l.transfer_id,
            l.shared_key_id, l.worker_id, (SELECT r.kind FROM requests r WHERE r.id = l.request_id) AS work_kind,
            l.created_at
       FROM unnest($1::int[]) AS u(id)
      CROSS JOIN LATERAL (
        SELECT * FROM kudos_ledger k
         WHERE k.user_id = u.id AND ($2::bigint IS NULL OR k.id < $2) AND ($3::bigint IS NULL OR k.id > $3)
         ORDER BY k.id ${p.inverted ? "ASC" : "DESC"} LIMIT $4) l`,
    [userIds, p.after?.toString() ?? null, p.before?.toString() ?? null, p.limit],
  );
}

/** A worker whose uptime earned a reward in {@link accrueUptime}. */
export interface UptimeDue {
  id: string;
  user_id: number;
  models: number;
  allow_lora: boolean;
  /** Whether the owner is trusted (trust: an untrusted owner's uptime reward goes to escrow). */
  owner_trusted: boolean;
  /** How many reward periods it completed (1 unless sweeps were far apart). */
  periods: number;
}

/**
 * Counts uptime for every image worker and returns those that completed a reward period, in
 * one statement. Uptime is the time a worker's check-ins cover, as in the AI Horde: a worker
 * online now (checked in within `onlineSeconds`, not paused, not in maintenance) gains the whole
 * seconds from `uptime_at` to its latest check-in. A worker seen for the first time, or whose
 * check-ins were further apart than `onlineSeconds` (it was away in between), starts counting at
 * its latest check-in and its reward period starts over; one that is no longer online stops
 * being counted (`uptime_at` null) and its period starts over too. Each `periodSeconds` of
 * uptime since `last_reward_uptime` is one reward period.
 *
 * Time comes from check-ins, not from when the sweep runs, so sweeps may be late, repeated or
 * run by several instances without counting anything twice. Locks: the rows of workers online
 * or being counted, in id order, until the caller's transaction ends (the task runs it under an
 * advisory lock). Measured in bench/kudos.ts (see bench/README.md).
 */
export async function accrueUptime(
  sql: Sql,
  now: Date,
  o: { onlineSeconds: number; periodSeconds: number },
): Promise<UptimeDue[]> {
  return sql.query<UptimeDue>(
    `WITH c AS (
       SELECT w.id, w.uptime, w.last_reward_uptime,
              (w.last_check_in >= $1::timestamptz - make_interval(secs => $2::int)
                 AND NOT w.paused AND NOT w.maintenance) AS up,
              least($1::timestamptz, w.last_check_in) AS seen,
              floor(extract(epoch FROM least($1::timestamptz, w.last_check_in) - w.uptime_at))::int AS gap
         FROM workers w
        WHERE w.kind = 'image'
          AND (w.uptime_at IS NOT NULL OR w.last_check_in >= $1::timestamptz - make_interval(secs => $2::int))
        ORDER BY w.id
          FOR UPDATE
     ),
     d AS (
       SELECT c.id, c.up, c.seen, c.uptime, c.last_reward_uptime,
              coalesce(c.up AND c.gap <= $2::int, false) AS counting,
              CASE WHEN coalesce(c.up AND c.gap <= $2::int, false) THEN greatest(c.gap, 0) ELSE 0 END AS add
         FROM c
     ),
     p AS (
       SELECT d.*, CASE WHEN d.counting THEN (d.uptime + d.add - d.last_reward_uptime) / $3::int ELSE 0 END AS periods
         FROM d
     )
     UPDATE workers w
        SET uptime = p.uptime + p.add,
            uptime_at = CASE WHEN p.counting THEN w.uptime_at + make_interval(secs => p.add)
                             WHEN p.up THEN p.seen END,
            last_reward_uptime = CASE WHEN p.counting THEN p.last_reward_uptime + $3::int * p.periods ELSE p.uptime END
       FROM p
      WHERE w.id = p.id
      RETURNING w.id, w.user_id, cardinality(w.models) AS models, w.allow_lora, p.periods,
                coalesce((SELECT u.trusted FROM users u WHERE u.id = w.user_id), false) AS owner_trusted`,
    [now, o.onlineSeconds, o.periodSeconds],
  );
}

/**
 * Adds uptime rewards to workers' own kudos statistics: the total (`WorkerStats.kudosRewarded`)
 * and its uptime part (`WorkerStats.kudosDetails.uptime`).
 */
export async function creditWorkers(sql: Sql, credits: { workerId: string; amount: number }[]): Promise<void> {
  if (credits.length === 0) return;
  await sql.query(
    `UPDATE workers w SET kudos = w.kudos + c.amount, uptime_kudos = w.uptime_kudos + c.amount
       FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, amount numeric)
      WHERE w.id = c.id`,
    [JSON.stringify(credits.map((c) => ({ id: c.workerId, amount: c.amount.toFixed(2) })))],
  );
}
