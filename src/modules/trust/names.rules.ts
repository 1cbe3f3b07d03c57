/**
 * What names tell about their owner (reference §3.3 step 2, §2.1, §3.10). Pure.
 *
 * The AI Horde does not refuse an overlong worker name or sign-up username: it truncates it and
 * raises a suspicion (a worker name over 100 characters is `WORKER_NAME_LONG`, over 200 also
 * `WORKER_NAME_EXTREME`; a username over 30 is `USERNAME_LONG`). A profane name is refused, and
 * this project raises `WORKER_PROFANITY` against the owner who tried it (docs/PROTOCOL.md).
 * Lengths are counted in code points, as Python does. The profanity list and the truncation
 * live in src/lib/names.ts, which the users and workers rules share.
 */
import type { SuspicionReason } from "./suspicion.rules.ts";

/** A worker name is truncated to this many characters. */
export const WORKER_NAME_MAX = 100;
/** A worker name longer than this is `WORKER_NAME_EXTREME` besides `WORKER_NAME_LONG`. */
export const WORKER_NAME_EXTREME_OVER = 200;
/** A sign-up username is truncated to this many characters. */
export const USERNAME_MAX = 30;

/** The suspicions a worker name as sent (before truncation) raises against its worker. */
export function workerNameSuspicions(raw: string): SuspicionReason[] {
  const length = [...raw.trim()].length;
  const reasons: SuspicionReason[] = [];
  if (length > WORKER_NAME_MAX) reasons.push("WORKER_NAME_LONG");
  if (length > WORKER_NAME_EXTREME_OVER) reasons.push("WORKER_NAME_EXTREME");
  return reasons;
}

/** The suspicions a sign-up username as sent (before truncation) raises against the account. */
export function usernameSuspicions(raw: string): SuspicionReason[] {
  return [...raw.trim()].length > USERNAME_MAX ? ["USERNAME_LONG"] : [];
}
