-- The claim's first branch, the worker's own and priority users' requests, probes for a waiting
-- job only on those users' requests. The probe was a subquery in the same WHERE as the user test;
-- with the generic plan made at a connection's first claim on a small queue (a sequential scan
-- of requests), it ran inside the scan on every live request, before the user test: 281 probes
-- and 1.1 ms of a 3.1 ms claim with 300 live requests of other users. Now the users' requests are
-- found first (OFFSET 0 keeps that subquery whole; with a large queue it is an index scan of
-- requests_live_user_idx), then each is probed (LATERAL, LIMIT 1). Starting from the users with
-- unnest() instead was tried: its generic plan hashed them and scanned every live request (1.5 ms
-- at 4,000). Everything else is claim_next_job as 20261202000002 made it.
--
-- The walk's bound (16 requests) is CLAIM_WALK in jobs.sql.ts; a test reads it here.
CREATE OR REPLACE FUNCTION claim_next_job(uuid, timestamptz, integer, worker_kind)
RETURNS TABLE (
  room integer, id uuid, kind worker_kind, request_id uuid, prompt text, params jsonb, model text, seed text,
  ttl integer, deadline timestamptz, source_image_key text, source_mask_key text, source_processing text,
  user_id integer, width integer, height integer, max_length integer, max_context_length integer,
  softprompt text, payload jsonb, image_tiles integer, source_image_url text, created_at timestamptz
)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    WITH RECURSIVE me AS (
           SELECT w, o.trusted, claim_room(w.id, $3) AS room FROM workers w JOIN users o ON o.id = w.user_id WHERE w.id = $1
         ),
         walk AS (
           SELECT f.queue_rank, f.request_created_at, f.request_id, 1 AS step, e.ok, e.ok::int AS found
             FROM (
      SELECT j.queue_rank, j.request_created_at, j.request_id FROM jobs j
       WHERE j.kind = $4 AND j.state = 'waiting'
       ORDER BY j.queue_rank, j.request_created_at, j.request_id LIMIT 1) f CROSS JOIN LATERAL (SELECT claim_eligible(f.request_id, me.w, me.trusted, $2) AS ok FROM me WHERE me.room > 0) e
           UNION ALL
           SELECT n.queue_rank, n.request_created_at, n.request_id, walk.step + 1, e.ok, walk.found + e.ok::int
             FROM walk
            CROSS JOIN LATERAL (
      SELECT j.queue_rank, j.request_created_at, j.request_id FROM jobs j
       WHERE j.kind = $4 AND j.state = 'waiting' AND (j.queue_rank, j.request_created_at, j.request_id) > (walk.queue_rank, walk.request_created_at, walk.request_id)
       ORDER BY j.queue_rank, j.request_created_at, j.request_id LIMIT 1) n
            CROSS JOIN LATERAL (SELECT claim_eligible(n.request_id, me.w, me.trusted, $2) AS ok FROM me WHERE me.room > 0) e
            WHERE walk.step < 16 AND walk.found < 4
         ),
         own AS (
           SELECT o.request_id, o.queue_rank, o.created_at
             FROM (SELECT r.id AS request_id, 5 * extract(epoch FROM r.created_at) - r.priority AS queue_rank, r.created_at
                     FROM me JOIN requests r ON r.user_id = ANY ((me.w).user_id || (me.w).priority_user_ids)
                                            AND NOT r.faulted AND NOT r.cancelled AND NOT r.expired
                    WHERE me.room > 0 AND claim_eligible(r.id, me.w, me.trusted, $2)
                   OFFSET 0) o
            CROSS JOIN LATERAL (SELECT 1 FROM jobs x WHERE x.request_id = o.request_id AND x.state = 'waiting' LIMIT 1) waiting
            ORDER BY 2, 3, 1 LIMIT 4
         ),
         far AS (
           SELECT f.request_id, f.queue_rank, f.created_at
             FROM (SELECT j.request_id, min(j.queue_rank) AS queue_rank, min(j.request_created_at) AS created_at
                     FROM me, jobs j
                    WHERE j.state = 'waiting' AND j.kind = $4 AND (j.models && (me.w).models OR cardinality(j.models) = 0)
                      AND (SELECT count(*) FROM walk) >= 16 AND NOT EXISTS (SELECT 1 FROM walk WHERE ok)
                    GROUP BY j.request_id) f
            CROSS JOIN LATERAL (SELECT claim_eligible(f.request_id, me.w, me.trusted, $2) AS ok FROM me WHERE me.room > 0) e
            WHERE e.ok
            ORDER BY 2, 3, 1 LIMIT 4
         ),
         ranked AS (
           SELECT true AS own, request_id, queue_rank, created_at FROM own
           UNION ALL
           SELECT false, request_id, queue_rank, request_created_at FROM walk WHERE ok
           UNION ALL
           SELECT false, request_id, queue_rank, created_at FROM far
           ORDER BY 1 DESC, 3, 4, 2 LIMIT 4
         ),
         candidates AS (
           SELECT c.*, r.job_ttl * CASE WHEN (me.w).extra_slow THEN 3 ELSE 1 END AS ttl,
                  (SELECT m FROM unnest((me.w).models) m WHERE cardinality(r.models) = 0 OR m = ANY (r.models)
                    ORDER BY random() LIMIT 1) AS model,
                  (me.w).models AS worker_models
             FROM ranked c JOIN requests r ON r.id = c.request_id, me
            WHERE me.room > 0
         ),
         pick AS (
           SELECT j.id, CASE WHEN j.kind = 'alchemy' THEN j.model ELSE c.model END AS model, c.ttl, r.prompt, r.params, r.source_image_key, r.source_mask_key, r.source_processing, r.user_id,
      r.width, r.height, r.max_length, r.max_context_length, r.softprompt, r.image_tiles, r.source_image_url,
                  CASE WHEN r.kind = 'image'
      THEN coalesce(r.params->>'seed', floor(random() * 4294967296)::bigint::text) END AS seed
             FROM candidates c
             -- an alchemy job is one form: the worker must do that form
             JOIN jobs j ON j.request_id = c.request_id AND j.state = 'waiting'
                        AND (j.kind <> 'alchemy' OR j.model = ANY (c.worker_models))
             JOIN requests r ON r.id = c.request_id
            ORDER BY c.own DESC, c.queue_rank, c.created_at, c.request_id, j.idx
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
