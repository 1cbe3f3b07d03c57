import type { Deps } from "../../deps.ts";
import type { Sql } from "../../infra/db.ts";
import { isSuspicious, type SuspicionReason } from "./suspicion.rules.ts";
import {
  hasUserReason,
  hasWorkerReason,
  pauseSuspiciousWorkers,
  raiseUserSuspicion,
  raiseWorkerSuspicion,
  userSuspicionCounts,
  workerOwner,
} from "./suspicion.sql.ts";

/**
 * Raises one suspicion reason against an account (reference §3.10) and applies its consequence:
 * once the untrusted account is suspicious, its workers are paused. Runs in the caller's
 * transaction when given one. Anonymous (id 0) collects no suspicion: it is everyone.
 */
export async function suspectUser(
  deps: Deps,
  userId: number,
  reason: SuspicionReason,
  sql: Sql = deps.db,
): Promise<void> {
  if (userId === 0) return;
  await raiseUserSuspicion(sql, userId, reason, deps.clock.now());
  const paused = await pauseSuspiciousWorkers(sql, userId);
  for (const id of paused) deps.logger.warn({ worker: id, user: userId, reason }, "worker paused for suspicion");
}

/**
 * Raises one reason against a worker; as in the AI Horde it counts against its owner too. A
 * worker with 5 reasons (untrusted owner) is paused, as are all workers of a suspicious owner.
 */
export async function suspectWorker(
  deps: Deps,
  workerId: string,
  reason: SuspicionReason,
  sql: Sql = deps.db,
): Promise<void> {
  const owner = await workerOwner(sql, workerId);
  if (owner === null) return;
  const now = deps.clock.now();
  await raiseWorkerSuspicion(sql, workerId, reason, now);
  if (owner !== 0) await raiseUserSuspicion(sql, owner, reason, now);
  const paused = await pauseSuspiciousWorkers(sql, owner);
  for (const id of paused) deps.logger.warn({ worker: id, user: owner, reason }, "worker paused for suspicion");
}

/** How many reasons an account has. */
export async function suspicionOf(deps: Deps, userId: number): Promise<number> {
  return (await userSuspicionCounts(deps.db, [userId])).get(userId) ?? 0;
}

/** Whether an account is suspicious now (a trusted one never is). */
export async function isUserSuspicious(sql: Sql, userId: number, trusted: boolean): Promise<boolean> {
  const counts = await userSuspicionCounts(sql, [userId]);
  return isSuspicious(counts.get(userId) ?? 0, trusted);
}

/**
 * Raises a reason against a worker unless it already has it: the reference counts each reason
 * once per worker, except UNREASONABLY_FAST and TOO_MANY_JOBS_ABORTED.
 */
export async function suspectWorkerOnce(
  deps: Deps,
  workerId: string,
  reason: SuspicionReason,
  sql: Sql = deps.db,
): Promise<void> {
  if (await hasWorkerReason(sql, workerId, reason)) return;
  await suspectWorker(deps, workerId, reason, sql);
}

/** Raises a reason against an account unless it already has it (reference §3.10: once each). */
export async function suspectUserOnce(
  deps: Deps,
  userId: number,
  reason: SuspicionReason,
  sql: Sql = deps.db,
): Promise<void> {
  if (userId === 0 || (await hasUserReason(sql, userId, reason))) return;
  await suspectUser(deps, userId, reason, sql);
}
