/**
 * Image job rules: the job state machine, job TTL, pop batch size and request completion.
 *
 * Job state machine (one job = one image of a request):
 *
 *            pop (claimed by a worker)
 *   WAITING ───────────────────────────▶ PROCESSING ──submit──▶ OK | CENSORED | CSAM
 *     │   ▲                                  │
 *     │   └──── TTL expired (restarted) ─────┤
 *     │                                      └──submit faulted──▶ FAULTED
 *     └──cancel──▶ CANCELLED
 *
 * OK, CENSORED, CSAM, FAULTED and CANCELLED are final. A job already PROCESSING when its
 * request is cancelled still settles normally when submitted: the worker spent the GPU time.
 * A FAULTED job does not finish its request; the service hands out a replacement job unless
 * the request itself has faulted (more than `MAX_FAULTED_JOBS` faults).
 * Everything here is pure.
 */
import { type Baseline, HEAVY_POST_PROCESSORS } from "../models/models.rules.ts";

/** Where a job is in its life. */
export type JobState = "WAITING" | "PROCESSING" | "OK" | "CENSORED" | "FAULTED" | "CSAM" | "CANCELLED";

const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  WAITING: ["PROCESSING", "CANCELLED"],
  PROCESSING: ["OK", "CENSORED", "CSAM", "FAULTED", "WAITING"],
  OK: [],
  CENSORED: [],
  FAULTED: [],
  CSAM: [],
  CANCELLED: [],
};

/** Whether the state machine allows `from → to`. Staying in the same state is not a transition. */
export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether a job in this state will never change again. */
export function isFinalJobState(state: JobState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** What a job's time-to-live depends on. */
export interface JobTtlInput {
  width: number;
  height: number;
  /** Accurate steps (see `accurateSteps`): second-order samplers count twice. */
  steps: number;
  controlnet: boolean;
  /** Flux, Qwen or Z-Image: several times slower per step. */
  heavyBaseline: boolean;
  /** The worker declared itself extra slow. */
  extraSlowWorker: boolean;
}

/** No job is re-queued sooner than this: model loading alone can take that long. */
export const MIN_JOB_TTL_SECONDS = 150;

/**
 * Seconds a worker holds a job before it is re-queued:
 * `30 + steps × 2 × (w × h / 512²)`, × 2 with ControlNet, × 3 for a heavy baseline, at least
 * 150, then × 3 for an extra-slow worker; rounded up to whole seconds.
 */
export function jobTtlSeconds(input: JobTtlInput): number {
  let ttl = 30 + input.steps * 2 * ((input.width * input.height) / (512 * 512));
  if (input.controlnet) ttl *= 2;
  if (input.heavyBaseline) ttl *= 3;
  ttl = Math.max(ttl, MIN_JOB_TTL_SECONDS);
  if (input.extraSlowWorker) ttl *= 3;
  return Math.ceil(ttl);
}

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

/** A request faults, and stops handing out jobs, once more than this many jobs faulted. */
export const MAX_FAULTED_JOBS = 2;

/** A request's job counts, as the service reads them. */
export interface RequestCounts {
  /** Images asked for. */
  n: number;
  /** Jobs not yet handed out, including re-queued ones. */
  waiting: number;
  /** Jobs held by workers. */
  processing: number;
  /** Jobs settled with an image (OK, CENSORED or CSAM). */
  finished: number;
  /** Jobs handed back to the queue after their TTL expired. */
  restarted: number;
  /** Jobs that ended FAULTED (each one replaced while the request has not faulted). */
  faultedJobs: number;
  /** The requester cancelled. */
  cancelled: boolean;
  /** The request was already marked faulted. */
  faulted: boolean;
}

/** A request's derived status. */
export interface RequestStatus {
  /** Nothing more will happen to the request. */
  done: boolean;
  /** The request gave up: already marked, or more than `MAX_FAULTED_JOBS` jobs faulted. */
  faulted: boolean;
  /** Workers may still be handed jobs of this request. */
  open: boolean;
}

/**
 * Derives whether a request is done:
 * - faulted (already marked, or too many faulted jobs): done at once, even with jobs still
 *   processing, because the requester will not get all n images;
 * - cancelled: done when no job is still processing (those still settle and are charged);
 * - otherwise: done when `finished ≥ n`.
 * A request is open for pops while it is neither done, faulted nor cancelled and has waiting
 * jobs.
 */
export function requestStatus(counts: RequestCounts): RequestStatus {
  const faulted = counts.faulted || counts.faultedJobs > MAX_FAULTED_JOBS;
  const done = faulted || (counts.cancelled && counts.processing === 0) || counts.finished >= counts.n;
  return { done, faulted, open: !done && !counts.cancelled && counts.waiting > 0 };
}
