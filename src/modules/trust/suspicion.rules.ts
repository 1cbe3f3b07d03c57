/**
 * Suspicion, by the AI Horde's rule (reference §3.10): every reason raised is one row, and an
 * account or a worker is suspicious from {@link SUSPICIOUS_AT} rows on. A trusted account is
 * never suspicious; a worker counts only while its owner is untrusted.
 */

/** The reasons the reference names, and the ones this project adds (ratings). */
export const SUSPICION_REASONS = [
  "CORRUPT_PROMPT",
  "EXTREME_MAX_PIXELS",
  "TOO_MANY_JOBS_ABORTED",
  "UNREASONABLY_FAST",
  "UNSAFE_IP",
  "WORKER_NAME_LONG",
  "WORKER_NAME_EXTREME",
  "WORKER_PROFANITY",
  "USERNAME_LONG",
  "USERNAME_PROFANITY",
  "RATING_TOO_FAST",
  "RATING_INCONSISTENT",
] as const;

export type SuspicionReason = (typeof SUSPICION_REASONS)[number];

/** Rows from which an account or a worker counts as suspicious. */
export const SUSPICIOUS_AT = 5;

/** Whether `rows` reasons make a holder suspicious; trust exempts it. */
export function isSuspicious(rows: number, trusted: boolean): boolean {
  return !trusted && rows >= SUSPICIOUS_AT;
}

/** Megapixelsteps per second above which an image job is faster than a GPU can be (reference §3.8). */
export const MAX_REASONABLE_MPS = 20;

/**
 * Whether a job was done unreasonably fast: more than `max` (default {@link MAX_REASONABLE_MPS})
 * megapixelsteps per second; `max` 0 turns the check off.
 */
export function unreasonablyFast(
  job: { pixels: number; steps: number; seconds: number },
  max: number = MAX_REASONABLE_MPS,
): boolean {
  if (!(job.seconds > 0) || max <= 0) return false;
  return (job.pixels * job.steps) / job.seconds / 1e6 > max;
}
