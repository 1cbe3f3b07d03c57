/**
 * One engine, three kinds of work (issue 12). The engine (this folder) owns what every kind
 * shares: the claim (jobs.sql.ts claimNextJob; `claim_eligible` dispatches to the kind's SQL
 * rule), the feeds (jobs.feed.ts), the TTL re-queue and fault machinery, and the settlement
 * through the ledger (jobs.settle.sql.ts settleJob, jobs.engine.ts submitJob). A kind adds only
 * what is its own, described by a {@link JobKind}:
 *
 * - its worker declaration (validated by the kind's module), written to the workers row through
 *   {@link JobKind.workerColumns} by the engine's check-in (workers.service.ts checkInWorker,
 *   with the kind's starting speed);
 * - its eligibility: a SQL function `<kind>_eligible(r, w, owner_trusted)` (migrations), and a
 *   cheap guess for waking feeds, {@link JobKind.mightTake};
 * - its fault policy, {@link JobKind.faults};
 * - its price, reward and what a job counts for: a callback the kind's submit passes to
 *   `submitJob` (the engine reads the {@link SettlementBasis} and asks it);
 * - its payload: the GraphQL type it exposes a `ClaimedJob` as, and its submit's result;
 * - its admission: validation and price, then requests.service.ts `storeRequest` (the engine's
 *   admission: concurrency, upfront, priority, insert of the request and its jobs, horde tax,
 *   shared key, feeds woken).
 *
 * The engine's entry points for a kind's module (all through jobs.service.ts): `checkInWorker`
 * (workers.service.ts), `claimJobs` / `heldJobLimit` for a pop, `deps.feeds.open` for a feed,
 * `submitJob` with a {@link PriceJob} for a submit, `storeRequest` for a request.
 *
 * The image kind is defined here (it is the engine's first user and its batch claim lives in
 * jobs.service.ts); text and alchemy register theirs from their own modules.
 */
import type { WakeHint } from "../../infra/pubsub.ts";
import type { WorkerColumns } from "../workers/workers.rules.ts";
import type { SettlementBasis } from "./jobs.settle.sql.ts";
import type { Kind } from "./jobs.sql.ts";

export type { Kind } from "./jobs.sql.ts";

/** What every worker declares on pop or subscription, whatever its kind (defaults applied). */
export interface WorkerDeclaration {
  kind: Kind;
  name: string;
  /** image and text: models served; alchemy: the forms it does */
  models: string[];
  nsfw: boolean;
  amount: number;
  threads: number;
  bridgeAgent: string;
  maxConcurrentJobs: number;
}

export type { WorkerColumn, WorkerColumns } from "../workers/workers.rules.ts";

/** What a submitted job costs, pays and counts for, as its kind computes it from the basis. */
export interface JobMoney {
  /** the job's price (recorded on the job) */
  price: number;
  /** what the worker's owner is credited, and the part of it held in escrow */
  reward: number;
  escrow: number;
  /** what the requester is charged, and the part of that burned as a surcharge */
  charge: number;
  burned: number;
  /** what the job counts for (pixelsteps, tokens, 1 form); null lets the engine count pixelsteps */
  things: number | null;
}

/** Prices a submitted, not-FAULTED job from what the engine read of it. */
export type PriceJob = (basis: SettlementBasis) => JobMoney;

/**
 * How dropped jobs (a FAULTED submit, a TTL that ran out) count:
 * - `request` (image, text): a request faults once more than MAX_FAULTED_JOBS distinct workers
 *   dropped its jobs; a FAULTED job is replaced by a new WAITING one;
 * - `job` (alchemy): each job (a form) stands alone; after MAX_JOB_ABORTS drops it faults by
 *   itself and the request goes on with its other forms.
 */
export type FaultPolicy = "request" | "job";

/** A kind of work, as the engine sees it. */
export interface JobKind<D extends WorkerDeclaration = WorkerDeclaration> {
  kind: Kind;
  faults: FaultPolicy;
  /** The workers row's columns this kind's check-in writes. */
  workerColumns(d: D): WorkerColumns;
  /** Whether a feed with this declaration could take the request a wake-up announces (SQL decides for real). */
  mightTake(d: D, hint: WakeHint): boolean;
}

const kinds = new Map<Kind, JobKind>();

/** Registers a kind (once per process, at module load; a second registration replaces the first). */
export function defineKind<D extends WorkerDeclaration>(k: JobKind<D>): JobKind<D> {
  kinds.set(k.kind, k as unknown as JobKind);
  return k;
}

/** The registered kind; throws for a kind whose module was never loaded (a wiring error). */
export function kindOf(kind: Kind): JobKind {
  const k = kinds.get(kind);
  if (!k) throw new Error(`no job kind '${kind}' is registered`);
  return k;
}

/** The feed's guess that every kind shares: its kind, its owner's requests in maintenance, its models. */
export function commonMightTake(d: WorkerDeclaration, hint: WakeHint): boolean {
  if (hint.kind !== d.kind) return false;
  if (hint.nsfw && !d.nsfw) return false;
  return hint.models.length === 0 || hint.models.some((m) => d.models.includes(m));
}
