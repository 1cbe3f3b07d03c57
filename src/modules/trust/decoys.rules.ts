/**
 * Decoy jobs for paused workers (reference §3.3 step 8, §3.10). Pure.
 *
 * A paused worker is not told it is paused: it is handed a fake job built from a real waiting
 * request it could have served, and its submit answers the reward the real job would have paid,
 * so it cannot tell it was tricked. Nothing settles: no ledger row, no statistic, no image kept.
 */
import { fromCents, scaleCents, toCents } from "../../lib/money.ts";
import type { SubmitState } from "../jobs/jobs.rules.ts";

/**
 * The reward a decoy's submit answers: the one a real job of the same request and model would,
 * its price (job kudos × the model's multiplier, in whole hundredths as `settleJob` rounds; the
 * requester's surcharges are burned, never the worker's), before any escrow, as a real submit
 * tells it.
 */
export function decoyReward(a: { jobKudos: number; multiplier: number }): number {
  return fromCents(Math.max(0, scaleCents(toCents(a.jobKudos), a.multiplier)));
}

/** What a decoy's submit answers: a reward, or the error a real job would give in its place. */
export type DecoyOutcome =
  | { ok: true; reward: number }
  | { ok: false; code: "WrongCredentials" | "DuplicateGen" | "AbortedGen" };

/**
 * The answer to a decoy's submit, mirroring a real job's: another user's worker is
 * `WrongCredentials`, a second submit `DuplicateGen`, one past the deadline `AbortedGen`; a
 * FAULTED submit earns 0, anything else the decoy's reward (a real censored job pays in full).
 */
export function decoySubmitOutcome(
  row: { owner_id: number; taken: boolean; was_submitted: boolean; reward: string },
  a: { userId: number; state: SubmitState },
): DecoyOutcome {
  if (row.owner_id !== a.userId) return { ok: false, code: "WrongCredentials" };
  if (row.taken) return { ok: true, reward: a.state === "faulted" ? 0 : Number(row.reward) };
  if (row.was_submitted) return { ok: false, code: "DuplicateGen" };
  return { ok: false, code: "AbortedGen" };
}
