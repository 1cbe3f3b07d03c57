/**
 * The statistics roll-up: every ROLLUP_INTERVAL_MS, whichever instance takes its advisory lock
 * folds the jobs finished since the last fold into the bucket tables and refreshes the
 * per-model windows the API reads (src/modules/stats/horde-rollup.sql.ts). The others skip.
 */
import type { Deps } from "../deps.ts";
import { type RollupResult, rollUp } from "../modules/stats/horde-stats.service.ts";
import { exclusive } from "./lock.ts";

/** Advisory lock key (namespace 2) of the roll-up; the other sweeps use 1–4 (src/tasks/index.ts). */
export const STATS_ROLLUP_LOCK = 103;

/** How often the roll-up runs. */
export const ROLLUP_INTERVAL_MS = 15_000;

/** Folds, refreshes and prunes once, under the advisory lock; null when another instance holds it. */
export async function rollUpStats(deps: Pick<Deps, "db" | "clock">): Promise<RollupResult | null> {
  const now = deps.clock.now();
  return exclusive(deps, STATS_ROLLUP_LOCK, (sql) => rollUp(sql, now));
}
