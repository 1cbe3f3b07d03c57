-- A request's admission counts the requester's jobs still waiting or processing (the concurrency
-- limit, lockRequester in requests.sql.ts). It did so request by request over every live request
-- of the user, finished ones included until they expire: a user who creates many requests (a
-- bot, a frontend's shared account, the anonymous user) paid for all of them on every create,
-- under its admission lock (4.9 ms per create with 570 of its requests live, bench/queue.ts
-- queue-size). Jobs now carry their requester, copied from the request when they are inserted,
-- and an index holds only the jobs still waiting or processing: the count reads those, which the
-- limit itself keeps small, whatever the user's history.
ALTER TABLE jobs ADD COLUMN user_id integer;

-- Only jobs that can still count need it; finished jobs keep NULL (nothing reads it for them).
UPDATE jobs j SET user_id = r.user_id FROM requests r
 WHERE r.id = j.request_id AND j.state IN ('waiting', 'processing');

CREATE INDEX jobs_active_user_idx ON jobs (user_id) WHERE state IN ('waiting', 'processing');

-- As 20261201220001_engine made it, with the requester copied too.
CREATE OR REPLACE FUNCTION jobs_queue_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT r.kind, 5 * extract(epoch FROM r.created_at) - r.priority, r.created_at,
         CASE WHEN r.kind = 'alchemy' THEN ARRAY[NEW.model] ELSE r.models END, r.user_id
    INTO NEW.kind, NEW.queue_rank, NEW.request_created_at, NEW.models, NEW.user_id
    FROM requests r WHERE r.id = NEW.request_id;
  RETURN NEW;
END
$$;
