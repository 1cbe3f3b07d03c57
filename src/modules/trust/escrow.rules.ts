/**
 * Escrow and automatic trust (reference §3.8, §3.10). Pure.
 *
 * An untrusted owner's generation reward is split: half to the spendable balance, half parked
 * in escrow (`evaluating_kudos`). The owner becomes trusted automatically once the escrow is
 * above the threshold (KUDOS_TRUST_THRESHOLD; unset: never), the account is not suspicious, not
 * Anonymous, and at least {@link AUTO_TRUST_MIN_AGE_DAYS} days old; the escrow is then paid out.
 */
import { fromCents, toCents } from "../../lib/money.ts";

/** The least age of an account that can become trusted automatically. */
export const AUTO_TRUST_MIN_AGE_DAYS = 7;

/**
 * The part of a reward held in escrow: half (rounded down to the hundredth, so the owner's
 * spendable half is never the smaller) for an untrusted owner other than Anonymous, else 0.
 */
export function escrowOf(reward: number, owner: { trusted: boolean; anonymous: boolean }): number {
  if (owner.trusted || owner.anonymous) return 0;
  return fromCents(Math.floor(toCents(reward) / 2));
}

/** Whether an account qualifies for automatic trust now. */
export function qualifiesForAutoTrust(a: {
  threshold: number | null;
  escrow: number;
  trusted: boolean;
  anonymous: boolean;
  suspicious: boolean;
  createdAt: Date;
  now: Date;
}): boolean {
  if (a.threshold === null || a.trusted || a.anonymous || a.suspicious) return false;
  const ageDays = (a.now.getTime() - a.createdAt.getTime()) / 86_400_000;
  return a.escrow > a.threshold && ageDays >= AUTO_TRUST_MIN_AGE_DAYS;
}
