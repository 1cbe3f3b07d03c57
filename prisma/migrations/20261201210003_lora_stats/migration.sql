-- LoRA usage (issue 10): images generated with each LoRA a request named, folded by the
-- statistics roll-up (src/tasks/stats-rollup.ts) with the same watermark as the model buckets.
-- `lora` is the LoRA's name as requested, or 'version:<id>' when the request gave a version id.

-- Images per LoRA and hour; pruned after 32 days (the month window reads them).
CREATE TABLE stats_lora_hour (
  lora   text NOT NULL,
  hour   timestamptz(0) NOT NULL,
  images bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, lora)
);

-- One row per LoRA ever used: the total (added to by each fold) and the windows as of the last
-- refresh.
CREATE TABLE stats_loras (
  lora         text PRIMARY KEY,
  total_images bigint NOT NULL DEFAULT 0,
  day_images   bigint NOT NULL DEFAULT 0,
  month_images bigint NOT NULL DEFAULT 0
);
-- The most used first, without sorting every LoRA ever used.
CREATE INDEX stats_loras_total_idx ON stats_loras (total_images DESC, lora);
