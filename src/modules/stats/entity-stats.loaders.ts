import DataLoader from "dataloader";
import { type Context, perRequest } from "../../graphql/context.ts";
import { RECENT_JOBS, WINDOWS } from "./entity-stats.rules.ts";
import {
  type UserContributionRow,
  type UserUsageRow,
  userContributions,
  userUsage,
  type WorkerActivityRow,
  type WorkerRecentRow,
  workerActivity,
  workerRecentPerformance,
} from "./entity-stats.sql.ts";

/**
 * The batching pattern of every entity's statistics (workers and users here; teams next): one
 * per-operation DataLoader per stats group, whose batch function runs ONE grouped statement for
 * all the keys a page names (`WHERE key = ANY($1) GROUP BY key`) and hands each key its rows.
 * A page of 100 entities with every stats field selected costs one statement per group, as one
 * entity does.
 *
 * - `name` keys the loader in the operation's cache (add the arguments that change the statement);
 * - `fetch` runs the grouped statement for the keys;
 * - `keyOf` reads a row's key (several rows per key are fine: `build` gets them in order);
 * - `build` turns a key's rows (none when the statement returned none) into the value.
 */
export function groupedLoader<K, R, V>(
  ctx: Context,
  name: string,
  fetch: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  build: (rows: R[]) => V,
): DataLoader<K, V> {
  return perRequest(
    ctx,
    `entityStats:${name}`,
    () =>
      new DataLoader<K, V>(async (keys) => {
        const rows = await fetch(keys);
        const byKey = new Map<K, R[]>();
        for (const r of rows) {
          const k = keyOf(r);
          const list = byKey.get(k);
          if (list) list.push(r);
          else byKey.set(k, [r]);
        }
        return keys.map((k) => build(byKey.get(k) ?? []));
      }),
  );
}

/** The time windows as instants, from the one clock read the batch makes. */
function windowsAt(now: Date) {
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  return { now, hour: ago(WINDOWS.hour), day: ago(WINDOWS.day), month: ago(WINDOWS.month) };
}

/** Finished jobs and pixelsteps in one window. */
export interface WindowFigures {
  jobs: number;
  pixelsteps: number;
}

/** A worker's windowed figures and the models it served in the month, most jobs first (ties by name). */
export interface WorkerActivity {
  hour: WindowFigures;
  day: WindowFigures;
  month: WindowFigures;
  models: { model: string; jobs: number }[];
}

/** Sums a worker's per-model rows into its windows and ranks its models. */
export function activityOf(rows: readonly WorkerActivityRow[]): WorkerActivity {
  const a: WorkerActivity = {
    hour: { jobs: 0, pixelsteps: 0 },
    day: { jobs: 0, pixelsteps: 0 },
    month: { jobs: 0, pixelsteps: 0 },
    models: [],
  };
  for (const r of rows) {
    for (const w of ["hour", "day", "month"] as const) {
      a[w].jobs += r[`jobs_${w}`];
      a[w].pixelsteps += r[`pixelsteps_${w}`];
    }
    if (r.model !== null) a.models.push({ model: r.model, jobs: r.jobs_month });
  }
  a.models.sort((x, y) => y.jobs - x.jobs || (x.model < y.model ? -1 : x.model > y.model ? 1 : 0));
  return a;
}

/**
 * `WorkerStats` windowed figures and most-served models: one statement per page of workers
 * (the month's jobs by worker and model, read once for both).
 */
export function workerActivityLoader(ctx: Context): DataLoader<string, WorkerActivity> {
  return groupedLoader(
    ctx,
    "workerActivity",
    (ids) => workerActivity(ctx.deps.db, ids, windowsAt(ctx.deps.clock.now())),
    (r: WorkerActivityRow) => r.worker_id,
    activityOf,
  );
}

/** `WorkerStats.recentPerformance`: one statement per page of workers; null without a finished job. */
export function workerRecentLoader(ctx: Context): DataLoader<string, WorkerRecentRow | null> {
  return groupedLoader(
    ctx,
    "workerRecent",
    (ids) => workerRecentPerformance(ctx.deps.db, ids, ctx.deps.clock.now(), RECENT_JOBS),
    (r: WorkerRecentRow) => r.worker_id,
    (rows) => rows[0] ?? null,
  );
}

/** `UserStats` contribution figures: one statement per page of users. */
export function userContributionsLoader(ctx: Context): DataLoader<number, Omit<UserContributionRow, "user_id">> {
  return groupedLoader(
    ctx,
    "userContributions",
    (ids) => userContributions(ctx.deps.db, ids),
    (r: UserContributionRow) => r.user_id,
    (rows) => rows[0] ?? { megapixelsteps: 0, jobs: 0 },
  );
}

/** `UserStats` usage figures: one statement per page of users. */
export function userUsageLoader(ctx: Context): DataLoader<number, Omit<UserUsageRow, "user_id">> {
  return groupedLoader(
    ctx,
    "userUsage",
    (ids) => userUsage(ctx.deps.db, ids),
    (r: UserUsageRow) => r.user_id,
    (rows) => rows[0] ?? { requests: 0, images: 0, pixelsteps: 0 },
  );
}
