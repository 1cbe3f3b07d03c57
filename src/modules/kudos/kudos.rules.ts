/**
 * Kudos rules: what moves kudos, in which direction, and who may move them. Pure.
 *
 * The economy (see docs/KUDOS.md):
 *
 *   sources ──▶ balances ──▶ sinks
 *   generation_reward, uptime_reward,      request_charge, horde_tax,
 *   rating_reward, moderator_award         surcharge_burn
 *                                          (escrow_hold / escrow_release move kudos between a
 *                                           user's balance and their escrow, evaluating_kudos)
 *                 ▲      │
 *                 └──────┘ transfer_out / transfer_in (one pair per transfer, netting to zero)
 *
 * Every balance is the exact sum of its ledger rows. Nothing clamps a balance: floors decide
 * priority and what a user may give away, never what they owe, so no kudo is created or
 * forgiven outside a ledger row of a source kind.
 */
import { fromCents, toCents } from "../../lib/money.ts";

/** The kinds of ledger rows (the `ledger_kind` enum). */
export type LedgerKind =
  | "generation_reward"
  | "request_charge"
  | "horde_tax"
  | "uptime_reward"
  | "transfer_in"
  | "transfer_out"
  | "rating_reward"
  | "moderator_award"
  | "floor_adjustment"
  | "surcharge_burn"
  | "escrow_hold"
  | "escrow_release";

/** Kinds that bring kudos into the economy (always positive). */
export const SOURCE_KINDS: readonly LedgerKind[] = [
  "generation_reward",
  "uptime_reward",
  "rating_reward",
  "moderator_award",
];
/** Kinds that take kudos out of the economy (always negative). */
export const SINK_KINDS: readonly LedgerKind[] = ["request_charge", "horde_tax", "surcharge_burn"];
/**
 * Kinds that move kudos between a user's spendable balance and their escrow (`evaluating_kudos`,
 * docs/KUDOS.md): `escrow_hold` (−) parks part of an untrusted owner's reward, `escrow_release`
 * (+) pays it out when they become trusted. Per user, escrow = −(sum of these rows).
 */
export const ESCROW_KINDS: readonly LedgerKind[] = ["escrow_hold", "escrow_release"];
/** Kinds that move kudos between users (a pair per transfer, netting to zero). */
export const TRANSFER_KINDS: readonly LedgerKind[] = ["transfer_in", "transfer_out"];

/**
 * The least a registered user keeps when giving kudos away (the AI Horde's floor for OAuth
 * accounts): a transfer may not take the sender below it.
 */
export const TRANSFER_FLOOR = 25;

/** Seconds of uptime a worker accrues per uptime reward. */
export const UPTIME_PERIOD_SECONDS = 600;

/**
 * The uptime reward of an image worker per 10 minutes online (AI Horde §3.5):
 * 50 + 2 per model served, + 30 when it takes LoRAs.
 */
export function imageUptimeReward(w: { models: number; allowLora: boolean }): number {
  return 50 + 2 * w.models + (w.allowLora ? 30 : 0);
}

/** Who a transfer or award names: a user id (from `name#id`) or a plain username. */
export type UserRef = { id: number } | { username: string };

/**
 * Reads `name#id` (only the number after the last `#` counts, as in the AI Horde) or a plain
 * username. Null when it names nobody (empty, or `#` followed by no valid id).
 */
export function parseUserRef(text: string): UserRef | null {
  const s = text.trim();
  if (s === "") return null;
  const hash = s.lastIndexOf("#");
  if (hash < 0) return { username: s };
  const digits = s.slice(hash + 1);
  if (!/^\d{1,9}$/.test(digits)) return null;
  return { id: Number(digits) };
}

export type AmountCheck = { ok: true } | { ok: false; code: string; message: string };

/** A transfer moves a whole, positive number of kudos. */
export function checkTransferAmount(amount: number): AmountCheck {
  if (!Number.isFinite(amount) || !Number.isInteger(amount)) {
    return { ok: false, code: "InvalidKudosTransferAmount", message: "Kudos are transferred in whole numbers" };
  }
  if (amount < 0) return { ok: false, code: "NegativeKudosTransfer", message: "A transfer cannot be negative" };
  if (amount === 0) return { ok: false, code: "InvalidKudosTransferAmount", message: "A transfer must be above 0" };
  return { ok: true };
}

/** Whether a sender holding `balance` may give `amount` and keep {@link TRANSFER_FLOOR}. */
export function canGive(balance: number, amount: number): boolean {
  return toCents(balance) - toCents(amount) >= toCents(TRANSFER_FLOOR);
}

/** An idempotency key: 1 to 200 printable characters. */
export function checkIdempotencyKey(key: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  return key.length >= 1 && key.length <= 200 && !/[\u0000-\u001f\u007f]/.test(key);
}

/** A user's kudos by where they came from and went, as `User.kudosDetails` shows them. */
export interface KudosDetails {
  /** Earned by the user's workers for jobs. */
  generated: number;
  /** Earned by the user's workers for being online. */
  uptime: number;
  /** Received from other users. */
  received: number;
  /** Given to other users (a positive number). */
  given: number;
  /** Paid for requests: job charges and horde taxes (a positive number). */
  spent: number;
  /** The part of `spent` paid through the user's shared keys. */
  sharedKeySpent: number;
  /** Awarded by moderators and for ratings. */
  awarded: number;
}

/** Sums grouped ledger rows (kind, through a shared key or not, total) into details. */
export function kudosDetails(rows: readonly { kind: LedgerKind; viaSharedKey: boolean; total: number }[]) {
  const d: KudosDetails = { generated: 0, uptime: 0, received: 0, given: 0, spent: 0, sharedKeySpent: 0, awarded: 0 };
  for (const r of rows) {
    switch (r.kind) {
      case "generation_reward":
        d.generated += r.total;
        break;
      case "uptime_reward":
        d.uptime += r.total;
        break;
      case "transfer_in":
        d.received += r.total;
        break;
      case "transfer_out":
        d.given -= r.total;
        break;
      case "request_charge":
      case "horde_tax":
        d.spent -= r.total;
        if (r.viaSharedKey) d.sharedKeySpent -= r.total;
        break;
      case "rating_reward":
      case "moderator_award":
        d.awarded += r.total;
        break;
      case "floor_adjustment":
        break;
    }
  }
  for (const k of Object.keys(d) as (keyof KudosDetails)[]) d[k] = fromCents(toCents(d[k]));
  return d;
}
