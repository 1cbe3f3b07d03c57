/**
 * Suspicion, for other modules (ratings raise RATING_TOO_FAST and RATING_INCONSISTENT): a thin
 * service over suspicion.sql.ts so callers go through a service, as the import rule asks. The
 * consequences of being suspicious belong to the trust rules.
 */
import type { Sql } from "../../infra/db.ts";
import { isSuspicious, type SuspicionReason } from "./suspicion.rules.ts";
import { raiseUserSuspicion, userSuspicionCounts } from "./suspicion.sql.ts";

/** Records one reason against an account, inside the caller's transaction. */
export function raiseSuspicionOf(sql: Sql, userId: number, reason: SuspicionReason, now: Date): Promise<void> {
  return raiseUserSuspicion(sql, userId, reason, now);
}

/** Whether an account is suspicious now (a trusted one never is). */
export async function isUserSuspicious(sql: Sql, userId: number, trusted: boolean): Promise<boolean> {
  const counts = await userSuspicionCounts(sql, [userId]);
  return isSuspicious(counts.get(userId) ?? 0, trusted);
}
