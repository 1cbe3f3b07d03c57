/**
 * The engine's settlement, for every kind: a submit (paid, or FAULTED), and what follows jobs
 * taken back when their TTL ran out. Each kind's submit checks and stores its own result, then
 * calls {@link submitJob} with a price callback; everything after that (the compare-and-set, the
 * ledger, the fault policy, the events) is one path for all kinds.
 */
import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import { hordeModes } from "../moderation/moderation.service.ts";
import { MAX_FAULTED_JOBS, MAX_JOB_ABORTS } from "../queue/queue.rules.ts";
import { suspectWorker } from "../trust/suspicion.service.ts";
import { afterSettled } from "../trust/trust.service.ts";
import type { Viewer } from "../users/users.service.ts";
import { logAbortedJobs } from "../workers/workers.service.ts";
import { checkGenMetadata, type GenMetadataEntry, stateWithMetadata } from "./gen-metadata.rules.ts";
import type { SubmitState } from "./jobs.rules.ts";
import {
  afterFault,
  afterJobFault,
  diagnoseSubmit,
  type FinishedJob,
  finishJob,
  settleJob,
  settlementBasis,
} from "./jobs.settle.sql.ts";
import { type Kind, type ReleasedJob, readWakeFacts, requeueExpiredJobs } from "./jobs.sql.ts";
import { kindOf, type PriceJob } from "./kinds.ts";

const SUBMIT_MESSAGES = {
  InvalidJobID: "No such job",
  WrongCredentials: "This job is held by another user's worker",
  DuplicateGen: "This job was already submitted",
  AbortedGen: "This job is no longer yours: it ran out of time and went back to the queue, or was withdrawn",
  Expired: "This job ran out of time and went back to the queue",
  WrongKind: "This job is another kind of work: submit it with that kind's mutation",
} as const;

/** Who may submit: a registered user with their own key (workers are run by their owners). */
export function assertCanSubmit(viewer: Viewer, jobId: string): void {
  if (viewer.anonymous) {
    throw new ForbiddenError("AnonForbidden", "Anonymous cannot run workers; register first");
  }
  if (viewer.sharedKeyId) {
    throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot run workers; submit with the owner's key");
  }
  if (!isUuid(jobId)) throw new NotFoundError("InvalidJobID", SUBMIT_MESSAGES.InvalidJobID);
}

/**
 * The state a submit settles as and its checked metadata: FAULTED as asked, or censorship the
 * worker reports (gen_metadata) turning OK into CENSORED or CSAM.
 */
export function submittedState(
  state: SubmitState | null | undefined,
  genMetadata: readonly GenMetadataEntry[] | null | undefined,
): { state: SubmitState; genMetadata: GenMetadataEntry[] | null } {
  const entries = genMetadata ?? [];
  const problem = checkGenMetadata(entries);
  if (problem) throw new ValidationError(problem.code, problem.message, "genMetadata");
  return { state: stateWithMetadata(state ?? "ok", entries), genMetadata: entries.length > 0 ? [...entries] : null };
}

/** A submit as the engine settles it: the kind's result already checked (and stored, for a blob). */
export interface SubmittedJob {
  kind: Kind;
  jobId: string;
  state: SubmitState;
  genMetadata: GenMetadataEntry[] | null;
  seed?: string | null;
  imageKey?: string | null;
  /** text: the generated text; alchemy: the form's result */
  result?: unknown;
}

type SettleOutcome =
  | { ok: true; job: FinishedJob; reward: number; replaced: boolean; ended: boolean }
  | { ok: false; failure: Awaited<ReturnType<typeof diagnoseSubmit>> | "WrongKind" };

/**
 * Settles a submitted job of any kind: FAULTED (no kudos move; the kind's fault policy decides
 * what follows), or paid at the price `price` computes from what the engine read of the job (its
 * request, model and kind). Throws the submit's typed error when the job is not this worker's to
 * submit. Publishes the changes after commit.
 */
export async function submitJob(
  deps: Deps,
  viewer: Viewer,
  s: SubmittedJob,
  price: PriceJob,
): Promise<{ reward: number; job: FinishedJob }> {
  const now = deps.clock.now();
  const outcome = await settle(deps, viewer, s, price, now);
  if (!outcome.ok) return refuseSubmit(deps, outcome.failure, now);
  const job = outcome.job;
  deps.metrics.settled(s.kind, s.state);
  deps.bus.publish("workerSlotFreed", { workerId: job.worker_id, jobIds: [job.id] });
  deps.bus.publish("requestChanged", { id: job.request_id, ended: outcome.ended });
  if (outcome.replaced) {
    deps.bus.publish("jobsAvailable", {
      kind: job.kind,
      requestId: job.request_id,
      count: 1,
      models: job.models,
      pixels: job.pixels ?? 0,
      nsfw: job.nsfw,
      userId: job.requester,
    });
  }
  return { reward: outcome.reward, job };
}

/**
 * The settlement. FAULTED: the compare-and-set (`finishJob`), the worker's dropped job logged and
 * the kind's fault policy applied, in one transaction. Otherwise the price is computed from the
 * job's basis (read first, without a lock) and the whole settlement (compare-and-set, statistics,
 * ledger, shared key's budget) is one statement, `settleJob`, so no lock is held across a round
 * trip; a failed compare-and-set is then diagnosed. Lock order: docs/KUDOS.md.
 */
async function settle(deps: Deps, viewer: Viewer, s: SubmittedJob, price: PriceJob, now: Date): Promise<SettleOutcome> {
  if (s.state === "faulted") {
    const { raid } = await hordeModes(deps);
    return deps.db.tx(async (sql): Promise<SettleOutcome> => {
      const job = await finishJob(sql, {
        jobId: s.jobId,
        ownerId: viewer.userId,
        state: "faulted",
        imageKey: null,
        seed: s.seed ?? null,
        genMetadata: s.genMetadata,
        now,
      });
      if (!job) return { ok: false, failure: await diagnoseSubmit(sql, s.jobId, viewer.userId, now) };
      if (job.kind !== s.kind) throw new ConflictError("WrongKind", SUBMIT_MESSAGES.WrongKind);
      const after = await faultPolicy(sql, job, true, now);
      await dropped(deps, [{ workerId: job.worker_id, jobs: 1, cause: "faulted" }], sql, raid);
      return { ok: true, job, reward: 0, replaced: after.replaced, ended: after.ended };
    });
  }
  const basis = await settlementBasis(deps.db, s.jobId);
  if (basis && basis.kind !== s.kind) return { ok: false, failure: "WrongKind" };
  const money = basis ? price(basis) : null;
  const job =
    basis &&
    money &&
    (await settleJob(deps.db, {
      jobId: s.jobId,
      ownerId: viewer.userId,
      state: s.state,
      imageKey: s.imageKey ?? null,
      result: s.result,
      seed: s.seed ?? null,
      genMetadata: s.genMetadata,
      model: basis.model,
      things: money.things,
      kudos: money.price,
      reward: money.reward,
      charge: money.charge,
      burned: money.burned,
      escrow: money.escrow,
      expiresAt: new Date(now.getTime() + deps.config.requestExpirySeconds * 1000),
      now,
    }));
  if (!job || !money) return { ok: false, failure: await diagnoseSubmit(deps.db, s.jobId, viewer.userId, now) };
  await afterSettled(deps, job, money.escrow);
  return { ok: true, job, reward: money.reward, replaced: false, ended: false };
}

/** The job's kind's fault policy, after it was dropped (`replace`: submitted FAULTED; else timed out). */
async function faultPolicy(
  sql: Sql,
  job: { id: string; kind: Kind; request_id: string },
  replace: boolean,
  now: Date,
): Promise<{ faulted: boolean; replaced: boolean; ended: boolean }> {
  if (kindOf(job.kind).faults === "job") return afterJobFault(sql, job.id, replace, MAX_JOB_ABORTS, now);
  const r = await afterFault(sql, job.request_id, replace, MAX_FAULTED_JOBS, now);
  return { ...r, ended: r.faulted };
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

/**
 * What follows jobs taken back from their workers because their TTL ran out, wherever that was
 * noticed (the sweep, or a submit that came too late): the workers' dropped jobs are logged
 * (maintenance for a worker that drops too many), their feeds get the slots back, each job's
 * kind's fault policy runs (a request faults once more than `MAX_FAULTED_JOBS` distinct workers
 * dropped its jobs; an alchemy form faults alone), and the requests still live wake feeds for
 * their re-queued jobs. One path for both, so a timeout noticed by a late submit is handled
 * exactly as the sweep would handle it.
 */
export async function afterReleased(deps: Deps, released: ReleasedJob[]): Promise<void> {
  if (released.length === 0) return;
  const byWorker = new Map<string, string[]>();
  const byRequest = new Map<string, ReleasedJob[]>();
  const byKind = new Map<Kind, number>();
  for (const r of released) {
    byWorker.set(r.worker_id, [...(byWorker.get(r.worker_id) ?? []), r.id]);
    byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), r]);
    byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
  }
  for (const [kind, n] of byKind) deps.metrics.timedOut(kind, n);
  const drops = [...byWorker].map(([workerId, ids]) => ({ workerId, jobs: ids.length, cause: "timeout" as const }));
  await dropped(deps, drops, deps.db, (await hordeModes(deps)).raid);
  for (const [workerId, jobIds] of byWorker) deps.bus.publish("workerSlotFreed", { workerId, jobIds });
  const now = deps.clock.now();
  for (const [requestId, jobs] of byRequest) {
    let ended = false;
    let waiting = 0;
    // a request-wide policy needs one look per request; a per-job one, one per job
    const perJob = kindOf(jobs[0]?.kind ?? "image").faults === "job";
    for (const job of perJob ? jobs : jobs.slice(0, 1)) {
      const after = await faultPolicy(deps.db, job, false, now);
      ended ||= after.ended;
      if (!after.faulted) waiting += perJob ? 1 : jobs.length;
    }
    deps.bus.publish("requestChanged", { id: requestId, ended });
    if (ended || waiting === 0) continue;
    const r = await readWakeFacts(deps.db, requestId);
    if (r) deps.bus.publish("jobsAvailable", { requestId, count: waiting, ...r, userId: r.user_id });
  }
}

/**
 * Takes back the jobs whose TTL ran out, inside the caller's transaction (the sweep's, which
 * holds its advisory lock); the caller then hands the result to {@link afterReleased}.
 */
export function takeBackExpiredJobs(sql: Sql, now: Date): Promise<ReleasedJob[]> {
  return requeueExpiredJobs(sql, now);
}
