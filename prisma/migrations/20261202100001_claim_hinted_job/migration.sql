-- A worker's feed that was parked (its last claim found nothing it could take) and is woken by
-- one new request, with no other announcement since it parked, has one new candidate: that
-- request. claim_hinted_job claims a job of it alone, with the same rules as claim_next_job (the
-- worker's lock and room in claim_room, claim_eligible, the model and TTL, SKIP LOCKED), without
-- walking the queue: 0.39 ms against 0.96 ms for the walk (612 live requests, bench/README.md).
-- When it finds nothing the caller runs claim_next_job (jobs.sql.ts, claimNextJob), so a wrong
-- hint costs one more statement, never a job.
--
-- Both functions plan once per connection (a generic plan). Made on a small queue, that plan
-- read `requests` with sequential scans and hash joins, and kept them as the queue grew: 0.25 ms
-- of a 0.96 ms walk at 612 live requests, growing with the table. With sequential scans off
-- inside the functions, every read is an index probe, whatever the table held when the plan was
-- made.
ALTER FUNCTION claim_next_job(uuid, timestamptz, integer, worker_kind) SET enable_seqscan = off;

CREATE FUNCTION claim_hinted_job(uuid, timestamptz, integer, worker_kind, uuid)
RETURNS TABLE (
  room integer, id uuid, kind worker_kind, request_id uuid, prompt text, params jsonb, model text, seed text,
  ttl integer, deadline timestamptz, source_image_key text, source_mask_key text, source_processing text,
  user_id integer, width integer, height integer, max_length integer, max_context_length integer,
  softprompt text, payload jsonb, image_tiles integer, source_image_url text, created_at timestamptz
)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    WITH me AS (
           SELECT w, o.trusted, claim_room(w.id, $3) AS room FROM workers w JOIN users o ON o.id = w.user_id WHERE w.id = $1
         ),
         pick AS (
           SELECT j.id,
                  CASE WHEN j.kind = 'alchemy' THEN j.model
                       ELSE (SELECT m FROM unnest((me.w).models) m WHERE cardinality(r.models) = 0 OR m = ANY (r.models)
                              ORDER BY random() LIMIT 1) END AS model,
                  r.job_ttl * CASE WHEN (me.w).extra_slow THEN 3 ELSE 1 END AS ttl,
                  r.prompt, r.params, r.source_image_key, r.source_mask_key, r.source_processing, r.user_id,
      r.width, r.height, r.max_length, r.max_context_length, r.softprompt, r.image_tiles, r.source_image_url,
                  CASE WHEN r.kind = 'image'
      THEN coalesce(r.params->>'seed', floor(random() * 4294967296)::bigint::text) END AS seed
             FROM me
             JOIN requests r ON r.id = $5 AND r.kind = $4
             -- an alchemy job is one form: the worker must do that form
             JOIN jobs j ON j.request_id = r.id AND j.state = 'waiting'
                        AND (j.kind <> 'alchemy' OR j.model = ANY ((me.w).models))
            WHERE me.room > 0 AND claim_eligible(r.id, me.w, me.trusted, $2)
            ORDER BY j.idx
            LIMIT 1
            FOR UPDATE OF j SKIP LOCKED
         ),
         claimed AS (
      UPDATE jobs j SET state = 'processing', worker_id = $1, claimed_at = $2, model = p.model, seed = p.seed,
             ttl = p.ttl, deadline = $2 + make_interval(secs => p.ttl)
        FROM pick p WHERE j.id = p.id
      RETURNING j.id, j.kind, j.request_id, p.prompt, p.params, j.model, j.seed, j.ttl, j.deadline, p.source_image_key,
                p.source_mask_key, p.source_processing, p.user_id, p.width, p.height, p.max_length,
                p.max_context_length, p.softprompt, j.payload, p.image_tiles, p.source_image_url, j.created_at)
         SELECT (SELECT room FROM me) AS room, c.* FROM (VALUES (1)) AS one (x) LEFT JOIN claimed c ON true;
END
$fn$;
