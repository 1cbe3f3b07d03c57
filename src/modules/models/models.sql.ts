/**
 * The per-model figures of `models(kind)` and `model(name)` (AI Horde `/status/models`), read in
 * one statement whatever the number of models: the online workers by model, the waiting jobs
 * by model, and the roll-up's per-model row (stats_models). It never reads finished jobs: the
 * history comes from the roll-up. No locks.
 */
import type { Sql } from "../../infra/db.ts";
import { LIVE } from "../queue/queue.rules.ts";

/** One model's live load and rolled-up history. */
export interface ModelFigures {
  name: string;
  /** Online workers serving it (maintenance and paused included). */
  workers: number;
  /** Threads of the online workers serving it that are neither in maintenance nor paused. */
  threads: number;
  /** Average speed (pixelsteps/s) of those workers; null when there are none. */
  workerSpeed: number | null;
  jobs: number;
  /** Megapixelsteps of the waiting jobs. */
  queued: number;
  /** Average speed (pixelsteps/s) of its jobs in the roll-up's last hour; null without any. */
  hourPerformance: number | null;
  day: number;
  month: number;
  total: number;
}

/**
 * The figures of the given model names of one kind (names without any figure come back with
 * zeros). A waiting job counts for every model its request names; a request that accepts any
 * model counts for none, as in the AI Horde.
 */
export async function readModelFigures(
  sql: Sql,
  a: { kind: string; names: readonly string[]; onlineSince: Date },
): Promise<ModelFigures[]> {
  return sql.query<ModelFigures>(
    `WITH names AS (SELECT unnest($2::text[]) AS name),
     served AS (
       SELECT m AS name, count(*)::int AS workers,
              coalesce(sum(w.threads) FILTER (WHERE NOT w.maintenance AND NOT w.paused), 0)::int AS threads,
              avg(w.speed) FILTER (WHERE NOT w.maintenance AND NOT w.paused) AS speed
         FROM workers w, unnest(w.models) AS m
        WHERE w.kind = $1::worker_kind AND w.last_check_in >= $3 AND m = ANY ($2::text[])
        GROUP BY m
     ),
     waiting AS (
       -- jobs counted per request from the waiting index alone, then spread over the request's models
       -- text: the tokens asked for (maxLength per job), not millions of them
       SELECT m AS name, sum(w.n)::int AS jobs,
              sum(w.n * CASE WHEN r.kind = 'text' THEN r.max_length::float8 * 1e6
                             ELSE r.width::float8 * r.height * r.steps END) / 1e6 AS mps
         FROM (SELECT request_id, count(*) AS n FROM jobs WHERE state = 'waiting' GROUP BY request_id) w
         JOIN requests r ON r.id = w.request_id, unnest(r.models) AS m
        WHERE r.kind = $1::worker_kind AND ${LIVE} AND m = ANY ($2::text[])
        GROUP BY m
     )
     SELECT n.name, coalesce(s.workers, 0) AS workers, coalesce(s.threads, 0) AS threads, s.speed AS "workerSpeed",
            coalesce(q.jobs, 0) AS jobs, coalesce(q.mps, 0) AS queued, st.hour_performance AS "hourPerformance",
            coalesce(st.day_images, 0)::float8 AS day, coalesce(st.month_images, 0)::float8 AS month,
            coalesce(st.total_images, 0)::float8 AS total
       FROM names n
       LEFT JOIN served s ON s.name = n.name
       LEFT JOIN waiting q ON q.name = n.name
       LEFT JOIN stats_models st ON st.kind = $1::worker_kind AND st.model = n.name`,
    [a.kind, a.names, a.onlineSince],
    { name: "model_figures" },
  );
}

/** The text models workers declared (issue 12), by name, with their sizes (null: unknown). */
export async function readTextModels(sql: Sql, name?: string): Promise<{ name: string; parameters: string | null }[]> {
  return sql.query<{ name: string; parameters: string | null }>(
    `SELECT name, parameters::text AS parameters FROM known_models
      WHERE kind = 'text' AND ($1::text IS NULL OR name = $1) ORDER BY name`,
    [name ?? null],
  );
}
