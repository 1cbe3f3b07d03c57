/**
 * The statistics roll-up's SQL (run by src/tasks/stats-rollup.ts inside one transaction that
 * holds its advisory lock): fold the jobs finished since the watermark into the minute and hour
 * buckets and the per-model totals, refresh the per-model windows, prune old buckets.
 *
 * Why a watermark and not a trigger at settlement: the settlement is the hot path (one
 * statement, bench/README.md), and every settlement would otherwise update the same few bucket
 * rows, serialising them. The fold reads the jobs of one interval through jobs_submitted_at_idx.
 * Its cost grows with the jobs finished since the last fold, never with the table.
 */
import type { Sql } from "../../infra/db.ts";
import { GENERATED_STATES } from "./horde-status.sql.ts";

/** Minute buckets older than this are deleted (the hour window and last-hour performance need one hour). */
export const MINUTE_BUCKETS_KEPT_MS = 2 * 3_600_000;
/** Hour buckets older than this are deleted (the month window needs 30 days). */
export const HOUR_BUCKETS_KEPT_MS = 32 * 86_400_000;

/**
 * What a finished job counts for, every kind (issue 12): its `things` (pixelsteps for an image,
 * tokens for a text, 1 for an alchemy form); jobs settled before that column existed have their
 * pixelsteps. So for text the buckets' `images` are texts and `pixelsteps` tokens; for alchemy,
 * forms and forms.
 */
const THINGS = "coalesce(j.things, j.pixels::float8 * j.steps)";

/**
 * Folds the jobs that generated an image with `watermark <= submitted_at < upto` into the
 * buckets and totals, and moves the watermark to `upto`. Idempotent: a job is folded once,
 * because the watermark only moves forward in the same statement that folds the jobs below it
 * (the row is locked by the statement, and the task holds the advisory lock besides). Returns
 * the number of images folded and the previous watermark (where this fold started, as
 * Postgres prints it: it may be '-infinity', which no Date holds).
 */
export async function foldFinishedJobs(
  sql: Sql,
  upto: Date,
  minuteHorizon: Date,
): Promise<{ images: number; from: string }> {
  const rows = await sql.query<{ images: number; from: string }>(
    `WITH st AS (
       SELECT watermark FROM stats_rollup WHERE id = 1 FOR UPDATE
     ),
     src AS (
       SELECT j.kind, coalesce(j.model, '') AS model, date_trunc('minute', j.submitted_at, 'UTC') AS minute,
              count(*) AS images, sum(${THINGS}) AS ps,
              coalesce(sum(${THINGS} / j.seconds) FILTER (WHERE j.seconds > 0), 0) AS perf_sum,
              count(*) FILTER (WHERE j.seconds > 0) AS perf_n
         FROM st, jobs j
        WHERE j.submitted_at >= st.watermark AND j.submitted_at < $1 AND j.state IN ${GENERATED_STATES}
        GROUP BY 1, 2, 3
     ),
     m AS (
       INSERT INTO stats_minute AS s (kind, model, minute, images, pixelsteps, perf_sum, perf_n)
       SELECT kind, model, minute, images, coalesce(ps, 0), perf_sum, perf_n FROM src WHERE minute >= $2
       ON CONFLICT (minute, kind, model) DO UPDATE SET images = s.images + EXCLUDED.images,
         pixelsteps = s.pixelsteps + EXCLUDED.pixelsteps, perf_sum = s.perf_sum + EXCLUDED.perf_sum,
         perf_n = s.perf_n + EXCLUDED.perf_n
     ),
     h AS (
       INSERT INTO stats_hour AS s (kind, model, hour, images, pixelsteps)
       SELECT kind, model, date_trunc('hour', minute, 'UTC'), sum(images), coalesce(sum(ps), 0)
         FROM src GROUP BY 1, 2, 3
       ON CONFLICT (hour, kind, model) DO UPDATE SET images = s.images + EXCLUDED.images,
         pixelsteps = s.pixelsteps + EXCLUDED.pixelsteps
     ),
     t AS (
       INSERT INTO stats_models AS s (kind, model, total_images, total_pixelsteps)
       SELECT kind, model, sum(images), coalesce(sum(ps), 0) FROM src GROUP BY 1, 2
       ON CONFLICT (kind, model) DO UPDATE SET total_images = s.total_images + EXCLUDED.total_images,
         total_pixelsteps = s.total_pixelsteps + EXCLUDED.total_pixelsteps
     ),
     w AS (
       UPDATE stats_rollup SET watermark = $1 WHERE id = 1 AND watermark < $1
     )
     SELECT coalesce(sum(images), 0)::int AS images, (SELECT watermark::text FROM st) AS "from" FROM src`,
    [upto, minuteHorizon],
  );
  return { images: rows[0]?.images ?? 0, from: rows[0]?.from ?? upto.toISOString() };
}

/**
 * Recomputes every model's windows from the buckets, as of the watermark `at` (the instant up to
 * which jobs are folded): minute = the last whole minute before it; hour = the 60 minute buckets
 * ending with its minute; day = the 24 hour buckets ending with its hour; month = the 720 hour
 * buckets (30 days) ending with its hour; performance = the average speed of the jobs in the hour
 * window. Reads at most 60 minute rows and 720 hour rows per model.
 */
export async function refreshModelWindows(sql: Sql, at: Date): Promise<void> {
  await sql.query(
    `WITH b AS (
       SELECT date_trunc('minute', $1::timestamptz, 'UTC') AS m, date_trunc('hour', $1::timestamptz, 'UTC') AS h
     ),
     mm AS (
       SELECT s.kind, s.model,
              sum(s.images) FILTER (WHERE s.minute = b.m - interval '1 minute') AS min_i,
              sum(s.pixelsteps) FILTER (WHERE s.minute = b.m - interval '1 minute') AS min_p,
              sum(s.images) AS hour_i, sum(s.pixelsteps) AS hour_p,
              sum(s.perf_sum) / nullif(sum(s.perf_n), 0) AS perf
         FROM stats_minute s, b WHERE s.minute >= b.m - interval '59 minutes' AND s.minute <= b.m
        GROUP BY 1, 2
     ),
     hh AS (
       SELECT s.kind, s.model,
              sum(s.images) FILTER (WHERE s.hour >= b.h - interval '23 hours') AS day_i,
              sum(s.pixelsteps) FILTER (WHERE s.hour >= b.h - interval '23 hours') AS day_p,
              sum(s.images) AS month_i, sum(s.pixelsteps) AS month_p
         FROM stats_hour s, b WHERE s.hour >= b.h - interval '719 hours' AND s.hour <= b.h
        GROUP BY 1, 2
     )
     UPDATE stats_models s
        SET minute_images = coalesce(mm.min_i, 0), minute_pixelsteps = coalesce(mm.min_p, 0),
            hour_images = coalesce(mm.hour_i, 0), hour_pixelsteps = coalesce(mm.hour_p, 0),
            hour_performance = mm.perf,
            day_images = coalesce(hh.day_i, 0), day_pixelsteps = coalesce(hh.day_p, 0),
            month_images = coalesce(hh.month_i, 0), month_pixelsteps = coalesce(hh.month_p, 0)
       FROM stats_models k
       LEFT JOIN mm ON mm.kind = k.kind AND mm.model = k.model
       LEFT JOIN hh ON hh.kind = k.kind AND hh.model = k.model
      WHERE s.kind = k.kind AND s.model = k.model`,
    [at],
  );
  await sql.query("UPDATE stats_rollup SET refreshed_at = $1 WHERE id = 1", [at]);
}

/** Deletes the buckets no window reads any more. */
export async function pruneBuckets(sql: Sql, minuteHorizon: Date, hourHorizon: Date): Promise<void> {
  await sql.query(
    `WITH m AS (DELETE FROM stats_minute WHERE minute < $1)
     DELETE FROM stats_hour WHERE hour < $2`,
    [minuteHorizon, hourHorizon],
  );
}

/** The roll-up's progress: jobs finished before `watermark` are folded; null before the first fold. */
export async function readRollupState(sql: Sql): Promise<{ watermark: Date | null; refreshedAt: Date | null }> {
  const rows = await sql.query<{ watermark: Date | null; refreshed_at: Date | null }>(
    "SELECT CASE WHEN watermark = '-infinity' THEN NULL ELSE watermark END AS watermark, refreshed_at FROM stats_rollup WHERE id = 1",
  );
  return { watermark: rows[0]?.watermark ?? null, refreshedAt: rows[0]?.refreshed_at ?? null };
}
