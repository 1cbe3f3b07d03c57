-- Horde-wide statistics (issue 10): roll-up tables kept by the stats roll-up task
-- (src/tasks/stats-rollup.ts) under an advisory lock, and the horde's modes.
--
-- The task folds jobs finished since a watermark into per-minute and per-hour buckets and into
-- per-model totals, then refreshes the per-model windows the API reads. No request scans jobs:
-- the API reads these tables (a few rows per model) and, for the live figures, the waiting jobs
-- and the last minute of finished jobs through the index below.

-- Jobs by the instant they were finished: the fold reads the jobs finished since its watermark,
-- and hordeStatus the last minute's, without scanning the table.
CREATE INDEX jobs_submitted_at_idx ON jobs (submitted_at) WHERE submitted_at IS NOT NULL;

-- Images generated per minute, kind and model; pruned after two hours (the hour window and
-- the last hour's performance read them). perf_sum/perf_n: the jobs' speeds (pixelsteps per
-- second), for an average over any set of minutes.
CREATE TABLE stats_minute (
  kind       worker_kind NOT NULL,
  model      text NOT NULL,
  minute     timestamptz(0) NOT NULL,
  images     bigint NOT NULL DEFAULT 0,
  pixelsteps double precision NOT NULL DEFAULT 0,
  perf_sum   double precision NOT NULL DEFAULT 0,
  perf_n     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (minute, kind, model)
);

-- The same per hour; pruned after 32 days (the day and month windows read them).
CREATE TABLE stats_hour (
  kind       worker_kind NOT NULL,
  model      text NOT NULL,
  hour       timestamptz(0) NOT NULL,
  images     bigint NOT NULL DEFAULT 0,
  pixelsteps double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, kind, model)
);

-- One row per kind and model ever generated: totals since the beginning (added to by each fold,
-- never recomputed, so they survive the deletion of old jobs), and the windows as of the last
-- refresh. The API reads only this table for day, month, total and last-hour performance.
CREATE TABLE stats_models (
  kind              worker_kind NOT NULL,
  model             text NOT NULL,
  total_images      bigint NOT NULL DEFAULT 0,
  total_pixelsteps  double precision NOT NULL DEFAULT 0,
  minute_images     bigint NOT NULL DEFAULT 0,
  minute_pixelsteps double precision NOT NULL DEFAULT 0,
  hour_images       bigint NOT NULL DEFAULT 0,
  hour_pixelsteps   double precision NOT NULL DEFAULT 0,
  day_images        bigint NOT NULL DEFAULT 0,
  day_pixelsteps    double precision NOT NULL DEFAULT 0,
  month_images      bigint NOT NULL DEFAULT 0,
  month_pixelsteps  double precision NOT NULL DEFAULT 0,
  -- average speed of the last hour's jobs (pixelsteps per second); null: no job in the hour
  hour_performance  double precision,
  PRIMARY KEY (kind, model)
);

-- The roll-up's progress: jobs finished before `watermark` are folded; `refreshed_at` is the
-- instant the windows of stats_models were computed for.
CREATE TABLE stats_rollup (
  id           integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  watermark    timestamptz(3) NOT NULL DEFAULT '-infinity',
  refreshed_at timestamptz(3)
);
INSERT INTO stats_rollup (id) VALUES (1);

-- The horde's modes (AI Horde /status/modes). A single row; the moderation work may replace it
-- with its own table, and only src/modules/stats/horde-status.sql.ts reads it.
CREATE TABLE horde_settings (
  id          integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  maintenance boolean NOT NULL DEFAULT false,
  invite_only boolean NOT NULL DEFAULT false,
  raid        boolean NOT NULL DEFAULT false
);
INSERT INTO horde_settings (id) VALUES (1);
