/**
 * Image job rules for the worker side: how many jobs a claim may hand out, how a submitted job
 * settles, and when a worker that keeps dropping jobs goes into maintenance. Pure: the services
 * read the facts, call one of these, then write what it decided.
 *
 * The job state machine, job TTLs and a request's status are shared with the requests module
 * and live in `../queue/queue.rules.ts`.
 */
import { fromCents, scaleCents, toCents } from "../../lib/money.ts";
import { type Baseline, HEAVY_POST_PROCESSORS } from "../models/models.rules.ts";
import { type Surcharges, surchargeFactor } from "../trust/surcharge.rules.ts";

export { type Surcharges, surchargeFactor };

/** Batch cost factors for baselines whose images cost more memory per pixel. */
const BASELINE_BATCH_FACTOR: Readonly<Partial<Record<Baseline, number>>> = {
  flux_1: 5,
  qwen_image: 10,
  z_image: 8,
};

/** What the size of one pop's batch depends on. */
export interface SafeBatchInput {
  /** The worker's declared max pixels per image. */
  maxPixels: number;
  /** How many jobs the worker asked for. */
  amount: number;
  width: number;
  height: number;
  postProcessors: string[];
  /** A heavy operation the post-processor list does not reveal (e.g. transparency). */
  heavy: boolean;
  /** Jobs of the request still waiting. */
  remaining: number;
  /** The baseline of the model the batch runs; heavier ones batch fewer images. */
  baseline?: Baseline;
}

/**
 * How many jobs of one request a single pop may hand a worker (§3.4):
 * `round((maxPixels / 3.5) × amount / (w × h × (1 + 0.4 × #postProcessors) × 1.8 if heavy
 * × baseline factor))`, clamped to [1, amount], then to at most `remaining`.
 * Heavy post-processors (RealESRGAN_x4plus, CodeFormers) count as heavy without the flag.
 * The baseline factor (Flux 5, Qwen 10, Z-Image 8) is keyed by baseline, not by model name
 * as the AI Horde does, so it applies to every model of those families.
 */
export function safeBatchAmount(input: SafeBatchInput): number {
  const budget = (input.maxPixels / 3.5) * input.amount;
  let cost = input.width * input.height * (1 + 0.4 * input.postProcessors.length);
  const heavy = input.heavy || input.postProcessors.some((pp) => HEAVY_POST_PROCESSORS.includes(pp));
  if (heavy) cost *= 1.8;
  cost *= (input.baseline !== undefined ? BASELINE_BATCH_FACTOR[input.baseline] : undefined) ?? 1;
  const safe = Math.min(Math.max(Math.round(budget / cost), 1), input.amount);
  return Math.max(Math.min(safe, input.remaining), 0);
}

/**
 * The most unsubmitted jobs a worker may hold at once through a path: what it declared it can
 * run at once. An HTTP pop declares `threads` parallel slots of `amount` images each; a feed
 * declares `maxConcurrentJobs`. Jobs it holds from either path count against either limit.
 */
export function heldJobLimit(path: "pop" | "feed", d: { threads: number; amount: number; maxConcurrentJobs: number }) {
  return path === "pop" ? d.threads * d.amount : d.maxConcurrentJobs;
}

/**
 * How many jobs one claim may take: what the caller wants, within the batch size the worker
 * declared, and never past `limit` jobs held at once (`held` counted under the worker's lock).
 */
export function claimBudget(a: { want: number; amount: number; held: number; limit: number }): number {
  return Math.max(0, Math.min(a.want, a.amount, a.limit - a.held));
}

/** How a worker reported a job it held. */
export type SubmitState = "ok" | "censored" | "csam" | "faulted";

/** What one submitted job moves: all amounts in kudos, two decimals. */
export interface Settlement {
  /** The job's price (job price × model multiplier): the job's recorded `kudos`. */
  price: number;
  /** Debited from the requester (and their shared key's budget): the price and the surcharge. */
  charge: number;
  /** Credited to the worker's owner: the price; never more than `charge`. */
  reward: number;
  /** `charge − reward`: leaves the economy (the surcharge, ledger kind `surcharge_burn`). */
  burned: number;
  /** The part of `reward` parked in the owner's escrow (untrusted owners: half). */
  escrow: number;
}

/**
 * Settles a submitted job. A generation never creates kudos: the worker's owner earns the job's
 * price, the requester pays the price times the AI Horde's surcharges (× 1.2 when excluding slow
 * workers, × 1.1 with a worker blacklist), and the difference is burned. OK, CENSORED and CSAM all
 * settle on both sides: the worker spent the GPU time, and the requester's prompt (or the
 * request's NSFW setting) is what the worker's filter withheld. Charging the requester nothing
 * while paying the worker (the AI Horde's censored case) would let a user mint kudos by
 * censoring their own requests on their own worker. FAULTED moves nothing. Half the reward of
 * an untrusted owner (not Anonymous) goes to escrow (`escrow`; trust/escrow.rules.ts).
 * Money is computed in whole hundredths with the one rounding rule of `lib/money.ts`.
 */
export function settleJob(a: {
  state: SubmitState;
  jobKudos: number;
  multiplier: number;
  surcharges?: Surcharges;
  escrowOf?: (reward: number) => number;
}): Settlement {
  if (a.state === "faulted") return { price: 0, charge: 0, reward: 0, burned: 0, escrow: 0 };
  const priceCents = Math.max(0, scaleCents(toCents(a.jobKudos), a.multiplier));
  const chargeCents = Math.max(priceCents, scaleCents(priceCents, surchargeFactor(a.surcharges ?? NO_SURCHARGE)));
  const rewardCents = Math.min(priceCents, chargeCents);
  const reward = fromCents(rewardCents);
  return {
    price: fromCents(priceCents),
    charge: fromCents(chargeCents),
    reward,
    burned: fromCents(chargeCents - rewardCents),
    escrow: Math.min(a.escrowOf?.(reward) ?? 0, reward),
  };
}

const NO_SURCHARGE: Surcharges = { fastOnly: false, blacklist: false };
