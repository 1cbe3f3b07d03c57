-- What real image workers declare (issue 12, "What real image workers need"; reference §3.3).
--
-- Workers keep the rest of their pop declaration, so the claim and the skipped counts read it
-- from the row like the rest: `limit_max_steps`, `allow_sdxl_controlnet`, `require_upfront_kudos`
-- and the ids behind `priorityUsernames` (the AI Horde keeps the last two per request; a worker
-- here also has a feed, which has no request to keep them in). `extra_slow` already exists.
ALTER TABLE workers
  ADD COLUMN limit_max_steps boolean NOT NULL DEFAULT false,
  ADD COLUMN allow_sdxl_controlnet boolean NOT NULL DEFAULT false,
  ADD COLUMN require_upfront_kudos boolean NOT NULL DEFAULT false,
  ADD COLUMN priority_user_ids integer[] NOT NULL DEFAULT '{}';

-- Requests: `extra_slow_workers` (an extra-slow worker only takes requests that allow them) and
-- `steps_above_average`, decided at admission from the model reference (a worker that declared
-- limitMaxSteps skips these): the accurate steps exceed the average of a requested model's
-- min and max steps (20 and 40 when the reference gives none).
ALTER TABLE requests
  ADD COLUMN extra_slow_workers boolean NOT NULL DEFAULT false,
  ADD COLUMN steps_above_average boolean NOT NULL DEFAULT false;

-- requireUpfrontKudos: whether the requester could pay one job of r now, as the AI Horde's
-- can_generate asks: a trusted requester always can; otherwise kudos minus the floor (25 for a
-- registered user, -50 for Anonymous; subtracted only from a positive balance) must cover the
-- job's base price. A separate function so image_eligible stays one expression; it reads the
-- requester's row only for workers that ask (the OR short-circuits in practice).
CREATE FUNCTION requester_can_pay_job(r requests) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT u.trusted
                          OR u.kudos - CASE WHEN u.kudos > 0 THEN (CASE WHEN u.id = 0 THEN -50 ELSE 25 END) ELSE 0 END
                             >= r.job_kudos
                     FROM users u WHERE u.id = r.user_id), false)
$$;

-- The one definition of image eligibility, with the new worker fields. Keep it in step with
-- image_skip_reasons below: a request is eligible exactly when that returns no reason and the
-- worker is neither paused nor (for someone else's request) in maintenance (a test checks it).
CREATE OR REPLACE FUNCTION image_eligible(r requests, w workers, owner_trusted boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT r.width * r.height <= w.max_pixels
    AND (cardinality(r.models) = 0 OR r.models && w.models)
    AND (NOT r.nsfw OR w.nsfw)
    AND (NOT r.trusted_workers OR owner_trusted)
    AND (r.slow_workers OR w.speed >= 500000)
    AND (r.extra_slow_workers OR NOT w.extra_slow)
    AND (NOT r.needs_img2img OR w.allow_img2img)
    AND (NOT r.needs_painting OR w.allow_painting)
    AND (NOT r.needs_post_processing OR w.allow_post_processing)
    AND (NOT r.needs_controlnet OR w.allow_controlnet)
    AND (NOT r.needs_lora OR w.allow_lora)
    AND (NOT w.limit_max_steps OR NOT r.steps_above_average)
    AND (cardinality(r.worker_ids) = 0 OR ((w.id = ANY (r.worker_ids)) <> r.worker_blacklist))
    AND (NOT w.maintenance OR r.user_id = w.user_id)
    AND NOT w.paused
    AND (w.blacklist_pattern IS NULL OR r.prompt !~* w.blacklist_pattern)
    AND (NOT w.require_upfront_kudos OR requester_can_pay_job(r))
$$;

-- Why worker w would skip request r: the reasons of the AI Horde's `skipped` counts (§3.3 step 9;
-- its keys, snake_case), plus `extra_slow_worker`, which it checks but does not count. A paused
-- worker and a worker in maintenance are not counted: the first is told nothing (as there), the
-- second gets WorkerMaintenance. Empty when image_eligible holds.
CREATE FUNCTION image_skip_reasons(r requests, w workers, owner_trusted boolean)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT array_remove(ARRAY[
    CASE WHEN NOT (cardinality(r.models) = 0 OR r.models && w.models) THEN 'models' END,
    CASE WHEN NOT (cardinality(r.worker_ids) = 0 OR ((w.id = ANY (r.worker_ids)) <> r.worker_blacklist))
         THEN 'worker_id' END,
    CASE WHEN r.width * r.height > w.max_pixels THEN 'max_pixels' END,
    CASE WHEN r.needs_img2img AND NOT w.allow_img2img THEN 'img2img' END,
    CASE WHEN r.needs_painting AND NOT w.allow_painting THEN 'painting' END,
    CASE WHEN r.nsfw AND NOT w.nsfw THEN 'nsfw' END,
    CASE WHEN r.needs_lora AND NOT w.allow_lora THEN 'lora' END,
    CASE WHEN r.needs_post_processing AND NOT w.allow_post_processing THEN 'post-processing' END,
    CASE WHEN r.needs_controlnet AND NOT w.allow_controlnet THEN 'controlnet' END,
    CASE WHEN NOT r.slow_workers AND w.speed < 500000 THEN 'performance' END,
    CASE WHEN r.trusted_workers AND NOT owner_trusted THEN 'untrusted' END,
    CASE WHEN w.blacklist_pattern IS NOT NULL AND r.prompt ~* w.blacklist_pattern THEN 'blacklist' END,
    CASE WHEN w.limit_max_steps AND r.steps_above_average THEN 'step_count' END,
    CASE WHEN w.require_upfront_kudos AND NOT requester_can_pay_job(r) THEN 'kudos' END,
    CASE WHEN w.extra_slow AND NOT r.extra_slow_workers THEN 'extra_slow_worker' END
  ], NULL)
$$;
