import type { Sql } from "../../infra/db.ts";
import { LIVE, QUEUE_ORDER } from "../queue/queue.rules.ts";

/** The three kinds of work (the `worker_kind` enum). */
export type Kind = "image" | "text" | "alchemy";

/** A job as handed to a worker: the common fields and each kind's own (null or 0 for the others). */
export interface ClaimedJob {
  id: string;
  kind: Kind;
  request_id: string;
  prompt: string;
  params: Record<string, unknown>;
  model: string;
  /** image only (null for text and alchemy) */
  seed: string | null;
  ttl: number;
  deadline: Date;
  source_image_key: string | null;
  source_mask_key: string | null;
  source_processing: string | null;
  user_id: number;
  width: number;
  height: number;
  /** text: the longest generation and context the request asks for, and its softprompt */
  max_length: number;
  max_context_length: number;
  softprompt: string | null;
  /** alchemy: the form's payload, the source image's tiles and the URL it was given by */
  payload: unknown;
  image_tiles: number;
  source_image_url: string | null;
  /** When the job was created: the pickup latency's start (/metrics). */
  created_at: Date;
}

const CLAIM_SET = `
  UPDATE jobs j SET state = 'processing', worker_id = $1, claimed_at = $2, model = p.model, seed = p.seed,
         ttl = p.ttl, deadline = $2 + make_interval(secs => p.ttl)
    FROM pick p WHERE j.id = p.id
  RETURNING j.id, j.kind, j.request_id, p.prompt, p.params, j.model, j.seed, j.ttl, j.deadline, p.source_image_key,
            p.source_mask_key, p.source_processing, p.user_id, p.width, p.height, p.max_length,
            p.max_context_length, p.softprompt, j.payload, p.image_tiles, p.source_image_url, j.created_at`;

/** The request's columns every kind's job carries (pick's select list, after the job's id). */
const REQUEST_FIELDS = `r.prompt, r.params, r.source_image_key, r.source_mask_key, r.source_processing, r.user_id,
  r.width, r.height, r.max_length, r.max_context_length, r.softprompt, r.image_tiles, r.source_image_url`;

/** An image job's seed: the request's, or a random 32-bit one per claim; none for other kinds. */
const SEED = `CASE WHEN r.kind = 'image'
  THEN coalesce(r.params->>'seed', floor(random() * 4294967296)::bigint::text) END`;

/** How many requests with waiting jobs the claim walks in queue order before it looks by model. */
export const CLAIM_WALK = 16;

/**
 * Whether request `id` is live and `image_eligible` for the worker in `me` (claim_eligible,
 * migration); nothing at all when the worker has no room, which ends the walk at its first step.
 */
const eligibleAt = (id: string) => `SELECT claim_eligible(${id}, me.w, me.trusted, $2) AS ok FROM me WHERE me.room > 0`;

/** A cap no worker reaches: claims that enforce none (tests, benchmarks). */
export const NO_CAP = 2_147_483_647;

/** One claim's outcome: the job, if any, and how many more the worker could hold before it. */
export interface Claim {
  job: ClaimedJob | null;
  /** The worker's free slots under `cap` when the claim began (before this job), counted under its lock. */
  room: number;
}

/** The next request of the worker's kind ($4) with waiting jobs after `after` in queue order: one probe of jobs_queue_idx. */
const nextWaiting = (after: string | null) => `
  SELECT j.queue_rank, j.request_created_at, j.request_id FROM jobs j
   WHERE j.kind = $4 AND j.state = 'waiting'${after ? ` AND (j.queue_rank, j.request_created_at, j.request_id) > (${after})` : ""}
   ORDER BY j.queue_rank, j.request_created_at, j.request_id LIMIT 1`;

/**
 * The claim: the best job this worker may take, marked PROCESSING for it, in one statement whose
 * cost does not grow with the queue (issue 9; figures in bench/README.md), and which holds the
 * worker to `cap` jobs held at once.
 *
 * `me` calls `claim_room` (migration 20261201200001) before anything is locked: it serialises
 * this worker's claims (advisory lock until commit), counts the jobs it holds with a snapshot
 * taken after the lock, so a claim committed by a concurrent pop of the same worker is counted,
 * and makes this transaction's commit asynchronous (a lost claim only returns the job to the
 * queue: docs/FAILURE-MODES.md). With no room left every source of candidates is empty. Run it
 * in a transaction of its own (autocommit), or one that only claims.
 *
 * Candidates, best first: the worker owner's own live requests with waiting jobs (a few, through
 * requests_live_user_idx), then the queue itself. `walk` reads jobs_queue_idx, which holds only
 * waiting jobs in queue order, one request at a time (each step jumps past the request's other
 * jobs), and checks `image_eligible` on each request in that order, stopping at 4 eligible ones
 * or after {@link CLAIM_WALK} requests. Requests whose jobs are all claimed are not in the index,
 * so they cost nothing. Only when the walk met nothing but requests this worker cannot serve
 * (a rare model behind a queue of others) does `far` look the waiting jobs up by the worker's
 * models and of requests that take any model (jobs_waiting_models_idx, jobs_waiting_any_model_idx):
 * then the cost is the waiting jobs of its models, not the queue. It takes a few candidates, not
 * one, so that when concurrent claims hold every waiting job of the best request the next one is
 * tried in the same statement. `pick` then locks one job of those, in that order, with SKIP
 * LOCKED: concurrent claims never wait for each other's jobs and never take the same job (a job
 * taken since this statement's snapshot fails FOR UPDATE's re-check of `state`). Only the chosen
 * job row is locked. Used by popImageJob and by every worker feed.
 */
export async function claimNextJob(
  sql: Sql,
  workerId: string,
  now: Date,
  cap: number,
  kind: Kind = "image",
): Promise<Claim> {
  const rows = await sql.query<Omit<ClaimedJob, "id"> & { room: number | null; id: string | null }>(
    `WITH RECURSIVE me AS (
       SELECT w, o.trusted, claim_room(w.id, $3) AS room FROM workers w JOIN users o ON o.id = w.user_id WHERE w.id = $1
     ),
     walk AS (
       SELECT f.queue_rank, f.request_created_at, f.request_id, 1 AS step, e.ok, e.ok::int AS found
         FROM (${nextWaiting(null)}) f CROSS JOIN LATERAL (${eligibleAt("f.request_id")}) e
       UNION ALL
       SELECT n.queue_rank, n.request_created_at, n.request_id, walk.step + 1, e.ok, walk.found + e.ok::int
         FROM walk
        CROSS JOIN LATERAL (${nextWaiting("walk.queue_rank, walk.request_created_at, walk.request_id")}) n
        CROSS JOIN LATERAL (${eligibleAt("n.request_id")}) e
        WHERE walk.step < ${CLAIM_WALK} AND walk.found < 4
     ),
     own AS (
       SELECT r.id AS request_id, 5 * extract(epoch FROM r.created_at) - r.priority AS queue_rank, r.created_at
         FROM me JOIN requests r ON r.user_id = (me.w).user_id AND ${LIVE}
        WHERE me.room > 0 AND claim_eligible(r.id, me.w, me.trusted, $2)
          AND (SELECT true FROM jobs x WHERE x.request_id = r.id AND x.state = 'waiting' LIMIT 1)
        ORDER BY 2, 3, 1 LIMIT 4
     ),
     far AS (
       SELECT f.request_id, f.queue_rank, f.created_at
         FROM (SELECT j.request_id, min(j.queue_rank) AS queue_rank, min(j.request_created_at) AS created_at
                 FROM me, jobs j
                WHERE j.state = 'waiting' AND j.kind = $4 AND (j.models && (me.w).models OR cardinality(j.models) = 0)
                  AND (SELECT count(*) FROM walk) >= ${CLAIM_WALK} AND NOT EXISTS (SELECT 1 FROM walk WHERE ok)
                GROUP BY j.request_id) f
        CROSS JOIN LATERAL (${eligibleAt("f.request_id")}) e
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
       SELECT j.id, CASE WHEN j.kind = 'alchemy' THEN j.model ELSE c.model END AS model, c.ttl, ${REQUEST_FIELDS},
              ${SEED} AS seed
         FROM candidates c
         -- an alchemy job is one form: the worker must do that form
         JOIN jobs j ON j.request_id = c.request_id AND j.state = 'waiting'
                    AND (j.kind <> 'alchemy' OR j.model = ANY (c.worker_models))
         JOIN requests r ON r.id = c.request_id
        ORDER BY c.own DESC, c.queue_rank, c.created_at, c.request_id, j.idx
        LIMIT 1
        FOR UPDATE OF j SKIP LOCKED
     ),
     claimed AS (${CLAIM_SET})
     SELECT (SELECT room FROM me) AS room, c.* FROM (VALUES (1)) AS one (x) LEFT JOIN claimed c ON true`,
    [workerId, now, cap, kind],
    { name: "claim_next_job" },
  );
  const row = rows[0];
  if (!row) return { job: null, room: 0 };
  const { room, ...job } = row;
  return { room: room ?? 0, job: job.id === null ? null : (job as ClaimedJob) };
}

/** {@link claimNextJob} with no cap on held jobs: the job, or null. */
export async function claimImageJob(
  sql: Sql,
  workerId: string,
  now: Date,
  kind: Kind = "image",
): Promise<ClaimedJob | null> {
  return (await claimNextJob(sql, workerId, now, NO_CAP, kind)).job;
}

/**
 * More jobs of the same request for a batching worker (amount > 1), with the model the first
 * job got, so the whole batch runs on one model. Same locking as {@link claimNextJob}; run in the
 * transaction of the claim that took the first job, which holds the worker's claim lock, and
 * ask for no more than that claim's `room` allows.
 */
export async function claimMoreOfRequest(
  sql: Sql,
  workerId: string,
  requestId: string,
  model: string,
  count: number,
  now: Date,
): Promise<ClaimedJob[]> {
  if (count <= 0) return [];
  return sql.query<ClaimedJob>(
    `WITH pick AS (
       SELECT j.id, ${REQUEST_FIELDS}, $4::text AS model, ${SEED} AS seed,
              r.job_ttl * CASE WHEN w.extra_slow THEN 3 ELSE 1 END AS ttl
         FROM workers w
         JOIN requests r ON r.id = $3 AND ${LIVE} AND r.expires_at > $2
         JOIN jobs j ON j.request_id = r.id AND j.state = 'waiting'
        WHERE w.id = $1
        ORDER BY j.idx
        LIMIT $5
        FOR UPDATE OF j SKIP LOCKED
     )${CLAIM_SET}`,
    [workerId, now, requestId, model, count],
  );
}

/** A job back in the queue forgets its model (the next claim picks one), unless it is an alchemy form. */
const KEPT_MODEL = "CASE WHEN kind = 'alchemy' THEN model END";

/** A job taken back from its worker. */
export interface ReleasedJob {
  id: string;
  kind: Kind;
  request_id: string;
  worker_id: string;
}

/**
 * Re-queues PROCESSING jobs whose deadline passed: back to WAITING, one more restart, the
 * worker remembered in `released_from` (for its late submit's answer and the request's fault
 * count). SKIP LOCKED leaves a job being submitted right now to its submit. Returns what was
 * released so the caller can log the workers' aborted jobs (the workers module) and tell feeds
 * and subscribers.
 */
export async function requeueExpiredJobs(sql: Sql, now: Date, limit = 500): Promise<ReleasedJob[]> {
  return sql.query<ReleasedJob>(
    `WITH stale AS (
       SELECT id, worker_id FROM jobs WHERE state = 'processing' AND deadline < $1
        ORDER BY deadline LIMIT $2 FOR UPDATE SKIP LOCKED
     ),
     rel AS (
       UPDATE jobs j SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = ${KEPT_MODEL},
              seed = NULL, ttl = 0, restarts = restarts + 1, released_from = released_from || stale.worker_id
         FROM stale WHERE j.id = stale.id
       RETURNING j.id, j.kind, j.request_id, stale.worker_id
     )
     SELECT id, kind, request_id, worker_id FROM rel`,
    [now, limit],
  );
}

/** Gives a just-claimed job straight back (its feed's client left before it was delivered). */
export async function unclaimJobs(sql: Sql, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(
    `UPDATE jobs SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = ${KEPT_MODEL},
            seed = NULL, ttl = 0
      WHERE id = ANY($1::uuid[]) AND state = 'processing'`,
    [ids],
  );
}

/** The jobs a worker holds unsubmitted (a reconnecting feed counts them against its limit). */
export async function outstandingJobs(sql: Sql, workerId: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>("SELECT id FROM jobs WHERE worker_id = $1 AND state = 'processing'", [
    workerId,
  ]);
  return rows.map((r) => r.id);
}

/** Requests with claimable jobs, for the safety sweep that wakes idle feeds. */
export async function requestsWithWaitingJobs(
  sql: Sql,
  now: Date,
  limit = 200,
): Promise<({ id: string; count: number } & WakeFacts)[]> {
  return sql.query(
    `SELECT r.id, count(*)::int AS count, r.kind, r.models, r.width * r.height AS pixels, r.nsfw, r.user_id
       FROM requests r JOIN jobs j ON j.request_id = r.id AND j.state = 'waiting'
      WHERE ${LIVE} AND r.expires_at > $1
      GROUP BY r.id ORDER BY ${QUEUE_ORDER} LIMIT $2`,
    [now, limit],
  );
}

/** What a feed's wake-up needs to know of a request (models, size, nsfw, requester). */
export interface WakeFacts {
  kind: Kind;
  models: string[];
  pixels: number;
  nsfw: boolean;
  user_id: number;
}

/** The wake-up facts of a request, or null when it is gone. */
export async function readWakeFacts(sql: Sql, requestId: string): Promise<WakeFacts | null> {
  const rows = await sql.query<WakeFacts>(
    "SELECT kind, models, width * height AS pixels, nsfw, user_id FROM requests WHERE id = $1",
    [requestId],
  );
  return rows[0] ?? null;
}
