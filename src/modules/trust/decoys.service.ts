import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import type { SubmitState } from "../jobs/jobs.rules.ts";
import type { ClaimedJob } from "../jobs/jobs.sql.ts";
import { baselineMultiplier } from "../models/models.rules.ts";
import { modelCatalog } from "../models/models.service.ts";
import type { Viewer } from "../users/users.service.ts";
import { decoyReward, decoySubmitOutcome } from "./decoys.rules.ts";
import { deleteOldDecoys, insertDecoyJob, pickDecoyRequest, takeDecoyJob } from "./decoys.sql.ts";

/** The errors a decoy's submit gives, worded as a real job's. */
const DECOY_ERRORS = {
  WrongCredentials: () => new ForbiddenError("WrongCredentials", "This job is held by another user's worker"),
  DuplicateGen: () => new ConflictError("DuplicateGen", "This job was already submitted"),
  AbortedGen: () => new ConflictError("AbortedGen", "This job ran out of time and went back to the queue"),
} as const;

/**
 * A decoy for a paused worker (reference §3.3 step 8), or null when the worker is not paused or
 * no request fits: a job shaped exactly like a real one, built from a waiting request the worker
 * could have served were it not paused, never one of its owner's and never the same request
 * twice. It shows what a real job of that request would show, nothing more; the real jobs stay
 * in the queue. The pop or feed calls it when a paused worker's claim found nothing.
 */
export async function handDecoy(deps: Deps, workerId: string): Promise<ClaimedJob | null> {
  const now = deps.clock.now();
  const decoy = await deps.db.tx(async (sql) => {
    const pick = await pickDecoyRequest(sql, workerId, now);
    if (!pick?.model) return null;
    const baseline = modelCatalog(deps).byName.get(pick.model)?.baseline;
    const hiresFix = (pick.params as { hiresFix?: boolean }).hiresFix === true;
    const reward = decoyReward({
      jobKudos: Number(pick.job_kudos),
      multiplier: baseline ? baselineMultiplier(baseline, { hiresFix }) : 1,
    });
    const deadline = new Date(now.getTime() + pick.ttl * 1000);
    const id = await insertDecoyJob(sql, { workerId, reward, deadline, now });
    const { job_kudos: _k, ...shown } = pick;
    return { ...shown, id, deadline } satisfies ClaimedJob;
  });
  if (decoy) deps.logger.info({ worker: workerId }, "paused worker handed a decoy job");
  return decoy;
}

/**
 * A decoy's submit, or null when `jobId` is no decoy (the caller then answers InvalidJobID as
 * before). Answers the reward the real job would have paid and moves nothing; its errors are a
 * real job's. The submitted image is not kept (the caller drops it, as for any failed submit).
 * The worker's feed is told the slot is free, as after a real submit.
 */
export async function submitDecoy(
  deps: Deps,
  viewer: Viewer,
  a: { jobId: string; state: SubmitState; now: Date },
): Promise<{ reward: number } | null> {
  const row = await takeDecoyJob(deps.db, a.jobId, viewer.userId, a.now);
  if (!row) return null;
  const outcome = decoySubmitOutcome(row, { userId: viewer.userId, state: a.state });
  if (!outcome.ok) throw DECOY_ERRORS[outcome.code]();
  deps.bus.publish("workerSlotFreed", { workerId: row.worker_id, jobIds: [a.jobId] });
  return { reward: outcome.reward };
}

/**
 * The submit path's hook: when a submit failed with InvalidJobID (no such job), the id may be a
 * decoy's; answers it as {@link submitDecoy} does, or null (the caller rethrows its error). Real
 * submits never reach it, so they pay nothing for decoys.
 */
export async function answerIfDecoy(
  deps: Deps,
  viewer: Viewer,
  err: unknown,
  a: { jobId: string; state: SubmitState },
): Promise<{ reward: number } | null> {
  if (!(err instanceof NotFoundError) || err.code !== "InvalidJobID" || !isUuid(a.jobId)) return null;
  return submitDecoy(deps, viewer, { ...a, now: deps.clock.now() });
}

/** Decoys are kept this long: far past any ttl, so a late submit still answers like a job. */
export const DECOY_KEEP_MS = 24 * 3600 * 1000;

/** Deletes decoys handed out over {@link DECOY_KEEP_MS} ago (an hourly task); returns how many. */
export function forgetOldDecoys(deps: Pick<Deps, "db" | "clock">): Promise<number> {
  return deleteOldDecoys(deps.db, new Date(deps.clock.now().getTime() - DECOY_KEEP_MS));
}
