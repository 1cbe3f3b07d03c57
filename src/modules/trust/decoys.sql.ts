import type { Sql } from "../../infra/db.ts";
import type { ClaimedJob } from "../jobs/jobs.sql.ts";

/** How many waiting requests, in queue order, a decoy pick looks at (bounded like the claim's walk). */
export const DECOY_WALK = 64;

/** A request picked for a decoy: what a job of it shows its worker, and what prices it. */
export interface DecoyPick extends Omit<ClaimedJob, "id" | "deadline"> {
  job_kudos: string;
}

/**
 * Picks the request a paused worker is shown as a decoy, and records it as tricked, in one
 * statement: among the first {@link DECOY_WALK} requests with waiting jobs in queue order, the
 * first that is not the worker owner's, that this worker was never tricked with, and that it
 * could have been handed for real were it not paused (`claim_eligible` on `unpaused(w)`). Image
 * workers only: a text job's reward depends on what is delivered, an alchemy job is a form. The
 * `tricked_workers` insert is the guard: two concurrent pops of one worker never get the same
 * request. Null when the worker is not paused (read from its row) or nothing fits. Nothing is
 * claimed: the real jobs stay in the queue.
 */
export async function pickDecoyRequest(sql: Sql, workerId: string, now: Date): Promise<DecoyPick | null> {
  const rows = await sql.query<DecoyPick>(
    `WITH me AS (
       SELECT unpaused(w) AS w, o.trusted FROM workers w JOIN users o ON o.id = w.user_id
        WHERE w.id = $1 AND w.paused AND w.kind = 'image'
     ),
     queue AS (
       SELECT j.request_id, min(j.queue_rank) AS queue_rank, min(j.request_created_at) AS created_at
         FROM (SELECT request_id, queue_rank, request_created_at FROM jobs
                WHERE state = 'waiting' AND kind = 'image' AND EXISTS (SELECT 1 FROM me)
                ORDER BY kind, queue_rank, request_created_at, request_id LIMIT ${DECOY_WALK * 4}) j
        GROUP BY j.request_id
     ),
     candidate AS (
       SELECT q.request_id
         FROM queue q JOIN requests r ON r.id = q.request_id, me
        WHERE r.user_id <> (me.w).user_id
          AND NOT EXISTS (SELECT 1 FROM tricked_workers t WHERE t.worker_id = $1 AND t.request_id = q.request_id)
          AND claim_eligible(q.request_id, me.w, me.trusted, $2)
        ORDER BY q.queue_rank, q.created_at, q.request_id
        LIMIT 1
     ),
     tricked AS (
       INSERT INTO tricked_workers (worker_id, request_id, created_at)
       SELECT $1, request_id, $2 FROM candidate
       ON CONFLICT DO NOTHING
       RETURNING request_id
     )
     SELECT r.id AS request_id, r.kind, r.prompt, r.params, r.source_image_key, r.source_mask_key,
            r.source_processing, r.user_id, r.width, r.height, r.max_length, r.max_context_length, r.softprompt,
            NULL::jsonb AS payload, r.image_tiles, r.source_image_url, $2::timestamptz AS created_at,
            r.job_ttl * CASE WHEN (me.w).extra_slow THEN 3 ELSE 1 END AS ttl,
            (SELECT m FROM unnest((me.w).models) m WHERE cardinality(r.models) = 0 OR m = ANY (r.models)
              ORDER BY random() LIMIT 1) AS model,
            coalesce(r.params->>'seed', floor(random() * 4294967296)::bigint::text) AS seed,
            r.job_kudos::text AS job_kudos
       FROM tricked t JOIN requests r ON r.id = t.request_id, me`,
    [workerId, now],
  );
  return rows[0] ?? null;
}

/** Records a decoy handed out; returns its id (a job id like any other to the worker). */
export async function insertDecoyJob(
  sql: Sql,
  d: { workerId: string; reward: number; deadline: Date; now: Date },
): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    "INSERT INTO decoy_jobs (worker_id, reward, deadline, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    [d.workerId, d.reward.toFixed(2), d.deadline, d.now],
  );
  return rows[0]!.id;
}

/** What a decoy's submit found: its state before, and whether this submit took it. */
export interface DecoySubmitRow {
  reward: string;
  worker_id: string;
  owner_id: number;
  deadline: Date;
  was_submitted: boolean;
  taken: boolean;
}

/**
 * A decoy's submit: the compare-and-set of a real job's (once, by the holding worker's owner,
 * before its deadline), on `decoy_jobs` only. Null when `id` is no decoy.
 */
export async function takeDecoyJob(sql: Sql, id: string, ownerId: number, now: Date): Promise<DecoySubmitRow | null> {
  const rows = await sql.query<DecoySubmitRow>(
    `WITH d AS (
       SELECT d.id, d.worker_id, d.reward, d.deadline, d.submitted_at, w.user_id
         FROM decoy_jobs d JOIN workers w ON w.id = d.worker_id WHERE d.id = $1
     ),
     took AS (
       UPDATE decoy_jobs x SET submitted_at = $3 FROM d
        WHERE x.id = d.id AND d.user_id = $2 AND x.submitted_at IS NULL AND x.deadline > $3
       RETURNING x.id
     )
     SELECT d.reward::text AS reward, d.worker_id, d.user_id AS owner_id, d.deadline, d.submitted_at IS NOT NULL AS was_submitted,
            EXISTS (SELECT 1 FROM took) AS taken
       FROM d`,
    [id, ownerId, now],
  );
  return rows[0] ?? null;
}

/** Deletes decoys handed out before `before` (their submit window is long over). */
export async function deleteOldDecoys(sql: Sql, before: Date): Promise<number> {
  const rows = await sql.query("DELETE FROM decoy_jobs WHERE created_at < $1 RETURNING 1", [before]);
  return rows.length;
}
