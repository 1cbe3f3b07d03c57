/**
 * Escrow and automatic trust (reference §3.8, §3.10). Pure.
 *
 * An untrusted owner's generation reward is split: half to the spendable balance, half parked
 * in escrow (`evaluating_kudos`); an untrusted owner's uptime reward is parked whole (image and
 * text workers; interrogation workers bypass it). Escrow applies whatever the configuration, as
 * in the AI Horde. It is paid out when the owner becomes trusted, by one of two paths:
 * - a moderator grants the trusted role (`setUserRoles`), always available;
 * - automatically, once the escrow is above KUDOS_TRUST_THRESHOLD (unset: this path is off), the
 *   account is not suspicious, not Anonymous, and at least {@link AUTO_TRUST_MIN_AGE_DAYS} days
 *   old.
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

/**
 * The escrow split of a settlement's worker reward for this owner (reference §3.8): what
 * `settleJob` takes as `escrowOf`. Always applied, KUDOS_TRUST_THRESHOLD or not: a moderator
 * granting trust releases it when automatic trust is off (docs/KUDOS.md).
 */
export function rewardEscrow(owner: { trusted: boolean; anonymous: boolean }): (reward: number) => number {
  return (reward) => escrowOf(reward, owner);
}

/**
 * The part of an uptime reward held in escrow (reference §3.5): all of it for an untrusted owner
 * other than Anonymous, except an interrogation worker's, which always goes to the balance.
 */
export function uptimeEscrowOf(
  reward: number,
  owner: { trusted: boolean; anonymous: boolean },
  workerKind: string,
): number {
  if (owner.trusted || owner.anonymous || workerKind === "alchemy") return 0;
  return reward;
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
