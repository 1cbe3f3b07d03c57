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

/** The longest `name` or `model` a `workers` filter accepts (a worker name has at most 100). */
export const FILTER_TEXT_MAX = 200;

/** Megapixelsteps from pixels × steps. */
export function megapixelsteps(pixelsteps: number): number {
  return pixelsteps / 1e6;
}

/** A `workers` filter as the API receives it. */
export interface WorkerFilterInput {
  kind?: string | null;
  online?: boolean | null;
  model?: string | null;
  name?: string | null;
  owner?: string | number | null;
}

/** A checked `workers` filter: null fields filter nothing. */
export interface WorkerFilter {
  kind: string | null;
  online: boolean | null;
  model: string | null;
  name: string | null;
  ownerId: number | null;
}

/**
 * Checks a `workers` filter: `model` and `name` non-empty and at most {@link FILTER_TEXT_MAX}
 * characters, `owner` a user id (a non-negative int4). Throws a ValidationError with code
 * `InvalidFilter` naming the field.
 */
export function checkWorkerFilter(input: WorkerFilterInput | null | undefined): WorkerFilter {
  const f = input ?? {};
  const text = (v: string | null | undefined, field: string): string | null => {
    if (v === null || v === undefined) return null;
    const t = v.trim();
    if (t.length === 0 || t.length > FILTER_TEXT_MAX) {
      throw new ValidationError("InvalidFilter", `${field} must have 1 to ${FILTER_TEXT_MAX} characters`, field);
    }
    return t;
  };
  let ownerId: number | null = null;
  if (f.owner !== null && f.owner !== undefined) {
    const s = String(f.owner);
    if (!/^\d{1,10}$/.test(s) || Number(s) > 2147483647) {
      throw new ValidationError("InvalidFilter", "owner must be a user id", "filter.owner");
    }
    ownerId = Number(s);
  }
  return {
    kind: f.kind ?? null,
    online: f.online ?? null,
    model: text(f.model, "filter.model"),
    name: text(f.name, "filter.name"),
    ownerId,
  };
}

/** A bounded list size: `first` between 0 and `max`, `fallback` when absent. */
export function boundedFirst(first: number | null | undefined, max: number, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new ValidationError("InvalidPageSize", `first must be between 0 and ${max}`, "first");
  }
  return n;
}
