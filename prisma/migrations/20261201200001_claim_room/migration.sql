-- The claim in one statement (issue 9): the per-worker cap on held jobs moves into the claim.
--
-- claim_room is called by the claim statement itself (jobs.sql.ts, claimImageJob), before it
-- locks any job. It serialises one worker's claims (transaction-scoped advisory lock, namespace
-- 4, keyed by a hash of the worker's id: a collision only makes two workers' claims wait for each
-- other) and counts what the worker holds. VOLATILE on purpose: under READ COMMITTED each
-- statement of a volatile function takes a fresh snapshot, so the count, read after the lock is
-- held, sees the claim that the previous holder of the lock committed; the calling statement's
-- own, older snapshot only decides which jobs it tries, and a job taken meanwhile fails its
-- FOR UPDATE re-check. So the cap holds under concurrent pops of one worker in one round trip,
-- where it used to take a transaction of four (BEGIN, lock, count, claim, COMMIT).
--
-- It also makes the claim's transaction commit without waiting for the WAL flush
-- (synchronous_commit = off, for this transaction only): a claim lost in a crash only returns
-- the job to the queue, and the worker's submit is then refused (docs/FAILURE-MODES.md).
-- Everything else, settlements first, keeps full durability; a settlement's commit flushes the
-- WAL up to itself, so the claim of any job that was settled is on disk too.
CREATE FUNCTION claim_room(worker uuid, cap integer) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  held integer;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(4, hashtext(worker::text));
  SELECT count(*) INTO held FROM jobs WHERE worker_id = worker AND state = 'processing';
  RETURN greatest(cap - held, 0);
END
$$;

-- What a worker holds unsubmitted, without reading every job it ever ran (jobs_worker_id_idx
-- holds them all): the claim's count, a feed's opening count and the sweep's recount.
CREATE INDEX jobs_processing_worker_idx ON jobs (worker_id) WHERE state = 'processing';
