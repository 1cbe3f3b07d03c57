-- Text kind (issue 12, reference §3.3 text pop): the rules the engine's first text_eligible
-- left to the text module.
--
-- validatedBackends (a request's parameter): the request takes only workers whose bridge is one
-- the AI Horde calls a validated backend (the bridge name before the first ':' of bridge_agent).

-- Whether text worker w may take a job of request r: the lengths it takes, models, nsfw,
-- trusted owners, softprompt (the empty one matches every worker), allow/deny list, maintenance
-- (only its owner's requests), not paused, validated backends (params.validatedBackends), and
-- the slow rule: a request
-- that excludes slow workers needs 3, 4 or 5 tokens/s by the size of the worker's first model
-- (≥ 20B: 3, ≥ 13B: 4, otherwise or unknown: 5; a worker with no models: 3). The size is read
-- from the model table (known_models kind 'text', parameters), filled from workers'
-- declarations.
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
    AND (r.slow_workers OR w.speed >= CASE
          WHEN cardinality(w.models) = 0 THEN 3
          ELSE coalesce((SELECT CASE WHEN k.parameters >= 20000000000 THEN 3
                                     WHEN k.parameters >= 13000000000 THEN 4 ELSE 5 END
                           FROM known_models k
                          WHERE k.name = w.models[1] AND k.kind = 'text' AND k.parameters IS NOT NULL), 5)
        END)
$$;
