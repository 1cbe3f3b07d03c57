import type { Sql } from "../../infra/db.ts";
import { SUSPICIOUS_AT, type SuspicionReason } from "./suspicion.rules.ts";

/** Records one reason against an account, inside the caller's transaction if there is one. */
export async function raiseUserSuspicion(sql: Sql, userId: number, reason: SuspicionReason, now: Date): Promise<void> {
  await sql.query("INSERT INTO user_suspicions (user_id, reason, created_at) VALUES ($1, $2, $3)", [
    userId,
    reason,
    now,
  ]);
}

/** Records one reason against a worker. */
export async function raiseWorkerSuspicion(
  sql: Sql,
  workerId: string,
  reason: SuspicionReason,
  now: Date,
): Promise<void> {
  await sql.query("INSERT INTO worker_suspicions (worker_id, reason, created_at) VALUES ($1, $2, $3)", [
    workerId,
    reason,
    now,
  ]);
}

/** How many reasons each of these accounts has (absent ids have none). */
export async function userSuspicionCounts(sql: Sql, userIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await sql.query<{ user_id: number; n: number }>(
    "SELECT user_id, count(*)::int AS n FROM user_suspicions WHERE user_id = ANY($1::int[]) GROUP BY user_id",
    [userIds],
  );
  return new Map(rows.map((r) => [r.user_id, r.n]));
}

/** How many reasons each of these workers has (absent ids have none). */
export async function workerSuspicionCounts(sql: Sql, workerIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await sql.query<{ worker_id: string; n: number }>(
    "SELECT worker_id, count(*)::int AS n FROM worker_suspicions WHERE worker_id = ANY($1::uuid[]) GROUP BY worker_id",
    [workerIds],
  );
  return new Map(rows.map((r) => [r.worker_id, r.n]));
}

/**
 * The consequence of suspicion (reference §3.10): pauses, for a reason of 'suspicion', the
 * workers of an untrusted owner that are suspicious themselves (≥ 5 reasons), and every worker
 * of an untrusted owner who is. A worker a moderator paused keeps that reason. Returns the
 * workers it paused now. Locks those workers' rows.
 */
export async function pauseSuspiciousWorkers(sql: Sql, userId: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE workers w SET paused = true, paused_reason = 'suspicion'
       FROM users u
      WHERE u.id = w.user_id AND w.user_id = $1 AND NOT u.trusted AND NOT w.paused
        AND ((SELECT count(*) FROM user_suspicions s WHERE s.user_id = u.id) >= $2
          OR (SELECT count(*) FROM worker_suspicions s WHERE s.worker_id = w.id) >= $2)
     RETURNING w.id`,
    [userId, SUSPICIOUS_AT],
  );
  return rows.map((r) => r.id);
}

/** Owner of a worker, or null. */
export async function workerOwner(sql: Sql, workerId: string): Promise<number | null> {
  const rows = await sql.query<{ user_id: number }>("SELECT user_id FROM workers WHERE id = $1", [workerId]);
  return rows[0]?.user_id ?? null;
}

/**
 * A moderator's reset: deletes the account's reasons and its workers', and un-pauses the workers
 * that suspicion paused. Returns how many reasons the account had.
 */
export async function resetSuspicion(sql: Sql, userId: number): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `WITH u AS (DELETE FROM user_suspicions WHERE user_id = $1 RETURNING 1),
          w AS (DELETE FROM worker_suspicions s USING workers w WHERE w.id = s.worker_id AND w.user_id = $1 RETURNING 1),
          p AS (UPDATE workers SET paused = false, paused_reason = NULL
                 WHERE user_id = $1 AND paused AND paused_reason = 'suspicion' RETURNING 1)
     SELECT (SELECT count(*) FROM u)::int AS n, (SELECT count(*) FROM w) AS wn, (SELECT count(*) FROM p) AS pn`,
    [userId],
  );
  return rows[0]?.n ?? 0;
}

/** Whether a worker already has this reason. */
export async function hasWorkerReason(sql: Sql, workerId: string, reason: SuspicionReason): Promise<boolean> {
  const rows = await sql.query("SELECT 1 FROM worker_suspicions WHERE worker_id = $1 AND reason = $2 LIMIT 1", [
    workerId,
    reason,
  ]);
  return rows.length > 0;
}

/** Whether an account already has this reason. */
export async function hasUserReason(sql: Sql, userId: number, reason: SuspicionReason): Promise<boolean> {
  const rows = await sql.query("SELECT 1 FROM user_suspicions WHERE user_id = $1 AND reason = $2 LIMIT 1", [
    userId,
    reason,
  ]);
  return rows.length > 0;
}
