-- Per-entity statistics (issue 10): counters where a counter is the right tool, and the indexes
-- the windowed figures and a user's request list read.

-- A worker's kudos split as the AI Horde's worker kudos_details (generated / uptime): `kudos`
-- keeps the total, `uptime_kudos` the uptime part (generated = kudos - uptime_kudos). A job
-- taken back when its TTL ran out keeps no trace of the worker but `released_from`, and a
-- retention sweep may delete jobs, so timed-out and FAULTED jobs are counted on the worker too.
ALTER TABLE workers
  ADD COLUMN uptime_kudos numeric(20, 2) NOT NULL DEFAULT 0,
  ADD COLUMN faulted_jobs integer NOT NULL DEFAULT 0,
  ADD COLUMN timed_out_jobs integer NOT NULL DEFAULT 0;

UPDATE workers w SET uptime_kudos = s.total
  FROM (SELECT worker_id, sum(amount) AS total FROM kudos_ledger
         WHERE kind = 'uptime_reward' AND worker_id IS NOT NULL GROUP BY worker_id) s
 WHERE w.id = s.worker_id;
UPDATE workers w SET faulted_jobs = s.n
  FROM (SELECT worker_id, count(*) AS n FROM jobs WHERE state = 'faulted' AND worker_id IS NOT NULL
         GROUP BY worker_id) s
 WHERE w.id = s.worker_id;
UPDATE workers w SET timed_out_jobs = s.n
  FROM (SELECT r.worker_id, count(*) AS n FROM jobs j, unnest(j.released_from) AS r(worker_id)
         GROUP BY r.worker_id) s
 WHERE w.id = s.worker_id;

-- A worker's finished jobs by time: the windowed figures (last hour, day, month), its recent
-- performance and its most-served models read only this index (src/modules/stats/entity-stats.sql.ts).
CREATE INDEX jobs_finished_worker_idx ON jobs (worker_id, submitted_at)
  INCLUDE (pixels, steps, seconds, model)
  WHERE state IN ('ok', 'censored', 'csam');

-- A user's requests newest first (User.requests), ties by id; it also serves every lookup by user.
CREATE INDEX requests_user_created_idx ON requests (user_id, created_at DESC, id DESC);
DROP INDEX IF EXISTS requests_user_id_idx;
