/**
 * The worker side of the image queue: claiming jobs (an HTTP pop or a feed) and settling them
 * (a submit, or a TTL that ran out). Each path is one straight line: the resolver calls one
 * function here, which checks the caller, reads under a lock, asks one pure rule of
 * `jobs.rules.ts` what to do, writes it (this module's SQL; kudos, workers and shared keys
 * through their services), then publishes the events.
 */
import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import { baselineMultiplier } from "../models/models.rules.ts";
import { modelCatalog } from "../models/models.service.ts";
import { hordeModes, workerGate } from "../moderation/moderation.service.ts";
import { MAX_FAULTED_JOBS } from "../queue/queue.rules.ts";
import { rewardEscrow } from "../trust/escrow.rules.ts";
import { suspectWorker } from "../trust/suspicion.service.ts";
import { afterSettled } from "../trust/trust.service.ts";
import type { Viewer } from "../users/users.service.ts";
import type { ImageWorkerDeclaration, PopInput } from "../workers/workers.rules.ts";
import { assertNotInMaintenance, checkInImageWorker, logAbortedJobs } from "../workers/workers.service.ts";
import type { CheckedInWorker } from "../workers/workers.sql.ts";
import { checkGenMetadata, type GenMetadataEntry, stateWithMetadata } from "./gen-metadata.rules.ts";
import { checkSubmittedImage } from "./images.rules.ts";
import { claimBudget, heldJobLimit, type SubmitState, safeBatchAmount, settleJob } from "./jobs.rules.ts";
import {
  afterFault,
  diagnoseSubmit,
  type FinishedJob,
  finishJob,
  settleImageJob,
  settlementBasis,
} from "./jobs.settle.sql.ts";
import {
  type ClaimedJob,
  claimMoreOfRequest,
  claimNextJob,
  type ReleasedJob,
  readWakeFacts,
  requeueExpiredJobs,
} from "./jobs.sql.ts";

/** What one claim took, and the worker's free slots before it (so after it: `room − jobs.length`). */
export interface ClaimResult {
  jobs: ClaimedJob[];
  room: number;
}

/**
 * Claims jobs for a worker: at most `want`, its declared batch `amount`, and never more than
 * `limit` held at once. The common case (one job) is one statement, `claimNextJob`, which
 * counts the worker's held jobs under its lock and enforces `limit` itself. A batching worker
 * (amount > 1) claims its first job the same way, then, in the same transaction (so still under
 * the worker's lock), more of the same request as far as `claimBudget` and its pixel budget
 * allow (the AI Horde's safe amount). Publishes the requests' changes after commit.
 */
export async function claimJobs(
  deps: Deps,
  worker: CheckedInWorker,
  d: ImageWorkerDeclaration,
  a: { want: number; limit: number },
): Promise<ClaimResult> {
  const now = deps.clock.now();
  if (Math.min(a.want, d.amount) <= 0) return { jobs: [], room: 0 };
  const result =
    Math.min(a.want, d.amount) === 1
      ? await claimOne(deps.db, worker.id, now, a.limit)
      : await deps.db.tx((sql) => claimBatch(deps, sql, worker, d, { ...a, now }));
  deps.metrics.claimed("image", result.jobs, now);
  for (const id of new Set(result.jobs.map((j) => j.request_id))) {
    deps.bus.publish("requestChanged", { id, ended: false });
  }
  return result;
}

async function claimOne(sql: Sql, workerId: string, now: Date, limit: number): Promise<ClaimResult> {
  const { job, room } = await claimNextJob(sql, workerId, now, limit);
  return { jobs: job ? [job] : [], room };
}

/** A batching worker's claim, inside one transaction: the first job, then more of its request. */
async function claimBatch(
  deps: Deps,
  sql: Sql,
  worker: CheckedInWorker,
  d: ImageWorkerDeclaration,
  a: { want: number; limit: number; now: Date },
): Promise<ClaimResult> {
  const { job: first, room } = await claimNextJob(sql, worker.id, a.now, a.limit);
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
 * `maxConcurrentJobs` held at once, whatever the feed believes it holds.
 */
export function claimFor(
  deps: Deps,
  worker: CheckedInWorker,
  d: ImageWorkerDeclaration,
  slots: number,
): Promise<ClaimResult> {
  return claimJobs(deps, worker, d, { want: slots, limit: heldJobLimit("feed", d) });
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
  const { jobs } = await claimJobs(deps, worker, declaration, {
    want: declaration.amount,
    limit: heldJobLimit("pop", declaration),
  });
  if (jobs.length === 0) await assertNotInMaintenance(deps, worker.id);
  return { jobs, worker };
}

export interface SubmitInput {
  id: string;
  image?: string | null;
  seed: string;
  state?: SubmitState | null;
  /** What the worker reports about the generation (checked by {@link checkGenMetadata}). */
  genMetadata?: readonly GenMetadataEntry[] | null;
}

const SUBMIT_MESSAGES = {
  InvalidJobID: "No such job",
  WrongCredentials: "This job is held by another user's worker",
  DuplicateGen: "This job was already submitted",
  AbortedGen: "This job is no longer yours: it ran out of time and went back to the queue, or was withdrawn",
  Expired: "This job ran out of time and went back to the queue",
} as const;

/**
 * What follows jobs taken back from their workers because their TTL ran out, wherever that was
 * noticed (the sweep, or a submit that came too late): the workers' dropped jobs are logged
 * (maintenance for a worker that drops too many), their feeds get the slots back, a request
 * faults once more than `MAX_FAULTED_JOBS` distinct workers dropped its jobs, and the other
 * requests wake feeds for their re-queued jobs. One path for both, so a timeout noticed by a
 * late submit is handled exactly as the sweep would handle it.
 */
/**
 * Counts dropped jobs; a worker over the threshold gets suspicion `TOO_MANY_JOBS_ABORTED`.
 * `raid` is read by the caller before any transaction it runs in (the modes are read through the
 * pool, which on PGlite's one connection would wait for that transaction).
 */
async function dropped(
  deps: Deps,
  drops: Parameters<typeof logAbortedJobs>[1],
  sql: Sql,
  raid: boolean,
): Promise<void> {
  const tripped = await logAbortedJobs(deps, drops, sql, { raid });
  for (const workerId of tripped) await suspectWorker(deps, workerId, "TOO_MANY_JOBS_ABORTED", sql);
}

export async function afterReleased(deps: Deps, released: ReleasedJob[]): Promise<void> {
  if (released.length === 0) return;
  deps.metrics.timedOut("image", released.length);
  const byWorker = new Map<string, string[]>();
  const byRequest = new Map<string, number>();
  for (const r of released) {
    byWorker.set(r.worker_id, [...(byWorker.get(r.worker_id) ?? []), r.id]);
    byRequest.set(r.request_id, (byRequest.get(r.request_id) ?? 0) + 1);
  }
  const drops = [...byWorker].map(([workerId, ids]) => ({ workerId, jobs: ids.length, cause: "timeout" as const }));
  await dropped(deps, drops, deps.db, (await hordeModes(deps)).raid);
  for (const [workerId, jobIds] of byWorker) deps.bus.publish("workerSlotFreed", { workerId, jobIds });
  const now = deps.clock.now();
  for (const [requestId, count] of byRequest) {
    const { faulted } = await afterFault(deps.db, requestId, false, MAX_FAULTED_JOBS, now);
    deps.bus.publish("requestChanged", { id: requestId, ended: faulted });
    if (faulted) continue;
    const r = await readWakeFacts(deps.db, requestId);
    if (r) deps.bus.publish("jobsAvailable", { requestId, count, ...r, userId: r.user_id });
  }
}

/**
 * Takes back the jobs whose TTL ran out, inside the caller's transaction (the sweep's, which
 * holds its advisory lock); the caller then hands the result to {@link afterReleased}.
 */
export function takeBackExpiredJobs(sql: Sql, now: Date): Promise<ReleasedJob[]> {
  return requeueExpiredJobs(sql, now);
}

/** Checks a submit's caller and input, before anything is stored. */
function checkSubmit(
  viewer: Viewer,
  input: SubmitInput,
): { state: SubmitState; seed: string; genMetadata: GenMetadataEntry[] | null } {
  if (viewer.anonymous) {
    throw new ForbiddenError("AnonForbidden", "Anonymous cannot run workers; register first");
  }
  if (viewer.sharedKeyId) {
    throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot run workers; submit with the owner's key");
  }
  if (!isUuid(input.id)) throw new NotFoundError("InvalidJobID", SUBMIT_MESSAGES.InvalidJobID);
  const seed = input.seed.trim();
  if (!/^-?\d{1,20}$/.test(seed)) throw new ValidationError("InvalidSeed", "seed must be an integer", "seed");
  const entries = input.genMetadata ?? [];
  const problem = checkGenMetadata(entries);
  if (problem) throw new ValidationError(problem.code, problem.message, "genMetadata");
  const state = stateWithMetadata(input.state ?? "ok", entries);
  if (state !== "faulted" && !input.image) {
    throw new ValidationError("MissingImage", "An image is required unless the state is FAULTED", "image");
  }
  return { state, seed, genMetadata: entries.length > 0 ? [...entries] : null };
}

type SettleOutcome =
  | { ok: true; job: FinishedJob; reward: number; replaced: boolean }
  | { ok: false; failure: Awaited<ReturnType<typeof diagnoseSubmit>> };

/**
 * `submitImageJob`: checks the caller and the input, stores the image, then settles the job in
 * one transaction (see {@link settle}); publishes the changes after commit. A submit that lost
 * its job deletes the image it stored and says why.
 */
export async function submitImageJob(deps: Deps, viewer: Viewer, input: SubmitInput): Promise<{ reward: number }> {
  const { state, seed, genMetadata } = checkSubmit(viewer, input);
  let imageKey: string | null = null;
  if (state !== "faulted" && input.image) {
    const checked = await checkSubmittedImage(input.image, deps.config.maxImageBytes);
    if (!checked.ok) throw new ValidationError(checked.code, checked.message, "image");
    imageKey = await deps.blobs.put(checked.bytes, checked.header.format);
  }
  const now = deps.clock.now();
  let outcome: SettleOutcome;
  try {
    outcome = await settle(deps, viewer, { jobId: input.id, state, imageKey, seed, genMetadata, now });
  } catch (err) {
    if (imageKey) await dropBlob(deps, imageKey);
    throw err;
  }
  if (!outcome.ok) {
    if (imageKey) await dropBlob(deps, imageKey);
    return refuseSubmit(deps, outcome.failure, now);
  }
  const job = outcome.job;
  deps.metrics.settled("image", state);
  deps.bus.publish("workerSlotFreed", { workerId: job.worker_id, jobIds: [job.id] });
  deps.bus.publish("requestChanged", { id: job.request_id, ended: false });
  if (outcome.replaced) {
    deps.bus.publish("jobsAvailable", {
      requestId: job.request_id,
      count: 1,
      models: job.models,
      pixels: job.pixels,
      nsfw: job.nsfw,
      userId: job.requester,
    });
  }
  return { reward: outcome.reward };
}

/** Deletes a stored image nothing refers to; a failure only leaves an orphan blob, so it is logged. */
async function dropBlob(deps: Deps, key: string): Promise<void> {
  try {
    await deps.blobs.delete(key);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, key }, "could not delete an unused blob");
  }
}

/** Turns a failed compare-and-set into its error; a late submit re-queues what ran out first. */
async function refuseSubmit(
  deps: Deps,
  failure: Extract<SettleOutcome, { ok: false }>["failure"],
  now: Date,
): Promise<never> {
  if (failure === "Expired") {
    await afterReleased(deps, await requeueExpiredJobs(deps.db, now));
    throw new ConflictError("AbortedGen", SUBMIT_MESSAGES.Expired);
  }
  if (failure === "InvalidJobID") throw new NotFoundError("InvalidJobID", SUBMIT_MESSAGES.InvalidJobID);
  if (failure === "WrongCredentials") throw new ForbiddenError("WrongCredentials", SUBMIT_MESSAGES.WrongCredentials);
  throw new ConflictError(failure, SUBMIT_MESSAGES[failure]);
}

/**
 * The settlement. FAULTED: the compare-and-set (`finishJob`), the worker's dropped job logged and
 * the job replaced (or the request faulted), in one transaction. Otherwise `settleJob` prices it
 * from the job's model (read first, without a lock) and the whole settlement (compare-and-set,
 * statistics, ledger, shared key's budget) is one statement, `settleImageJob`, so no lock is held
 * across a round trip; a failed compare-and-set is then diagnosed. Lock order: docs/KUDOS.md.
 */
async function settle(
  deps: Deps,
  viewer: Viewer,
  a: {
    jobId: string;
    state: SubmitState;
    imageKey: string | null;
    seed: string;
    genMetadata: GenMetadataEntry[] | null;
    now: Date;
  },
): Promise<SettleOutcome> {
  const { state } = a;
  if (state === "faulted") {
    const { raid } = await hordeModes(deps);
    return deps.db.tx(async (sql): Promise<SettleOutcome> => {
      const job = await finishJob(sql, { ...a, ownerId: viewer.userId });
      if (!job) return { ok: false, failure: await diagnoseSubmit(sql, a.jobId, viewer.userId, a.now) };
      const { replaced } = await afterFault(sql, job.request_id, true, MAX_FAULTED_JOBS, a.now);
      await dropped(deps, [{ workerId: job.worker_id, jobs: 1, cause: "faulted" }], sql, raid);
      return { ok: true, job, reward: 0, replaced };
    });
  }
  const basis = await settlementBasis(deps.db, a.jobId);
  const baseline = basis?.model ? modelCatalog(deps).byName.get(basis.model)?.baseline : undefined;
  const hiresFix = (basis?.params as { hiresFix?: boolean } | undefined)?.hiresFix === true;
  const money = settleJob({
    state,
    jobKudos: Number(basis?.job_kudos ?? 0),
    multiplier: baseline ? baselineMultiplier(baseline, { hiresFix }) : 1,
    surcharges: { fastOnly: basis?.fast_only === true, blacklist: basis?.blacklist === true },
    escrowOf: rewardEscrow(viewer), // trust: always, as the AI Horde (docs/KUDOS.md)
  });
  const job =
    basis &&
    (await settleImageJob(deps.db, {
      jobId: a.jobId,
      ownerId: viewer.userId,
      state,
      imageKey: a.imageKey,
      seed: a.seed,
      genMetadata: a.genMetadata,
      model: basis.model,
      kudos: money.price,
      reward: money.reward,
      charge: money.charge,
      burned: money.burned,
      escrow: money.escrow,
      expiresAt: new Date(a.now.getTime() + deps.config.requestExpirySeconds * 1000),
      now: a.now,
    }));
  if (!job) return { ok: false, failure: await diagnoseSubmit(deps.db, a.jobId, viewer.userId, a.now) };
  await afterSettled(deps, job, money.escrow);
  return { ok: true, job, reward: money.reward, replaced: false };
}
