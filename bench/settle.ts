/**
 * The settlement of an OK job exactly as `submitImageJob` runs it once the image is stored, for
 * the raw loops (no HTTP, no image check, no blob write): the price's basis read without a lock,
 * then the one settlement statement (jobs.sql.ts settleJob), autocommit.
 */
import type { Db } from "../src/infra/db.ts";
import { settleJob, settlementBasis } from "../src/modules/jobs/jobs.settle.sql.ts";

/** Settles a claimed job as OK for its worker's owner; throws if the job was lost. */
export async function settleClaimedJob(db: Db, jobId: string, ownerId: number): Promise<void> {
  const now = new Date();
  const basis = await settlementBasis(db, jobId);
  if (!basis) throw new Error("no such job");
  const kudos = Number(basis.job_kudos);
  const f = await settleJob(db, {
    jobId,
    ownerId,
    state: "ok",
    imageKey: "x.png",
    seed: "1",
    model: basis.model,
    kudos,
    reward: kudos,
    charge: kudos,
    expiresAt: new Date(now.getTime() + 1_200_000),
    now,
  });
  if (!f) throw new Error("lost job");
}
