/**
 * The surcharges the AI Horde burns (reference §3.8, §4.1). Pure. The admission estimate
 * (requests.pricing.ts) and the settlement (jobs.rules.ts settleJob) both apply them, so the
 * estimate equals the charge.
 */

/** What a requester's choices add to a job's charge. */
export interface Surcharges {
  /** The request excludes slow workers: × 1.2. */
  fastOnly: boolean;
  /** The request names workers to avoid: × 1.1. */
  blacklist: boolean;
}

/** The factor a job's charge is multiplied by: × 1.2 for fast workers only, × 1.1 for a blacklist. */
export function surchargeFactor(s: Surcharges): number {
  return (s.fastOnly ? 1.2 : 1) * (s.blacklist ? 1.1 : 1);
}
