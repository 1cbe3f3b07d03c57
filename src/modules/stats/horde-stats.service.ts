/**
 * Horde-wide statistics: the live status and its subscription, the model list and the image
 * totals. Heavy figures come from the roll-up tables (src/tasks/stats-rollup.ts), live ones from
 * statements that read only the queue, the workers and the last minute of finished jobs.
 */
import type { Deps } from "../../deps.ts";
import { type HordeStatusRow, readHordeStatus } from "./horde-status.sql.ts";

/** The horde status as of now (one statement). */
export function readHordeStatusNow(deps: Pick<Deps, "db" | "clock">): Promise<HordeStatusRow> {
  return readHordeStatus(deps.db, deps.clock.now());
}

/** A `hordeStatusUpdated` stream, fed by this instance's one shared reader. */
export function watchHordeStatus(deps: Pick<Deps, "hordeStatus">, signal?: AbortSignal) {
  return deps.hordeStatus.subscribe(signal);
}
