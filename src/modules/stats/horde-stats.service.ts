/**
 * Horde-wide statistics: the live status and its subscription, the model list and the image
 * totals. Heavy figures come from the roll-up tables (src/tasks/stats-rollup.ts), live ones from
 * statements that read only the queue, the workers and the last minute of finished jobs.
 */
import type { Deps } from "../../deps.ts";
import type { Sql } from "../../infra/db.ts";
import { foldLoraUsage, type LoraUsageRow, readTopLoras, refreshLoraWindows } from "./horde-loras.sql.ts";
import {
  foldFinishedJobs,
  HOUR_BUCKETS_KEPT_MS,
  MINUTE_BUCKETS_KEPT_MS,
  pruneBuckets,
  refreshModelWindows,
} from "./horde-rollup.sql.ts";
import {
  type ImageTotals,
  type ModelGenerationRow,
  readImageTotals,
  readKindTotals,
  readModelGenerations,
} from "./horde-stats.sql.ts";
import { type HordeStatusRow, readHordeStatus } from "./horde-status.sql.ts";

/**
 * How far behind the clock the roll-up stays. A settlement stamps `submitted_at` before its
 * statement commits (it may wait for row locks), and instances' clocks differ a little: a job
 * committed later than this after its stamp, into a range already folded, would never be
 * counted. 15 s is far above the settlement's lock waits measured in bench/README.md.
 */
export const SETTLE_LAG_MS = 15_000;

/** What one roll-up did: images folded and the instant up to which jobs are now folded. */
export interface RollupResult {
  images: number;
  /** Uses of LoRAs folded (a job with two LoRAs counts two). */
  loraUses: number;
  watermark: Date;
}

/**
 * One statistics roll-up on `sql` (the caller holds the roll-up's advisory lock and the
 * transaction): folds the jobs finished since the watermark up to SETTLE_LAG_MS before `now`,
 * refreshes every model's windows as of that instant, and prunes buckets no window reads.
 */
export async function rollUp(sql: Sql, now: Date): Promise<RollupResult> {
  const t = now.getTime();
  const upto = new Date(t - SETTLE_LAG_MS);
  const { images, from } = await foldFinishedJobs(sql, upto, new Date(t - MINUTE_BUCKETS_KEPT_MS));
  const loraUses = await foldLoraUsage(sql, from, upto);
  await refreshModelWindows(sql, upto);
  await refreshLoraWindows(sql, upto, new Date(t - HOUR_BUCKETS_KEPT_MS));
  await pruneBuckets(sql, new Date(t - MINUTE_BUCKETS_KEPT_MS), new Date(t - HOUR_BUCKETS_KEPT_MS));
  return { images, loraUses, watermark: upto };
}

/** The horde status as of now (one statement). */
export function readHordeStatusNow(deps: Pick<Deps, "db" | "clock">): Promise<HordeStatusRow> {
  return readHordeStatus(deps.db, deps.clock.now());
}

/** A `hordeStatusUpdated` stream, fed by this instance's one shared reader. */
export function watchHordeStatus(deps: Pick<Deps, "hordeStatus">, signal?: AbortSignal) {
  return deps.hordeStatus.subscribe(signal);
}

/** The horde's image totals as of now (one statement). */
export function readImageTotalsNow(deps: Pick<Deps, "db" | "clock">): Promise<ImageTotals> {
  return readImageTotals(deps.db, deps.clock.now());
}

/** One kind's totals now (text: texts and tokens; alchemy: forms). */
export function readKindTotalsNow(deps: Pick<Deps, "db" | "clock">, kind: "text" | "alchemy"): Promise<ImageTotals> {
  return readKindTotals(deps.db, kind, deps.clock.now());
}

/** Which models `imageStats.models` lists: those of the reference, the others, or all. */
export type ModelState = "known" | "custom" | "all";

/** Every image model's generations from the roll-up, filtered by whether the reference knows it. */
export async function listModelGenerations(
  deps: Pick<Deps, "db" | "catalog">,
  state: ModelState,
): Promise<ModelGenerationRow[]> {
  const rows = await readModelGenerations(deps.db, "image");
  if (state === "all") return rows;
  const known = deps.catalog.current.byName;
  return rows.filter((r) => known.has(r.name) === (state === "known"));
}

/** Every text model's (or alchemy form's) generations from the roll-up, most first. */
export function listKindGenerations(deps: Pick<Deps, "db">, kind: "text" | "alchemy"): Promise<ModelGenerationRow[]> {
  return readModelGenerations(deps.db, kind);
}

/** The most used LoRAs (at most 100). */
export function listTopLoras(deps: Pick<Deps, "db">, first: number): Promise<LoraUsageRow[]> {
  return readTopLoras(deps.db, Math.max(0, Math.min(100, first)));
}
