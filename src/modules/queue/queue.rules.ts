/**
 * What the image queue shares between requests (which fill it) and jobs (which drain it): the
 * states a job goes through, a job's time-to-live, and a request's derived status. Pure.
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
 * OK, CENSORED, CSAM, FAULTED and CANCELLED are final. Each arrow is one SQL statement whose
 * WHERE clause names the state it leaves (`state = 'waiting'` for a claim or a cancel,
 * `state = 'processing'` for a submit, a re-queue or a give-back), so the database enforces the
 * machine under concurrency; there is no separate transition table to drift from it.
 * A job already PROCESSING when its request is cancelled still settles normally when
 * submitted: the worker spent the GPU time. A FAULTED job does not finish its request; a
 * replacement job is queued unless the request itself has faulted.
 */
import { ANONYMOUS_ID } from "../users/users.rules.ts";

/** Where a job is in its life. */
export type JobState = "WAITING" | "PROCESSING" | "OK" | "CENSORED" | "FAULTED" | "CSAM" | "CANCELLED";

const FINAL: ReadonlySet<JobState> = new Set(["OK", "CENSORED", "FAULTED", "CSAM", "CANCELLED"]);

/** Whether a job in this state will never change again. */
export function isFinalJobState(state: JobState): boolean {
  return FINAL.has(state);
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

/**
 * A request faults, and stops handing out jobs, once its jobs faulted (a FAULTED submit or a
 * TTL expiry) under more than this many distinct workers: one worker's faults on one request
 * count once, so a single worker cannot fault someone else's request.
 */
export const MAX_FAULTED_JOBS = 2;

/**
 * A job of a kind whose jobs stand alone (alchemy forms): dropped (timed out or FAULTED) more
 * than this many times, it faults by itself (the AI Horde's `abort_count > 2`, §3.6).
 */
export const MAX_JOB_ABORTS = 2;

/** A request's job counts, as the services read them. */
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
  /** The request was marked faulted (more than `MAX_FAULTED_JOBS` workers faulted it). */
  faulted: boolean;
}

/** A request's derived status. */
export interface RequestStatus {
  /** Nothing more will happen to the request. */
  done: boolean;
  /** The request gave up. */
  faulted: boolean;
  /** Workers may still be handed jobs of this request. */
  open: boolean;
}

/**
 * Derives whether a request is done:
 * - faulted (marked when the settlement counted more than `MAX_FAULTED_JOBS` faulting
 *   workers): done at once, even with jobs still processing, because the requester will not
 *   get all n images;
 * - cancelled: done when no job is still processing (those still settle and are charged);
 * - otherwise: done when `finished ≥ n`.
 * A request is open for pops while it is neither done, faulted nor cancelled and has waiting
 * jobs. The raw counts of faulted and restarted jobs do not fault a request by themselves:
 * one worker can fault many jobs of a request, and that counts once (see `afterFault`).
 */
export function requestStatus(counts: RequestCounts): RequestStatus {
  const faulted = counts.faulted;
  const done = faulted || (counts.cancelled && counts.processing === 0) || counts.finished >= counts.n;
  return { done, faulted, open: !done && !counts.cancelled && counts.waiting > 0 };
}

/**
 * Who may cancel a request: its requester (with any of their keys, shared keys included: a
 * shared key acts for its owner's generations), or a moderator. Anonymous's requests belong to
 * nobody in particular, so anyone who knows the id may cancel them, as in the AI Horde; that
 * is safe because only the requester learns a request's id (workers are never told it, and
 * Anonymous's ledger, which names request ids, is for moderators only).
 */
export function mayCancelRequest(
  viewer: { userId: number; moderator: boolean; anonymous: boolean },
  requesterId: number,
): boolean {
  return viewer.moderator || requesterId === ANONYMOUS_ID || (!viewer.anonymous && viewer.userId === requesterId);
}

// The queue's order and liveness, as the SQL expressions both modules' statements splice in (they
// alias the requests table as `r`). They are rules, not statements: the policy of who is served
// first and what counts as live, written once in the language the claim and the queue position
// are computed in, so the requests module (which fills the queue) and the jobs module (which
// drains it) cannot disagree.

/**
 * Queue order. A request's priority is its requester's kudos when accepted, aged upward by
 * 5 per second of waiting (the AI Horde adds 50 every 10 s). Ordering by
 * `priority + 5·(now − created)` is the same as ordering by `priority − 5·created`, which needs
 * no sweep to age anything and no `now` at all.
 */
export const QUEUE_KEY = "(r.priority - 5 * extract(epoch FROM r.created_at))";

/** {@link QUEUE_KEY} first, then age: the order requests are served in. */
export const QUEUE_ORDER = `${QUEUE_KEY} DESC, r.created_at ASC`;

/** A live request can still hand out jobs. */
export const LIVE = "NOT r.faulted AND NOT r.cancelled AND NOT r.expired";

/**
 * The model a job keeps when it goes back to the queue (`SET model = …` on jobs): none, the next
 * claim picks one, except an alchemy job's, which is its form: without it no worker could take
 * the job again.
 */
export const REQUEUED_MODEL = "CASE WHEN kind = 'alchemy' THEN model END";
