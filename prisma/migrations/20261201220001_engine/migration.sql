-- One engine for three kinds of work (issue 12): image, text and alchemy share the requests and
-- jobs tables, one claim, one TTL and fault machinery and one settlement. Each kind adds only its
-- own columns here, and its own eligibility function, which claim_eligible dispatches to.

-- Text (reference §2.3): the generation's length and context; the softprompt it needs.
-- Alchemy (§2.7): the source image's size in 512×512 tiles, and the URL it was given by.
ALTER TABLE requests
  ADD COLUMN max_length integer NOT NULL DEFAULT 0,
  ADD COLUMN max_context_length integer NOT NULL DEFAULT 0,
  ADD COLUMN softprompt text,
  ADD COLUMN image_tiles integer NOT NULL DEFAULT 0,
  ADD COLUMN source_image_url text;

-- A job's kind (its request's, copied at insert), what a settled job counts for (`things`:
-- pixelsteps for image, tokens for text, 1 for an alchemy form), a text or alchemy result, and
-- an alchemy form's payload. An alchemy job's `model` is its form, set when it is inserted.
ALTER TABLE jobs
  ADD COLUMN kind worker_kind,
  ADD COLUMN result jsonb,
  ADD COLUMN things double precision,
  ADD COLUMN payload jsonb;
UPDATE jobs j SET kind = r.kind FROM requests r WHERE r.id = j.request_id;
UPDATE jobs SET things = pixels::float8 * steps WHERE pixels IS NOT NULL AND steps IS NOT NULL;
ALTER TABLE jobs ALTER COLUMN kind SET NOT NULL;

-- Text workers (§2.2): the longest generation and context they take, their softprompts, tokens
-- generated. Alchemy workers: the largest image they take in tiles, forms done; their forms are
-- kept in `models`, so the claim's model look-ups serve them unchanged.
ALTER TABLE workers
  ADD COLUMN max_length integer NOT NULL DEFAULT 80,
  ADD COLUMN max_context_length integer NOT NULL DEFAULT 2048,
  ADD COLUMN softprompts text[] NOT NULL DEFAULT '{}',
  ADD COLUMN max_tiles integer NOT NULL DEFAULT 16,
  ADD COLUMN tokens double precision NOT NULL DEFAULT 0,
  ADD COLUMN forms bigint NOT NULL DEFAULT 0;

-- A text model's size (parameters), which prices its tokens (§4.2).
ALTER TABLE known_models ADD COLUMN parameters bigint;

-- Every insert of a job gets its request's kind, place in the queue and models here. An alchemy
-- job is one form: its `models` is that form alone, so a worker finds it by the forms it does.
CREATE OR REPLACE FUNCTION jobs_queue_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT r.kind, 5 * extract(epoch FROM r.created_at) - r.priority, r.created_at,
         CASE WHEN r.kind = 'alchemy' THEN ARRAY[NEW.model] ELSE r.models END
    INTO NEW.kind, NEW.queue_rank, NEW.request_created_at, NEW.models
    FROM requests r WHERE r.id = NEW.request_id;
  RETURN NEW;
END
$$;

-- One queue per kind: the claim walks only its own kind's waiting jobs.
DROP INDEX jobs_queue_idx;
CREATE INDEX jobs_queue_idx ON jobs (kind, queue_rank, request_created_at, request_id) WHERE state = 'waiting';
DROP INDEX jobs_waiting_any_model_idx;
CREATE INDEX jobs_waiting_any_model_idx ON jobs (kind, queue_rank) WHERE state = 'waiting' AND cardinality(models) = 0;

-- Whether text worker w may take a job of request r (§3.3, text pop). Like image_eligible: one
-- expression, inlined where it is called. `slow_workers = false` needs 3 tokens/s at least (the
-- reference's threshold for the largest models; the text module may refine it by model size).
CREATE FUNCTION text_eligible(r requests, w workers, owner_trusted boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT r.max_length <= w.max_length
    AND r.max_context_length <= w.max_context_length
    AND (cardinality(r.models) = 0 OR r.models && w.models)
    AND (NOT r.nsfw OR w.nsfw)
    AND (NOT r.trusted_workers OR owner_trusted)
    AND (r.slow_workers OR w.speed >= 3)
    AND (coalesce(r.softprompt, '') = '' OR r.softprompt = ANY (w.softprompts))
    AND (cardinality(r.worker_ids) = 0 OR ((w.id = ANY (r.worker_ids)) <> r.worker_blacklist))
    AND (NOT w.maintenance OR r.user_id = w.user_id)
    AND NOT w.paused
$$;

-- Whether alchemy worker w may take a form of request r (§3.3, interrogation pop): some form it
-- does (the claim then picks a job whose form is one of them), an image no larger than its
-- tiles, and the speed rule: an alchemy worker's speed is seconds per form, and a slow one (10 s
-- or more) only gets requests that accept slow workers.
CREATE FUNCTION alchemy_eligible(r requests, w workers, owner_trusted boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT r.image_tiles <= w.max_tiles
    AND r.models && w.models
    AND (NOT r.trusted_workers OR owner_trusted)
    AND (r.slow_workers OR w.speed < 10)
    AND (cardinality(r.worker_ids) = 0 OR ((w.id = ANY (r.worker_ids)) <> r.worker_blacklist))
    AND (NOT w.maintenance OR r.user_id = w.user_id)
    AND NOT w.paused
$$;

-- The claim's per-request test, for any kind: the request is live and of the worker's kind, and
-- the kind's own rule lets this worker take it.
CREATE OR REPLACE FUNCTION claim_eligible(rid uuid, w workers, owner_trusted boolean, at timestamptz)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT r.kind = w.kind AND NOT r.faulted AND NOT r.cancelled AND NOT r.expired
                          AND r.expires_at > at
                          AND CASE r.kind
                                WHEN 'image' THEN image_eligible(r, w, owner_trusted)
                                WHEN 'text' THEN text_eligible(r, w, owner_trusted)
                                ELSE alchemy_eligible(r, w, owner_trusted)
                              END
                     FROM requests r WHERE r.id = rid), false);
END
$$;
