-- claim_room counted a worker's held jobs with count(*), which Postgres answers with an
-- index-only scan of jobs_processing_worker_idx. Every job a worker has held since the last
-- vacuum leaves a dead entry there (the job left 'processing'), and an index-only scan visits the
-- heap for each of them every time without ever marking them dead: a worker's claim grew slower
-- with every job it did (3.2 ms of a 4 ms claim after 600 claims, bench/kinds.ts). count(id)
-- needs the row, so the scan is a plain index scan, which marks an entry dead the first time it
-- finds its row gone; later claims skip it.
CREATE OR REPLACE FUNCTION claim_room(worker uuid, cap integer) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  held integer;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(4, hashtext(worker::text));
  SELECT count(id) INTO held FROM jobs WHERE worker_id = worker AND state = 'processing';
  RETURN greatest(cap - held, 0);
END
$$;
