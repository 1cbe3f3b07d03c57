-- A request's finished images and their pixelsteps, kept by the settlement in the update of the
-- request row it already makes, so a user's usage (User.stats imagesGenerated,
-- megapixelstepsReceived) sums one row per request instead of reading every job: measured
-- 456 ms for a user with 100,000 finished jobs before (bench/README.md, stats-entities).
ALTER TABLE requests
  ADD COLUMN finished_images integer NOT NULL DEFAULT 0,
  ADD COLUMN finished_pixelsteps double precision NOT NULL DEFAULT 0;

UPDATE requests r SET finished_images = s.n, finished_pixelsteps = s.ps
  FROM (SELECT request_id, count(*) AS n, coalesce(sum(pixels::float8 * steps), 0) AS ps
          FROM jobs WHERE state IN ('ok', 'censored', 'csam') GROUP BY request_id) s
 WHERE r.id = s.request_id;
