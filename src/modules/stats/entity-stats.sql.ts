/**
 * The per-entity statistics' SQL: one statement per stats group for a whole page of workers or
 * users (`WHERE … = ANY($1) GROUP BY …`), and the leaderboards. Read-only; no locks.
 *
 * Finished jobs are those in state ok, censored or csam (what the settlement pays and counts in
 * `fulfilments`). The windowed reads go through `jobs_finished_worker_idx` (worker_id,
 * submitted_at, partial on those states, covering pixels, steps, seconds and model), so their cost
 * is the page's jobs inside the window, never the table. Figures: bench/README.md (stats-entities).
 */
import type { Sql } from "../../infra/db.ts";

const FINISHED = "state IN ('ok', 'censored', 'csam')";

/** A worker's finished jobs and pixelsteps for one model in the last hour, day and month. */
export interface WorkerActivityRow {
  worker_id: string;
  model: string | null;
  jobs_hour: number;
  jobs_day: number;
  jobs_month: number;
  pixelsteps_hour: number;
  pixelsteps_day: number;
  pixelsteps_month: number;
}

/**
 * The windowed figures of every worker named, by model, in one statement and one pass over the
 * index: finished jobs submitted in (since, now] for each window. The caller sums a worker's
 * rows for its windows and ranks them for its most-served models, so both come from the same
 * scan. Workers with no job in the month have no row.
 */
export async function workerActivity(
  sql: Sql,
  workerIds: readonly string[],
  at: { now: Date; hour: Date; day: Date; month: Date },
): Promise<WorkerActivityRow[]> {
  return sql.query<WorkerActivityRow>(
    `SELECT worker_id, model,
            count(*) FILTER (WHERE submitted_at > $3)::int AS jobs_hour,
            count(*) FILTER (WHERE submitted_at > $4)::int AS jobs_day,
            count(*)::int AS jobs_month,
            coalesce(sum(coalesce(things, pixels::float8 * steps)) FILTER (WHERE submitted_at > $3), 0)::float8 AS pixelsteps_hour,
            coalesce(sum(coalesce(things, pixels::float8 * steps)) FILTER (WHERE submitted_at > $4), 0)::float8 AS pixelsteps_day,
            coalesce(sum(coalesce(things, pixels::float8 * steps)), 0)::float8 AS pixelsteps_month
       FROM jobs
      WHERE worker_id = ANY($1::uuid[]) AND ${FINISHED} AND submitted_at > $5 AND submitted_at <= $2
      GROUP BY worker_id, model`,
    [workerIds, at.now, at.hour, at.day, at.month],
  );
}

/** A worker's performance over its latest finished jobs. */
export interface WorkerRecentRow {
  worker_id: string;
  jobs: number;
  /** The mean of the jobs' pixelsteps per second. */
  pixelsteps_per_second: number;
}

/**
 * Recent performance of every worker named, in one statement: the mean pixelsteps per second of
 * each worker's latest `limit` finished jobs (submitted up to `now`), read backwards from the
 * index. Workers with no finished job have no row.
 */
export async function workerRecentPerformance(
  sql: Sql,
  workerIds: readonly string[],
  now: Date,
  limit: number,
): Promise<WorkerRecentRow[]> {
  return sql.query<WorkerRecentRow>(
    `SELECT w.id AS worker_id, count(*)::int AS jobs,
            avg(coalesce(j.things, j.pixels::float8 * j.steps) / j.seconds)::float8 AS pixelsteps_per_second
       FROM unnest($1::uuid[]) AS w(id)
      CROSS JOIN LATERAL (
        SELECT pixels, steps, things, seconds FROM jobs
         WHERE worker_id = w.id AND ${FINISHED} AND submitted_at <= $2 AND seconds > 0
         ORDER BY submitted_at DESC LIMIT $3) j
      GROUP BY w.id`,
    [workerIds, now, limit],
  );
}

/** What a user's workers contributed (their counters, summed). */
export interface UserContributionRow {
  user_id: number;
  megapixelsteps: number;
  jobs: number;
}

/** The contributions of every user named, summed over their workers' counters, in one statement. */
export async function userContributions(sql: Sql, userIds: readonly number[]): Promise<UserContributionRow[]> {
  return sql.query<UserContributionRow>(
    `SELECT user_id, coalesce(sum(megapixelsteps), 0)::float8 AS megapixelsteps,
            coalesce(sum(fulfilments), 0)::int AS jobs
       FROM workers WHERE user_id = ANY($1::int[]) GROUP BY user_id`,
    [userIds],
  );
}

/** What a user asked for and received, over their stored requests. */
export interface UserUsageRow {
  user_id: number;
  requests: number;
  images: number;
  pixelsteps: number;
}

/**
 * The usage of every user named, in one statement: their stored requests and the images those
 * received with their pixelsteps, from the counts the settlement keeps on each request
 * (`finished_images`, `finished_pixelsteps`), so the cost is one row per request, not per job.
 */
export async function userUsage(sql: Sql, userIds: readonly number[]): Promise<UserUsageRow[]> {
  return sql.query<UserUsageRow>(
    `SELECT user_id, count(*)::int AS requests, coalesce(sum(finished_images), 0)::int AS images,
            coalesce(sum(finished_pixelsteps), 0)::float8 AS pixelsteps
       FROM requests WHERE user_id = ANY($1::int[])
      GROUP BY user_id`,
    [userIds],
  );
}

/** A leaderboard entry: the entity's id and the figure it is ranked by. */
export interface RankedRow<K> {
  id: K;
  value: number;
}

/** How users can be ranked, and the expression each ranks by. */
export type UserRanking = "kudos" | "contributions";

/**
 * The top `limit` users (Anonymous left out) by kudos or by their workers' megapixelsteps,
 * highest first, ties by id (older accounts first). Scans users or workers: both are small next
 * to jobs, and an index on a balance would cost every settlement its HOT update.
 */
export async function topUsers(sql: Sql, by: UserRanking, limit: number): Promise<RankedRow<number>[]> {
  const text =
    by === "kudos"
      ? "SELECT id, kudos::float8 AS value FROM users WHERE id <> 0 ORDER BY kudos DESC, id LIMIT $1"
      : `SELECT user_id AS id, sum(megapixelsteps)::float8 AS value FROM workers WHERE user_id <> 0
          GROUP BY user_id ORDER BY value DESC, user_id LIMIT $1`;
  return sql.query<RankedRow<number>>(text, [limit]);
}

/** How workers can be ranked. */
export type WorkerRanking = "megapixelsteps" | "jobs";

/** The top `limit` workers by megapixelsteps or jobs fulfilled, highest first, ties by id. */
export async function topWorkers(sql: Sql, by: WorkerRanking, limit: number): Promise<RankedRow<string>[]> {
  const column = by === "megapixelsteps" ? "megapixelsteps" : "fulfilments";
  return sql.query<RankedRow<string>>(
    `SELECT id, ${column}::float8 AS value FROM workers ORDER BY ${column} DESC, id LIMIT $1`,
    [limit],
  );
}
