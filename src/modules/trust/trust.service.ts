import type { Deps } from "../../deps.ts";
import { checkAutoTrust } from "./roles.service.ts";
import { unreasonablyFast } from "./suspicion.rules.ts";
import { suspectWorker } from "./suspicion.service.ts";

/**
 * What trust does after a job settled (committed): an escrow that grew may make the owner
 * trusted (reference §3.10), and a job done faster than a GPU can is a suspicion against the
 * worker (`UNREASONABLY_FAST`, reference §3.8). Failures are logged, never turned into the
 * submit's error: the settlement stands.
 */
export async function afterSettled(
  deps: Deps,
  job: { worker_id: string; worker_owner: number; pixels: number; steps: number; seconds: number },
  escrow: number,
): Promise<void> {
  try {
    if (unreasonablyFast(job, deps.config.suspicionMaxMps))
      await suspectWorker(deps, job.worker_id, "UNREASONABLY_FAST");
    if (escrow > 0) await checkAutoTrust(deps, job.worker_owner);
  } catch (err) {
    deps.logger.error({ err, worker: job.worker_id }, "trust checks after a settlement failed");
  }
}
