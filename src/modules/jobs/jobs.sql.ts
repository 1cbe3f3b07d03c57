import type { Sql } from "../../infra/db.ts";
import { LIVE, QUEUE_KEY, QUEUE_ORDER } from "../queue/queue.rules.ts";

/** A job as handed to a worker. */
export interface ClaimedJob {
  id: string;
  request_id: string;
  prompt: string;
  params: Record<string, unknown>;
  model: string;
  seed: string;
  ttl: number;
  deadline: Date;
  source_image_key: string | null;
  source_mask_key: string | null;
  source_processing: string | null;
  user_id: number;
  width: number;
  height: number;
}

const CLAIM_SET = `
  UPDATE jobs j SET state = 'processing', worker_id = $1, claimed_at = $2, model = p.model, seed = p.seed,
         ttl = p.ttl, deadline = $2 + make_interval(secs => p.ttl)
    FROM pick p WHERE j.id = p.id
  RETURNING j.id, j.request_id, p.prompt, p.params, j.model, j.seed, j.ttl, j.deadline, p.source_image_key,
            p.source_mask_key, p.source_processing, p.user_id, p.width, p.height`;

/**
 * The claim: the best job this worker may take, marked PROCESSING for it, in one statement.
 *
 * `candidates` ranks the live requests with waiting jobs that `image_eligible` lets this worker
 * take (the migration has the rule): the worker owner's own requests first, then queue order
 * (priority aged by waiting time, then age). It takes a few, not one, so that when concurrent
 * claims hold every waiting job of the best request, the next request is tried in the same
 * statement. `pick` then locks one job of those, in that order, with SKIP LOCKED: concurrent
 * claims never wait for each other and never take the same job. Only the chosen job row is
 * locked. Used by popImageJob and by every worker feed. Figures: bench/README.md.
 */
export async function claimImageJob(sql: Sql, workerId: string, now: Date): Promise<ClaimedJob | null> {
  const rows = await sql.query<ClaimedJob>(
    `WITH candidates AS (
       SELECT r.id AS request_id, (r.user_id = w.user_id) AS own, ${QUEUE_KEY} AS key,
              r.created_at,
              (SELECT m FROM unnest(w.models) m WHERE cardinality(r.models) = 0 OR m = ANY (r.models)
                ORDER BY random() LIMIT 1) AS model,
              r.job_ttl * CASE WHEN w.extra_slow THEN 3 ELSE 1 END AS ttl
         FROM workers w
         JOIN users o ON o.id = w.user_id
         JOIN requests r ON r.kind = 'image' AND ${LIVE} AND r.expires_at > $2 AND image_eligible(r, w, o.trusted)
        WHERE w.id = $1
          -- a scalar subquery, not EXISTS: it stays a per-request index probe whatever the
          -- (fast-changing) statistics of a queue table say
          AND (SELECT true FROM jobs x WHERE x.request_id = r.id AND x.state = 'waiting' LIMIT 1)
        ORDER BY own DESC, key DESC, r.created_at ASC
        LIMIT 4
     ),
     pick AS (
       SELECT j.id, c.model, c.ttl, r.prompt, r.params, r.source_image_key, r.source_mask_key, r.source_processing,
              r.user_id, r.width, r.height,
              coalesce(r.params->>'seed', floor(random() * 4294967296)::bigint::text) AS seed
         FROM candidates c
         JOIN jobs j ON j.request_id = c.request_id AND j.state = 'waiting'
         JOIN requests r ON r.id = c.request_id
        ORDER BY c.own DESC, c.key DESC, c.created_at ASC, j.idx
        LIMIT 1
        FOR UPDATE OF j SKIP LOCKED
     )${CLAIM_SET}`,
    [workerId, now],
  );
  return rows[0] ?? null;
}

/**
 * Serialises one worker's claims (transaction-scoped; advisory namespace 4, keyed by a hash of
 * the worker's id: a collision only makes two workers' claims wait for each other) and returns
 * how many jobs the worker holds unsubmitted. Two statements on purpose: under READ COMMITTED
 * the count must be read by a statement that starts after the lock is held, so that a claim
 * committed by the previous holder is counted. The cap is then enforced by the claim that
 * follows in the same transaction (`claimBudget`). Perf note: this is what makes the HTTP pop
 * and the feed honour the worker's declared concurrency whatever the caller sends.
 */
export async function lockHeldJobs(sql: Sql, workerId: string): Promise<number> {
  await sql.query("SELECT pg_advisory_xact_lock(4, hashtext($1::text))", [workerId]);
  const rows = await sql.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM jobs WHERE worker_id = $1 AND state = 'processing'",
    [workerId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * More jobs of the same request for a batching worker (amount > 1), with the model the first
 * job got, so the whole batch runs on one model. Same locking as {@link claimImageJob}.
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
       SELECT j.id, r.prompt, r.params, r.source_image_key, r.source_mask_key, r.source_processing, r.user_id,
              r.width, r.height, $4::text AS model,
              coalesce(r.params->>'seed', floor(random() * 4294967296)::bigint::text) AS seed,
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

/** A processing job's settlement facts, returned by {@link finishJob}. */
export interface FinishedJob {
  id: string;
  request_id: string;
  worker_id: string;
  worker_owner: number;
  requester: number;
  shared_key_id: string | null;
  model: string | null;
  job_kudos: string;
  pixels: number;
  steps: number;
  seconds: number;
  params: Record<string, unknown>;
  models: string[];
  nsfw: boolean;
}

/**
 * Compare-and-set from PROCESSING to a final state: succeeds only for the worker holding the
 * job, before its deadline, once. Locks the job row until the caller's transaction ends.
 */
export async function finishJob(
  sql: Sql,
  a: {
    jobId: string;
    ownerId: number;
    state: "ok" | "censored" | "csam" | "faulted";
    imageKey: string | null;
    seed: string;
    now: Date;
  },
): Promise<FinishedJob | null> {
  const rows = await sql.query<FinishedJob>(
    `UPDATE jobs j SET state = $3, image_key = $4, seed = $5, submitted_at = $6,
            pixels = r.width * r.height, steps = r.steps,
            seconds = greatest(extract(epoch FROM $6 - j.claimed_at), 0.001)
       FROM requests r, workers w
      WHERE j.id = $1 AND j.state = 'processing' AND j.deadline >= $6
        AND r.id = j.request_id AND w.id = j.worker_id AND w.user_id = $2
     RETURNING j.id, j.request_id, j.worker_id, w.user_id AS worker_owner, r.user_id AS requester,
               r.shared_key_id, j.model, r.job_kudos::text AS job_kudos, j.pixels, j.steps, j.seconds, r.params,
               r.models, r.nsfw`,
    [a.jobId, a.ownerId, a.state, a.imageKey, a.seed, a.now],
  );
  return rows[0] ?? null;
}

/**
 * Why a submit's compare-and-set failed. A job this user's worker lost to its TTL is
 * `AbortedGen` even when another user's worker holds (or finished) it since; only a user who
 * never held it gets `WrongCredentials`.
 */
export async function diagnoseSubmit(
  sql: Sql,
  jobId: string,
  ownerId: number,
  now: Date,
): Promise<"InvalidJobID" | "WrongCredentials" | "DuplicateGen" | "AbortedGen" | "Expired"> {
  const rows = await sql.query<{ state: string; owner: number | null; late: boolean; lost: boolean }>(
    `SELECT j.state, w.user_id AS owner, (j.deadline < $2) AS late,
            EXISTS (SELECT 1 FROM workers p WHERE p.id = ANY (j.released_from) AND p.user_id = $3) AS lost
       FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id WHERE j.id = $1`,
    [jobId, now, ownerId],
  );
  const j = rows[0];
  if (!j) return "InvalidJobID";
  if (j.owner !== null && j.owner !== ownerId) return j.lost ? "AbortedGen" : "WrongCredentials";
  // A FAULTED job was submitted too (as failed): a retry of that submit is a duplicate as well.
  if (["ok", "censored", "csam", "faulted"].includes(j.state)) return "DuplicateGen";
  if (j.state === "processing" && j.late) return "Expired";
  // Re-queued (no owner now), withdrawn, or taken back: no longer this worker's.
  return "AbortedGen";
}

/**
 * Records a settled job's economy and statistics in one statement: the job's price and the
 * worker's reward, the worker's counters and speed (an exponential average of pixelsteps per
 * second), and the request's consumed kudos and refreshed expiry.
 */
export async function recordSettlement(
  sql: Sql,
  a: {
    jobId: string;
    requestId: string;
    workerId: string;
    kudos: number;
    reward: number;
    charge: number;
    pixelsteps: number;
    seconds: number;
    expiresAt: Date;
    now: Date;
  },
): Promise<void> {
  await sql.query(
    `WITH jb AS (UPDATE jobs SET kudos = $2, reward = $3 WHERE id = $1),
     wk AS (
       UPDATE workers SET kudos = kudos + $3, fulfilments = fulfilments + 1,
              megapixelsteps = megapixelsteps + $6::float8 / 1e6,
              speed = CASE WHEN fulfilments = 0 THEN $6::float8 / $7 ELSE speed * 0.8 + ($6::float8 / $7) * 0.2 END,
              last_check_in = greatest(last_check_in, $9)
        WHERE id = $4
     )
     UPDATE requests SET consumed_kudos = consumed_kudos + $5, updated_at = $9,
            expires_at = greatest(expires_at, $8)
      WHERE id = $10`,
    [
      a.jobId,
      a.kudos.toFixed(2),
      a.reward.toFixed(2),
      a.workerId,
      a.charge.toFixed(2),
      a.pixelsteps,
      a.seconds,
      a.expiresAt,
      a.now,
      a.requestId,
    ],
  );
}

/**
 * After a job faulted (submitted FAULTED or its TTL ran out): the request faults when more than
 * `maxFaults` distinct workers faulted its jobs, and its waiting jobs are then cancelled;
 * otherwise a FAULTED job is replaced by a new WAITING one. Returns whether the request faulted
 * and whether a job was added.
 */
export async function afterFault(
  sql: Sql,
  requestId: string,
  replace: boolean,
  maxFaults: number,
  now: Date,
): Promise<{ faulted: boolean; replaced: boolean }> {
  const rows = await sql.query<{ faulted: boolean; replaced: boolean }>(
    `WITH c AS (
       -- The workers that faulted a job of this request (a FAULTED submit) or let one time out
       -- (released_from): each counts once, however many of the request's jobs it dropped.
       SELECT (SELECT count(*) FROM (
                 SELECT worker_id FROM jobs WHERE request_id = $1 AND state = 'faulted'
                 UNION
                 SELECT unnest(released_from) FROM jobs WHERE request_id = $1
               ) f) > $2 AS too_many,
              (SELECT max(idx) FROM jobs WHERE request_id = $1) AS top
     ),
     rq AS (
       UPDATE requests r SET faulted = true, updated_at = $4 FROM c
        WHERE r.id = $1 AND c.too_many AND NOT r.faulted RETURNING r.id
     ),
     cancel AS (
       UPDATE jobs SET state = 'cancelled' FROM c WHERE request_id = $1 AND state = 'waiting' AND c.too_many
     ),
     add AS (
       INSERT INTO jobs (request_id, idx, created_at)
       SELECT $1, c.top + 1, $4 FROM c, requests r
        WHERE $3 AND NOT c.too_many AND r.id = $1 AND ${LIVE}
       RETURNING id
     )
     SELECT (SELECT too_many FROM c) AS faulted, EXISTS (SELECT 1 FROM add) AS replaced`,
    [requestId, maxFaults, replace, now],
  );
  return rows[0] ?? { faulted: false, replaced: false };
}

/** A job taken back from its worker. */
export interface ReleasedJob {
  id: string;
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
       UPDATE jobs j SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = NULL,
              seed = NULL, ttl = 0, restarts = restarts + 1, released_from = released_from || stale.worker_id
         FROM stale WHERE j.id = stale.id
       RETURNING j.id, j.request_id, stale.worker_id
     )
     SELECT id, request_id, worker_id FROM rel`,
    [now, limit],
  );
}

/** Gives a just-claimed job straight back (its feed's client left before it was delivered). */
export async function unclaimJobs(sql: Sql, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(
    `UPDATE jobs SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = NULL,
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
): Promise<{ id: string; count: number; models: string[]; pixels: number; nsfw: boolean; user_id: number }[]> {
  return sql.query(
    `SELECT r.id, count(*)::int AS count, r.models, r.width * r.height AS pixels, r.nsfw, r.user_id
       FROM requests r JOIN jobs j ON j.request_id = r.id AND j.state = 'waiting'
      WHERE r.kind = 'image' AND ${LIVE} AND r.expires_at > $1
      GROUP BY r.id ORDER BY ${QUEUE_ORDER} LIMIT $2`,
    [now, limit],
  );
}

/** What a feed's wake-up needs to know of a request (models, size, nsfw, requester). */
export interface WakeFacts {
  models: string[];
  pixels: number;
  nsfw: boolean;
  user_id: number;
}

/** The wake-up facts of a request, or null when it is gone. */
export async function readWakeFacts(sql: Sql, requestId: string): Promise<WakeFacts | null> {
  const rows = await sql.query<WakeFacts>(
    "SELECT models, width * height AS pixels, nsfw, user_id FROM requests WHERE id = $1",
    [requestId],
  );
  return rows[0] ?? null;
}
