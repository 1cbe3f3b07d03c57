/**
 * The engine's service (issue 12: one engine for image, text and alchemy), and the image kind's
 * worker side. Claims for any kind (an HTTP pop or a feed: {@link claimJobs}), the settlement of
 * any kind (jobs.settle.ts, re-exported here), the kinds' registry (kinds.ts), and the image
 * pop and submit. Each path is one straight line: the resolver calls one function here, which
 * checks the caller, reads under a lock, asks one pure rule what to do, writes it (this module's
 * SQL; kudos, workers and shared keys through their services), then publishes the events. Other
 * modules (text, alchemy) reach the engine only through this file.
 */
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { baselineMultiplier } from "../models/models.rules.ts";
import { modelCatalog } from "../models/models.service.ts";
import { workerGate } from "../moderation/moderation.service.ts";
import { answerIfDecoy, handDecoy } from "../trust/decoys.service.ts";
import { rewardEscrow } from "../trust/escrow.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import type { ImageWorkerDeclaration, PopInput } from "../workers/workers.rules.ts";
import { assertNotInMaintenance, checkInImageWorker } from "../workers/workers.service.ts";
import type { CheckedInWorker } from "../workers/workers.sql.ts";
import type { GenMetadataEntry } from "./gen-metadata.rules.ts";
import "./image.kind.ts";
import { keepAliveForExtraSlow } from "./extra-slow.sql.ts";
import { checkSubmittedImage } from "./images.rules.ts";
import { claimBudget, heldJobLimit, type SubmitState, safeBatchAmount, settleJob } from "./jobs.rules.ts";
import type { SettlementBasis } from "./jobs.settle.sql.ts";
import { assertCanSubmit, submitJob, submittedState } from "./jobs.settle.ts";
import { type ClaimedJob, claimMoreOfRequest, claimNextJob, type Kind } from "./jobs.sql.ts";
import type { JobMoney, WorkerDeclaration } from "./kinds.ts";

export type { SettlementBasis } from "./jobs.settle.sql.ts";
export {
  afterReleased,
  assertCanSubmit,
  type SubmittedJob,
  submitJob,
  submittedState,
  takeBackExpiredJobs,
} from "./jobs.settle.ts";
export type { ClaimedJob, Kind } from "./jobs.sql.ts";
export {
  commonMightTake,
  defineKind,
  type FaultPolicy,
  type JobKind,
  type JobMoney,
  kindOf,
  type PriceJob,
  type WorkerDeclaration,
} from "./kinds.ts";

/** What one claim took, and the worker's free slots before it (so after it: `room − jobs.length`). */
export interface ClaimResult {
  jobs: ClaimedJob[];
  room: number;
}

/**
 * Claims jobs for a worker of any kind: at most `want`, its declared batch `amount`, and never
 * more than `limit` held at once. The common case (one job) is one statement, `claimNextJob`,
 * which counts the worker's held jobs under its lock and enforces `limit` itself. A batching
 * image worker (amount > 1) claims its first job the same way, then, in the same transaction (so
 * still under the worker's lock), more of the same request as far as `claimBudget` and its pixel
 * budget allow (the AI Horde's safe amount). Text and alchemy batches are plain repeated claims
 * (their safe amount is the amount, §3.4), each under the worker's lock. Publishes the requests'
 * changes after commit.
 */
export async function claimJobs(
  deps: Deps,
  worker: CheckedInWorker,
  d: WorkerDeclaration,
  a: { want: number; limit: number; hint?: string },
): Promise<ClaimResult> {
  const now = deps.clock.now();
  const n = Math.min(a.want, d.amount);
  if (n <= 0) return { jobs: [], room: 0 };
  const result =
    n === 1
      ? await claimOne(deps.db, worker.id, now, a.limit, d.kind, a.hint)
      : d.kind === "image"
        ? await deps.db.tx((sql) => claimBatch(deps, sql, worker, d as ImageWorkerDeclaration, { ...a, now }))
        : await claimRepeated(deps.db, worker.id, now, a.limit, d.kind, n, a.hint);
  deps.metrics.claimed(d.kind, result.jobs, now);
  if (worker.extra_slow && result.jobs.length > 0) await keepAliveForExtraSlow(deps.db, result.jobs, now);
  for (const id of new Set(result.jobs.map((j) => j.request_id))) {
    deps.bus.publish("requestChanged", { id, ended: false });
  }
  return result;
}

async function claimOne(
  sql: Sql,
  workerId: string,
  now: Date,
  limit: number,
  kind: Kind,
  hint?: string,
): Promise<ClaimResult> {
  const { job, room } = await claimNextJob(sql, workerId, now, limit, kind, hint);
  return { jobs: job ? [job] : [], room };
}

/** Up to `n` one-job claims, stopping at the first that finds nothing or no room. */
async function claimRepeated(
  sql: Sql,
  workerId: string,
  now: Date,
  limit: number,
  kind: Kind,
  n: number,
  hint?: string,
): Promise<ClaimResult> {
  const first = await claimOne(sql, workerId, now, limit, kind, hint);
  const jobs = [...first.jobs];
  while (jobs.length > 0 && jobs.length < Math.min(n, first.room)) {
    const { job } = await claimNextJob(sql, workerId, now, limit, kind);
    if (!job) break;
    jobs.push(job);
  }
  return { jobs, room: first.room };
}

/** A batching image worker's claim, inside one transaction: the first job, then more of its request. */
async function claimBatch(
  deps: Deps,
  sql: Sql,
  worker: CheckedInWorker,
  d: ImageWorkerDeclaration,
  a: { want: number; limit: number; now: Date; hint?: string },
): Promise<ClaimResult> {
  const { job: first, room } = await claimNextJob(sql, worker.id, a.now, a.limit, "image", a.hint);
  const budget = claimBudget({ want: a.want, amount: d.amount, held: a.limit - room, limit: a.limit });
  if (!first || budget <= 1) return { jobs: first ? [first] : [], room };
  const params = first.params as { postProcessing?: string[] };
  const safe = safeBatchAmount({
    maxPixels: d.maxPixels,
    amount: budget,
    width: first.width,
    height: first.height,
    postProcessors: params.postProcessing ?? [],
    heavy: false,
    remaining: budget,
    baseline: modelCatalog(deps).byName.get(first.model)?.baseline,
  });
  if (safe <= 1) return { jobs: [first], room };
  const more = await claimMoreOfRequest(sql, worker.id, first.request_id, first.model, safe - 1, a.now);
  return { jobs: [first, ...more], room };
}

/**
 * The feed's claim: up to `slots` jobs now, and never more than the worker's declared
 * `maxConcurrentJobs` held at once, whatever the feed believes it holds. `hint`: the one request
 * announced since the feed parked, tried before the queue is walked (claimNextJob).
 */
export function claimFor(
  deps: Deps,
  worker: CheckedInWorker,
  d: WorkerDeclaration,
  slots: number,
  hint?: string,
): Promise<ClaimResult> {
  return claimJobs(deps, worker, d, { want: slots, limit: heldJobLimit("feed", d), hint });
}

/**
 * `popImageJob`: check in (registering the worker on first use), then claim up to `amount`
 * jobs, never more than `threads × amount` held at once. A worker in maintenance that gets
 * nothing is told why.
 */
export async function popImageJobs(
  deps: Deps,
  viewer: Viewer,
  input: PopInput,
): Promise<{ jobs: ClaimedJob[]; worker: CheckedInWorker }> {
  // trust (issue 11): IP blocks, invite-only mode, workers per address, suspicion
  const { worker, declaration } = await checkInImageWorker(deps, viewer, input, workerGate(deps, viewer));
  // trust (issue 11): a paused worker is handed a decoy, not nothing (reference §3.3 step 8)
  const jobs = await popJobs(deps, worker, declaration, () => (worker.paused ? handDecoy(deps, worker.id) : null));
  return { jobs, worker };
}

/**
 * The engine's pop, for any kind, after the kind's check-in: up to the declared `amount` jobs,
 * never more than `threads × amount` held at once. With nothing claimed, `instead` may offer a
 * job (the image kind's decoy for a paused worker); otherwise a worker in maintenance is told
 * why (`WorkerMaintenance`), and any other gets an empty list.
 */
export async function popJobs(
  deps: Deps,
  worker: CheckedInWorker,
  declaration: WorkerDeclaration,
  instead?: () => Promise<ClaimedJob | null> | null,
): Promise<ClaimedJob[]> {
  const { jobs } = await claimJobs(deps, worker, declaration, {
    want: declaration.amount,
    limit: heldJobLimit("pop", declaration),
  });
  if (jobs.length > 0) return jobs;
  const offered = instead ? await instead() : null;
  if (offered) return [offered];
  await assertNotInMaintenance(deps, worker.id);
  return [];
}

export interface SubmitInput {
  id: string;
  image?: string | null;
  seed: string;
  state?: SubmitState | null;
  /** What the worker reports about the generation (checked by `checkGenMetadata`). */
  genMetadata?: readonly GenMetadataEntry[] | null;
}

/**
 * `submitImageJob`: checks the caller and the input, stores the image, then settles the job
 * through the engine ({@link submitJob}) at the image price: the request's job price × the
 * model's baseline multiplier, with the AI Horde's surcharges and escrow (`settleJob` rule). A
 * submit that lost its job deletes the image it stored, and says why.
 */
export async function submitImageJob(deps: Deps, viewer: Viewer, input: SubmitInput): Promise<{ reward: number }> {
  assertCanSubmit(viewer, input.id);
  const seed = input.seed.trim();
  if (!/^-?\d{1,20}$/.test(seed)) throw new ValidationError("InvalidSeed", "seed must be an integer", "seed");
  const { state, genMetadata } = submittedState(input.state, input.genMetadata);
  if (state !== "faulted" && !input.image) {
    throw new ValidationError("MissingImage", "An image is required unless the state is FAULTED", "image");
  }
  let imageKey: string | null = null;
  if (state !== "faulted" && input.image) {
    const checked = await checkSubmittedImage(input.image, deps.config.maxImageBytes);
    if (!checked.ok) throw new ValidationError(checked.code, checked.message, "image");
    imageKey = await deps.blobs.put(checked.bytes, checked.header.format);
  }
  try {
    const { reward } = await submitJob(
      deps,
      viewer,
      { kind: "image", jobId: input.id, state, genMetadata, seed, imageKey },
      (basis) => imagePrice(deps, viewer, basis, state),
    );
    return { reward };
  } catch (err) {
    if (imageKey) await dropBlob(deps, imageKey);
    // trust (issue 11): no such job may be a paused worker's decoy, answered like a job
    const decoy = await answerIfDecoy(deps, viewer, err, { jobId: input.id, state });
    if (decoy) return decoy;
    throw err;
  }
}

/** An image job's money: its request's price × its model's baseline multiplier, surcharges, escrow. */
function imagePrice(deps: Deps, viewer: Viewer, basis: SettlementBasis, state: SubmitState): JobMoney {
  const baseline = basis.model ? modelCatalog(deps).byName.get(basis.model)?.baseline : undefined;
  const hiresFix = (basis.params as { hiresFix?: boolean }).hiresFix === true;
  const money = settleJob({
    state,
    jobKudos: Number(basis.job_kudos),
    multiplier: baseline ? baselineMultiplier(baseline, { hiresFix }) : 1,
    surcharges: { fastOnly: basis.fast_only, blacklist: basis.blacklist },
    escrowOf: rewardEscrow(viewer), // trust: always, as the AI Horde (docs/KUDOS.md)
  });
  return { ...money, things: null };
}

/** Deletes a stored image nothing refers to; a failure only leaves an orphan blob, so it is logged. */
async function dropBlob(deps: Deps, key: string): Promise<void> {
  try {
    await deps.blobs.delete(key);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, key }, "could not delete an unused blob");
  }
}
