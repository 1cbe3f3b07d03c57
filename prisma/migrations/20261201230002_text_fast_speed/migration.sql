-- The text claim inlines text_eligible again (issue 12 benchmark): the slow rule read the size of
-- the worker's first model from the model table in a subquery, which keeps Postgres from inlining
-- the function, and a claim of a text job cost 2.5 ms where an image claim costs 0.8
-- (bench/kinds.ts). The threshold depends only on the worker's declaration, so the check-in now
-- stores it (text.kind.ts: 3, 4 or 5 tokens/s by the first model's size, 3 with no models) and
-- the rule compares two columns.
ALTER TABLE workers ADD COLUMN fast_speed double precision NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION text_eligible(r requests, w workers, owner_trusted boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT r.max_length <= w.max_length
    AND r.max_context_length <= w.max_context_length
    AND (cardinality(r.models) = 0 OR r.models && w.models)
    AND (NOT r.nsfw OR w.nsfw)
    AND (NOT r.trusted_workers OR owner_trusted)
    AND (coalesce(r.softprompt, '') = '' OR r.softprompt = ANY (w.softprompts))
    AND (cardinality(r.worker_ids) = 0 OR ((w.id = ANY (r.worker_ids)) <> r.worker_blacklist))
    AND (NOT w.maintenance OR r.user_id = w.user_id)
    AND NOT w.paused
    AND (coalesce((r.params->>'validatedBackends')::boolean, false) = false OR split_part(w.bridge_agent, ':', 1) = ANY (ARRAY[
          'AI Horde Worker', 'AI Horde Worker~aphrodite~oai', 'AI Horde Worker~aphrodite~kai',
          'KoboldCppEmbedWorker', 'TabbyAPI']))
    AND (r.slow_workers OR w.speed >= w.fast_speed)
$$;
