import DataLoader from "dataloader";
import { type Context, perRequest } from "../../graphql/context.ts";
import { RECENT_JOBS, TOP_MODELS_WINDOW_SECONDS, WINDOWS } from "./entity-stats.rules.ts";
import {
  type UserContributionRow,
  type UserUsageRow,
  userContributions,
  userUsage,
  type WorkerActivityRow,
  type WorkerModelRow,
  type WorkerRecentRow,
  workerActivity,
  workerRecentPerformance,
  workerTopModels,
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

const NO_ACTIVITY = {
  jobs_hour: 0,
  jobs_day: 0,
  jobs_month: 0,
  pixelsteps_hour: 0,
  pixelsteps_day: 0,
  pixelsteps_month: 0,
};

/** A worker's windowed jobs and pixelsteps (zeros when it finished nothing in the month). */
export type WorkerActivity = Omit<WorkerActivityRow, "worker_id">;

/** `WorkerStats` windowed figures: one statement per page of workers. */
export function workerActivityLoader(ctx: Context): DataLoader<string, WorkerActivity> {
  return groupedLoader(
    ctx,
    "workerActivity",
    (ids) => workerActivity(ctx.deps.db, ids, windowsAt(ctx.deps.clock.now())),
    (r: WorkerActivityRow) => r.worker_id,
    (rows) => rows[0] ?? NO_ACTIVITY,
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

/** `WorkerStats.topModels(limit)`: one statement per page of workers and limit. */
export function workerTopModelsLoader(ctx: Context, limit: number): DataLoader<string, WorkerModelRow[]> {
  return groupedLoader(
    ctx,
    `workerTopModels:${limit}`,
    (ids) => {
      const now = ctx.deps.clock.now();
      const since = new Date(now.getTime() - TOP_MODELS_WINDOW_SECONDS * 1000);
      return workerTopModels(ctx.deps.db, ids, since, now, limit);
    },
    (r: WorkerModelRow) => r.worker_id,
    (rows) => rows,
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
