import type { Sql } from "../../infra/db.ts";
import type { SuspicionReason } from "./suspicion.rules.ts";

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
