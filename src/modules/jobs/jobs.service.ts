import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { fromCents, scaleCents, toCents } from "../../lib/money.ts";
import { baselineMultiplier } from "../models/models.rules.ts";
import { modelCatalog } from "../models/models.service.ts";
import type { Viewer } from "../users/users.service.ts";
import type { ImageWorkerDeclaration, PopInput } from "../workers/workers.rules.ts";
import { checkInImageWorker } from "../workers/workers.service.ts";
import type { CheckedInWorker } from "../workers/workers.sql.ts";
import { checkSubmittedImage } from "./images.rules.ts";
import { MAX_FAULTED_JOBS, safeBatchAmount } from "./jobs.rules.ts";
import {
  afterFault,
  type ClaimedJob,
  claimImageJob,
  claimMoreOfRequest,
  diagnoseSubmit,
  finishJob,
  type ReleasedJob,
  requeueExpiredJobs,
  settleImageJob,
  settlementBasis,
} from "./jobs.sql.ts";

/**
 * Claims up to `slots` jobs for a worker: the best job it may take, then, for a batching worker,
 * more of the same request as far as its pixel budget allows (the AI Horde's safe amount).
 * Publishes the requests' changes after the claims.
 */
export async function claimFor(
  deps: Deps,
  worker: CheckedInWorker,
  d: ImageWorkerDeclaration,
  slots: number,
): Promise<ClaimedJob[]> {
  const now = deps.clock.now();
  const first = await claimImageJob(deps.db, worker.id, now);
  if (!first) return [];
  const jobs = [first];
  const want = Math.min(slots, d.amount);
  if (want > 1) {
    const params = first.params as { postProcessing?: string[] };
    const baseline = modelCatalog(deps).byName.get(first.model)?.baseline;
    const safe = safeBatchAmount({
      maxPixels: d.maxPixels,
      amount: want,
      width: first.width,
      height: first.height,
      postProcessors: params.postProcessing ?? [],
      heavy: false,
      remaining: want,
      baseline,
    });
    if (safe > 1)
      jobs.push(...(await claimMoreOfRequest(deps.db, worker.id, first.request_id, first.model, safe - 1, now)));
  }
  deps.bus.publish("requestChanged", { id: first.request_id, ended: false });
  return jobs;
}

/** `popImageJob`: check in (registering the worker on first use), then claim. */
export async function popImageJobs(
  deps: Deps,
  viewer: Viewer,
  input: PopInput,
): Promise<{ jobs: ClaimedJob[]; worker: CheckedInWorker }> {
  const { worker, declaration } = await checkInImageWorker(deps, viewer, input);
  const jobs = await claimFor(deps, worker, declaration, declaration.amount);
  if (jobs.length === 0) {
    // The check-in may be a recent one reused; read maintenance from the row, as the claim did.
    const rows = await deps.db.query<{ maintenance: boolean; maintenance_msg: string | null }>(
      "SELECT maintenance, maintenance_msg FROM workers WHERE id = $1",
      [worker.id],
    );
    if (rows[0]?.maintenance) {
      throw new ForbiddenError(
        "WorkerMaintenance",
        rows[0].maintenance_msg ?? "This worker is in maintenance; it only receives its owner's requests",
      );
    }
  }
  return { jobs, worker };
}

export interface SubmitInput {
  id: string;
  image?: string | null;
  seed: string;
  state?: "ok" | "censored" | "faulted" | "csam" | null;
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
 * noticed (the sweep, or a submit that came too late): their workers' feeds get the slots back,
 * a request whose jobs have now timed out or faulted more than `MAX_FAULTED_JOBS` times faults,
 * and the other requests wake feeds for their re-queued jobs. One path for both, so a timeout
 * noticed by a late submit faults the request and wakes a worker exactly as the sweep would.
 */
export async function afterReleased(deps: Deps, released: ReleasedJob[]): Promise<void> {
  if (released.length === 0) return;
  const byWorker = new Map<string, string[]>();
  const byRequest = new Map<string, number>();
  for (const r of released) {
    byWorker.set(r.worker_id, [...(byWorker.get(r.worker_id) ?? []), r.id]);
    byRequest.set(r.request_id, (byRequest.get(r.request_id) ?? 0) + 1);
  }
  for (const [workerId, jobIds] of byWorker) deps.bus.publish("workerSlotFreed", { workerId, jobIds });
  const now = deps.clock.now();
  for (const [requestId, count] of byRequest) {
    const { faulted } = await afterFault(deps.db, requestId, false, MAX_FAULTED_JOBS, now);
    deps.bus.publish("requestChanged", { id: requestId, ended: faulted });
    if (faulted) continue;
    const rows = await deps.db.query<{ models: string[]; pixels: number; nsfw: boolean; user_id: number }>(
      "SELECT models, width * height AS pixels, nsfw, user_id FROM requests WHERE id = $1",
      [requestId],
    );
    const r = rows[0];
    if (r) {
      deps.bus.publish("jobsAvailable", {
        requestId,
        count,
        models: r.models,
        pixels: r.pixels,
        nsfw: r.nsfw,
        userId: r.user_id,
      });
    }
  }
}

/**
 * `submitImageJob`: stores the image, then settles the job in one transaction: the
 * compare-and-set that makes a submit count once, the statistics, and the kudos (the worker's
 * owner earns the job's price; the requester pays it unless the image was withheld). A FAULTED
 * submit re-queues a replacement job until the request has faulted too often.
 */
export async function submitImageJob(deps: Deps, viewer: Viewer, input: SubmitInput): Promise<{ reward: number }> {
  if (viewer.anonymous || viewer.sharedKeyId) {
    throw new ForbiddenError("AnonForbidden", "Only a worker's owner, with their own key, can submit its jobs");
  }
  if (!isUuid(input.id)) throw new NotFoundError("InvalidJobID", SUBMIT_MESSAGES.InvalidJobID);
  const state = input.state ?? "ok";
  if (!/^-?\d{1,20}$/.test(input.seed.trim()))
    throw new ValidationError("InvalidSeed", "seed must be an integer", "seed");
  let imageKey: string | null = null;
  if (state !== "faulted") {
    if (!input.image)
      throw new ValidationError("MissingImage", "An image is required unless the state is FAULTED", "image");
    const checked = await checkSubmittedImage(input.image, deps.config.maxImageBytes);
    if (!checked.ok) throw new ValidationError(checked.code, checked.message, "image");
    imageKey = await deps.blobs.put(checked.bytes, checked.header.format);
  }
  const now = deps.clock.now();
  let outcome: Awaited<ReturnType<typeof settle>>;
  try {
    outcome = await settle(deps, viewer, input.id, state, imageKey, input.seed.trim(), now);
  } catch (err) {
    if (imageKey) await deps.blobs.delete(imageKey);
    throw err;
  }
  if (!outcome.ok) {
    if (imageKey) await deps.blobs.delete(imageKey);
    if (outcome.failure === "Expired") {
      await afterReleased(deps, await requeueExpiredJobs(deps.db, now));
      throw new ConflictError("AbortedGen", SUBMIT_MESSAGES.Expired);
    }
    if (outcome.failure === "InvalidJobID") throw new NotFoundError("InvalidJobID", SUBMIT_MESSAGES.InvalidJobID);
    if (outcome.failure === "WrongCredentials")
      throw new ForbiddenError("WrongCredentials", SUBMIT_MESSAGES.WrongCredentials);
    throw new ConflictError(outcome.failure, SUBMIT_MESSAGES[outcome.failure]);
  }
  const job = outcome.job;
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

/**
 * Settles a submitted job. FAULTED: the compare-and-set and the replacement job in one
 * transaction. Otherwise the price is computed from the job's model (read first, no lock) and
 * the whole settlement is one statement (jobs.sql.ts, settleImageJob), so no lock is held across
 * a round trip; a failed compare-and-set is then diagnosed.
 */
async function settle(
  deps: Deps,
  viewer: Viewer,
  jobId: string,
  state: "ok" | "censored" | "faulted" | "csam",
  imageKey: string | null,
  seed: string,
  now: Date,
) {
  if (state === "faulted") {
    return deps.db.tx(async (sql) => {
      const job = await finishJob(sql, { jobId, ownerId: viewer.userId, state, imageKey, seed, now });
      if (!job) return { ok: false as const, failure: await diagnoseSubmit(sql, jobId, viewer.userId, now) };
      const { replaced } = await afterFault(sql, job.request_id, true, MAX_FAULTED_JOBS, now);
      return { ok: true as const, job, reward: 0, replaced };
    });
  }
  const basis = await settlementBasis(deps.db, jobId);
  const baseline = basis?.model ? modelCatalog(deps).byName.get(basis.model)?.baseline : undefined;
  const hiresFix = (basis?.params as { hiresFix?: boolean } | undefined)?.hiresFix === true;
  const multiplier = baseline ? baselineMultiplier(baseline, { hiresFix }) : 1;
  const kudos = fromCents(scaleCents(toCents(Number(basis?.job_kudos ?? 0)), multiplier));
  const charge = state === "ok" ? kudos : 0;
  const job =
    basis &&
    (await settleImageJob(deps.db, {
      jobId,
      ownerId: viewer.userId,
      state,
      imageKey,
      seed,
      model: basis.model,
      kudos,
      reward: kudos,
      charge,
      expiresAt: new Date(now.getTime() + deps.config.requestExpirySeconds * 1000),
      now,
    }));
  if (!job) return { ok: false as const, failure: await diagnoseSubmit(deps.db, jobId, viewer.userId, now) };
  return { ok: true as const, job, reward: kudos, replaced: false };
}
