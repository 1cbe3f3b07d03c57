/**
 * LoRA usage: the roll-up's fold, refresh and prune for the LoRAs requests named (run by
 * src/tasks/stats-rollup.ts in the same locked transaction as horde-rollup.sql.ts, over the same
 * watermark range), and the read of `imageStats.loras`. A job counts once for each LoRA of its
 * request.
 */
import type { Sql } from "../../infra/db.ts";
import { GENERATED_STATES } from "./horde-status.sql.ts";

/** Folds the LoRAs of the jobs that generated an image with `from <= submitted_at < upto`. */
export async function foldLoraUsage(sql: Sql, from: string, upto: Date): Promise<number> {
  const rows = await sql.query<{ uses: number }>(
    `WITH src AS (
       SELECT CASE WHEN coalesce(l->>'isVersion', 'false') = 'true' THEN 'version:' || (l->>'name')
                   ELSE l->>'name' END AS lora,
              date_trunc('hour', j.submitted_at, 'UTC') AS hour, count(*) AS images
         FROM jobs j JOIN requests r ON r.id = j.request_id,
              jsonb_array_elements(CASE WHEN jsonb_typeof(r.params->'loras') = 'array' THEN r.params->'loras'
                                        ELSE '[]'::jsonb END) AS l
        WHERE j.submitted_at >= $1::timestamptz AND j.submitted_at < $2 AND j.state IN ${GENERATED_STATES}
          AND l->>'name' IS NOT NULL
        GROUP BY 1, 2
     ),
     h AS (
       INSERT INTO stats_lora_hour AS s (lora, hour, images) SELECT lora, hour, images FROM src
       ON CONFLICT (hour, lora) DO UPDATE SET images = s.images + EXCLUDED.images
     ),
     t AS (
       INSERT INTO stats_loras AS s (lora, total_images) SELECT lora, sum(images) FROM src GROUP BY 1
       ON CONFLICT (lora) DO UPDATE SET total_images = s.total_images + EXCLUDED.total_images
     )
     SELECT coalesce(sum(images), 0)::int AS uses FROM src`,
    [from, upto],
  );
  return rows[0]?.uses ?? 0;
}

/**
 * Recomputes each LoRA's day (24 hour buckets ending with `at`'s hour) and month (720) and
 * deletes hour buckets older than `hourHorizon`. Only LoRAs with a non-zero window or a bucket
 * in the month are touched.
 */
export async function refreshLoraWindows(sql: Sql, at: Date, hourHorizon: Date): Promise<void> {
  await sql.query(
    `WITH b AS (SELECT date_trunc('hour', $1::timestamptz, 'UTC') AS h),
     hh AS (
       SELECT s.lora, sum(s.images) FILTER (WHERE s.hour >= b.h - interval '23 hours') AS day_i,
              sum(s.images) AS month_i
         FROM stats_lora_hour s, b WHERE s.hour >= b.h - interval '719 hours' AND s.hour <= b.h
        GROUP BY 1
     ),
     upd AS (
       UPDATE stats_loras s SET day_images = coalesce(hh.day_i, 0), month_images = coalesce(hh.month_i, 0)
         FROM stats_loras k LEFT JOIN hh ON hh.lora = k.lora
        WHERE s.lora = k.lora AND (hh.lora IS NOT NULL OR k.day_images <> 0 OR k.month_images <> 0)
     )
     DELETE FROM stats_lora_hour WHERE hour < $2`,
    [at, hourHorizon],
  );
}

/** One LoRA's use. */
export interface LoraUsageRow {
  name: string;
  day: number;
  month: number;
  total: number;
}

/** The `first` most used LoRAs in total, then by name (one statement, through stats_loras_total_idx). */
export async function readTopLoras(sql: Sql, first: number): Promise<LoraUsageRow[]> {
  return sql.query<LoraUsageRow>(
    `SELECT lora AS name, day_images::float8 AS day, month_images::float8 AS month, total_images::float8 AS total
       FROM stats_loras ORDER BY total_images DESC, lora LIMIT $1`,
    [first],
  );
}
