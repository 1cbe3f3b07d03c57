/**
 * The image totals of `imageStats` (AI Horde `/stats/img/totals` and `/stats/img/models`). The
 * past minute is live (the jobs finished in the last 60 s, through jobs_submitted_at_idx);
 * everything else is the sum of the roll-up's per-model rows (stats_models), a few rows per
 * model. No locks.
 */
import type { Sql } from "../../infra/db.ts";
import { GENERATED_STATES } from "./horde-status.sql.ts";

/** Images and pixelsteps over one window. */
export interface ImageWindow {
  images: number;
  pixelsteps: number;
}

/** The horde's image totals, as {@link readImageTotals} returns them. */
export interface ImageTotals {
  minute: ImageWindow;
  hour: ImageWindow;
  day: ImageWindow;
  month: ImageWindow;
  total: ImageWindow;
  /** Jobs finished before this instant are in hour/day/month/total; null before the first roll-up. */
  rolledUpTo: Date | null;
}

/** Reads the horde's image totals as of `now` (one statement). */
export function readImageTotals(sql: Sql, now: Date): Promise<ImageTotals> {
  return readKindTotals(sql, "image", now);
}

/**
 * Reads one kind's totals as of `now` (one statement). Each window's `images` counts the kind's
 * finished jobs (images, texts, forms) and `pixelsteps` what they counted for (pixelsteps,
 * tokens, forms): the roll-up folds every kind the same way.
 */
export async function readKindTotals(sql: Sql, kind: "image" | "text" | "alchemy", now: Date): Promise<ImageTotals> {
  const rows = await sql.query<Record<string, number> & { rolled_up_to: Date | null }>(
    `WITH live AS (
       SELECT count(*)::float8 AS images, coalesce(sum(coalesce(j.things, j.pixels::float8 * j.steps)), 0) AS ps
         FROM jobs j
        WHERE j.submitted_at > $1 AND j.submitted_at <= $2 AND j.state IN ${GENERATED_STATES} AND j.kind = $3
     ),
     sums AS (
       SELECT coalesce(sum(hour_images), 0)::float8 AS hi, coalesce(sum(hour_pixelsteps), 0) AS hp,
              coalesce(sum(day_images), 0)::float8 AS di, coalesce(sum(day_pixelsteps), 0) AS dp,
              coalesce(sum(month_images), 0)::float8 AS mi, coalesce(sum(month_pixelsteps), 0) AS mp,
              coalesce(sum(total_images), 0)::float8 AS ti, coalesce(sum(total_pixelsteps), 0) AS tp
         FROM stats_models WHERE kind = $3
     )
     SELECT live.images AS li, live.ps AS lp, sums.*,
            (SELECT CASE WHEN watermark = '-infinity' THEN NULL ELSE watermark END FROM stats_rollup WHERE id = 1)
              AS rolled_up_to
       FROM live, sums`,
    [new Date(now.getTime() - 60_000), now, kind],
    { name: "kind_totals" },
  );
  const r = rows[0];
  if (!r) throw new Error("imageStats: the totals statement returned no row");
  const w = (images: number | undefined, pixelsteps: number | undefined) => ({
    images: images ?? 0,
    pixelsteps: pixelsteps ?? 0,
  });
  return {
    minute: w(r.li, r.lp),
    hour: w(r.hi, r.hp),
    day: w(r.di, r.dp),
    month: w(r.mi, r.mp),
    total: w(r.ti, r.tp),
    rolledUpTo: r.rolled_up_to,
  };
}

/** One model's generations from the roll-up. */
export interface ModelGenerationRow {
  name: string;
  day: number;
  month: number;
  total: number;
}

/** Every model of a kind that ever generated, most generated first, then by name (one statement). */
export async function readModelGenerations(sql: Sql, kind: string): Promise<ModelGenerationRow[]> {
  return sql.query<ModelGenerationRow>(
    `SELECT model AS name, day_images::float8 AS day, month_images::float8 AS month, total_images::float8 AS total
       FROM stats_models WHERE kind = $1::worker_kind AND total_images > 0
      ORDER BY total_images DESC, model`,
    [kind],
  );
}
