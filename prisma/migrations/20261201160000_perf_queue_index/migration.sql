-- The queue as an index (issue 9): a claim whose cost does not grow with the queue.
--
-- A waiting job carries its request's place in the queue and its request's models, copied when
-- the job is inserted (a request's priority, creation time and models never change afterwards),
-- so the waiting jobs can be read in queue order, or by model, straight from partial indexes that
-- hold only what can be claimed. Postgres maintains the indexes as jobs change state: nothing
-- else has to keep a count or a flag in step, and no request row is written by a claim.

-- Queue order ascending: 5·created − priority (the same order as requests.sql.ts QUEUE_KEY
-- descending), then the request's creation time, then its id.
ALTER TABLE jobs
  ADD COLUMN queue_rank numeric,
  ADD COLUMN request_created_at timestamptz(3),
  ADD COLUMN models text[] NOT NULL DEFAULT '{}';

UPDATE jobs j SET queue_rank = 5 * extract(epoch FROM r.created_at) - r.priority,
       request_created_at = r.created_at, models = r.models
  FROM requests r WHERE r.id = j.request_id;

-- Every insert of a job (admission, a FAULTED job's replacement, anything later) gets them from
-- its request here, so no insert statement has to repeat the rule.
CREATE FUNCTION jobs_queue_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT 5 * extract(epoch FROM r.created_at) - r.priority, r.created_at, r.models
    INTO NEW.queue_rank, NEW.request_created_at, NEW.models
    FROM requests r WHERE r.id = NEW.request_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER jobs_queue_columns BEFORE INSERT ON jobs
  FOR EACH ROW EXECUTE FUNCTION jobs_queue_columns();

-- The claim walks this one request at a time, in queue order (jobs.sql.ts, claimImageJob).
CREATE INDEX jobs_queue_idx ON jobs (queue_rank, request_created_at, request_id) WHERE state = 'waiting';
-- A worker that the first requests in queue order cannot serve (a rare model) looks up the
-- waiting jobs of its models, and of requests that accept any model, instead.
-- fastupdate off: a claim reads this index only when it needs it, and must not then scan a
-- pending list of every job queued since the last vacuum.
CREATE INDEX jobs_waiting_models_idx ON jobs USING gin (models) WITH (fastupdate = off) WHERE state = 'waiting';
CREATE INDEX jobs_waiting_any_model_idx ON jobs (queue_rank) WHERE state = 'waiting' AND cardinality(models) = 0;
-- A worker owner's own live requests come first in its claims.
CREATE INDEX requests_live_user_idx ON requests (user_id) WHERE NOT faulted AND NOT cancelled AND NOT expired;

-- The claim's per-request test: live, not past its expiry, and image_eligible (the one rule) for
-- worker w. PL/pgSQL on purpose: its plan is prepared once per connection, where the rule
-- inlined at each place the claim tests a request made the claim's planning cost more than its
-- execution (measured: bench/README.md).
CREATE FUNCTION claim_eligible(rid uuid, w workers, owner_trusted boolean, at timestamptz)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT r.kind = 'image' AND NOT r.faulted AND NOT r.cancelled AND NOT r.expired
                          AND r.expires_at > at AND image_eligible(r, w, owner_trusted)
                     FROM requests r WHERE r.id = rid), false);
END
$$;
