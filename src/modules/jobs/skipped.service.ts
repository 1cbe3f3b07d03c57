import type { Deps } from "../../deps.ts";
import { type PopSkipped, SKIPPED_SCAN_LIMIT, skippedFrom } from "./skipped.rules.ts";
import { countSkipped } from "./skipped.sql.ts";

/**
 * Why the image requests waiting now do not fit worker `workerId`, by reason (the AI Horde's
 * `skipped`), judged on what the worker last declared (its row). Null when there is no such
 * worker. Who may see it is the caller's business (only the worker's owner: it shows the
 * worker's settings against other people's requests).
 */
export async function workerSkipped(deps: Pick<Deps, "db" | "clock">, workerId: string): Promise<PopSkipped | null> {
  const counted = await countSkipped(deps.db, workerId, deps.clock.now(), SKIPPED_SCAN_LIMIT);
  return counted ? skippedFrom(counted.rows, counted.requests) : null;
}
