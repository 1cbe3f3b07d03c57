/**
 * Per-entity statistics rules: the time windows, what "recent" means, the bounds of the lists,
 * and the checks of the `workers` filters. Pure.
 *
 * Where each figure comes from (its freshness is stated in the schema's descriptions):
 * - counters on the worker row, kept in the same statement as the event they count (a
 *   settlement, an uptime reward, a dropped job): totals that must survive job retention;
 * - SQL over the finished jobs (`jobs_finished_worker_idx`) for anything bounded in time: the
 *   hour, day and month windows, recent performance, the most-served models;
 * - one statement per stats group for a whole page of entities (entity-stats.loaders.ts).
 */

import { ValidationError } from "../../errors.ts";

/** The windows of the windowed figures, in seconds. A month is 30 days. */
export const WINDOWS = { hour: 3600, day: 86_400, month: 30 * 86_400 } as const;

/** "Recent" performance: the average over this many of a worker's latest finished jobs. */
export const RECENT_JOBS = 20;

/** How many most-served models `WorkerStats.topModels` returns by default, and at most. */
export const TOP_MODELS_DEFAULT = 5;
export const TOP_MODELS_MAX = 50;

/** A leaderboard returns at most this many entries (`first`), 10 by default. */
export const LEADERBOARD_MAX = 100;
export const LEADERBOARD_DEFAULT = 10;

/** Megapixelsteps from pixels × steps. */
export function megapixelsteps(pixelsteps: number): number {
  return pixelsteps / 1e6;
}

/** A bounded list size: `first` between 0 and `max`, `fallback` when absent. */
export function boundedFirst(first: number | null | undefined, max: number, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new ValidationError("InvalidPageSize", `first must be between 0 and ${max}`, "first");
  }
  return n;
}
