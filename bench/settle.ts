/**
 * The settlement of an OK job exactly as `submitImageJob` runs it once the image is stored, for
 * the raw loops (no HTTP, no image check, no blob write). Kept beside the service's code path:
 * the same SQL functions in the same order in one transaction.
 */
import type { Db } from "../src/infra/db.ts";
import { finishJob, recordSettlement } from "../src/modules/jobs/jobs.sql.ts";
import { applyLedger } from "../src/modules/kudos/kudos.sql.ts";

/** Settles a claimed job as OK for its worker's owner; throws if the job was lost. */
export async function settleClaimedJob(db: Db, jobId: string, ownerId: number): Promise<void> {
  await db.tx(async (sql) => {
    const now = new Date();
    const f = await finishJob(sql, { jobId, ownerId, state: "ok", imageKey: "x.png", seed: "1", now });
    if (!f) throw new Error("lost job");
    const kudos = Number(f.job_kudos);
    await recordSettlement(sql, {
      jobId: f.id,
      requestId: f.request_id,
      workerId: f.worker_id,
      kudos,
      reward: kudos,
      charge: kudos,
      pixelsteps: f.pixels * f.steps,
      seconds: f.seconds,
      expiresAt: new Date(now.getTime() + 1_200_000),
      now,
    });
    await applyLedger(
      sql,
      [
        { userId: f.worker_owner, kind: "generation_reward", amount: kudos, jobId: f.id },
        { userId: f.requester, kind: "request_charge", amount: -kudos, jobId: f.id },
      ],
      now,
    );
  });
}
