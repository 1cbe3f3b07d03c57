import type { Sql } from "../../infra/db.ts";
import { ledgerCtes } from "../kudos/kudos.sql.ts";
import { LIVE, QUEUE_ORDER } from "../queue/queue.rules.ts";
import { spendSharedKeySql } from "../sharedkeys/sharedkeys.sql.ts";

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

/** How many requests with waiting jobs the claim walks in queue order before it looks by model. */
export const CLAIM_WALK = 16;

/** Whether request `id` is live and `image_eligible` for the worker in `me` (claim_eligible, migration). */
const eligibleAt = (id: string) => `SELECT claim_eligible(${id}, me.w, me.trusted, $2) AS ok FROM me`;

/** The next request with waiting jobs after `after` in queue order: one probe of jobs_queue_idx. */
const nextWaiting = (after: string | null) => `
  SELECT j.queue_rank, j.request_created_at, j.request_id FROM jobs j
   WHERE j.state = 'waiting'${after ? ` AND (j.queue_rank, j.request_created_at, j.request_id) > (${after})` : ""}
   ORDER BY j.queue_rank, j.request_created_at, j.request_id LIMIT 1`;

/**
 * The claim: the best job this worker may take, marked PROCESSING for it, in one statement whose
 * cost does not grow with the queue (issue 9; figures in bench/README.md).
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
 * LOCKED: concurrent claims never wait for each other and never take the same job. Only the
 * chosen job row is locked. Used by popImageJob and by every worker feed.
 */
export async function claimImageJob(sql: Sql, workerId: string, now: Date): Promise<ClaimedJob | null> {
  const rows = await sql.query<ClaimedJob>(
    `WITH RECURSIVE me AS (
       SELECT w, o.trusted FROM workers w JOIN users o ON o.id = w.user_id WHERE w.id = $1
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
        WHERE claim_eligible(r.id, me.w, me.trusted, $2)
          AND (SELECT true FROM jobs x WHERE x.request_id = r.id AND x.state = 'waiting' LIMIT 1)
        ORDER BY 2, 3, 1 LIMIT 4
     ),
     far AS (
       SELECT f.request_id, f.queue_rank, f.created_at
         FROM (SELECT j.request_id, min(j.queue_rank) AS queue_rank, min(j.request_created_at) AS created_at
                 FROM me, jobs j
                WHERE j.state = 'waiting' AND (j.models && (me.w).models OR cardinality(j.models) = 0)
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
                ORDER BY random() LIMIT 1) AS model
         FROM ranked c JOIN requests r ON r.id = c.request_id, me
     ),
     pick AS (
       SELECT j.id, c.model, c.ttl, r.prompt, r.params, r.source_image_key, r.source_mask_key, r.source_processing,
              r.user_id, r.width, r.height,
              coalesce(r.params->>'seed', floor(random() * 4294967296)::bigint::text) AS seed
         FROM candidates c
         JOIN jobs j ON j.request_id = c.request_id AND j.state = 'waiting'
         JOIN requests r ON r.id = c.request_id
        ORDER BY c.own DESC, c.queue_rank, c.created_at, c.request_id, j.idx
        LIMIT 1
        FOR UPDATE OF j SKIP LOCKED
     )${CLAIM_SET}`,
    [workerId, now],
    { name: "claim_image_job" },
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

/** What a paid settlement's price is computed from, read before it (no lock). */
export interface SettlementBasis {
  model: string | null;
  job_kudos: string;
  params: Record<string, unknown>;
}

/** A job's model and its request's price and parameters, for the price of its settlement. */
export async function settlementBasis(sql: Sql, jobId: string): Promise<SettlementBasis | null> {
  const rows = await sql.query<SettlementBasis>(
    `SELECT j.model, r.job_kudos::text AS job_kudos, r.params
       FROM jobs j JOIN requests r ON r.id = j.request_id WHERE j.id = $1`,
    [jobId],
    { name: "settlement_basis" },
  );
  return rows[0] ?? null;
}

/**
 * A submitted job's whole settlement in one statement, run on its own (autocommit): the
 * compare-and-set from PROCESSING (only the holding worker's owner, before the deadline, once,
 * and only if the job still has the model its price was computed for), the job's price and
 * reward, the worker's statistics, the request's consumed kudos and expiry, the ledger rows and
 * balances (kudos.sql.ts ledgerCtes: the reward to the worker's owner, the charge to the
 * requester) and the shared key's spending. Returns null when the compare-and-set fails.
 *
 * Why one statement: a settlement used to be BEGIN, four statements and COMMIT, and the request
 * row and both users' rows stayed locked across the round trips in between; a requester with
 * many jobs in flight (a bot, a frontend) made every settlement wait for the previous one's.
 * Now every lock is taken inside this statement and released at its commit. Locks, in order: the
 * job row, then the worker's and the request's rows, then the users in id order, then the
 * shared key's row. Figures: bench/README.md (raw settlement loop, hot requester).
 */
export async function settleImageJob(
  sql: Sql,
  a: {
    jobId: string;
    ownerId: number;
    state: "ok" | "censored" | "csam";
    imageKey: string | null;
    seed: string;
    model: string | null;
    kudos: number;
    reward: number;
    charge: number;
    expiresAt: Date;
    now: Date;
  },
): Promise<FinishedJob | null> {
  const rows = await sql.query<FinishedJob>(
    `WITH fin AS (
       UPDATE jobs j SET state = $3, image_key = $4, seed = $5, submitted_at = $6,
              pixels = r.width * r.height, steps = r.steps,
              seconds = greatest(extract(epoch FROM $6 - j.claimed_at), 0.001), kudos = $8, reward = $9
         FROM requests r, workers w
        WHERE j.id = $1 AND j.state = 'processing' AND j.deadline >= $6 AND j.model IS NOT DISTINCT FROM $7
          AND r.id = j.request_id AND w.id = j.worker_id AND w.user_id = $2
       RETURNING j.id, j.request_id, j.worker_id, w.user_id AS worker_owner, r.user_id AS requester,
                 r.shared_key_id, j.model, r.job_kudos::text AS job_kudos, j.pixels, j.steps, j.seconds, r.params,
                 r.models, r.nsfw
     ),
     wk AS (
       UPDATE workers w SET kudos = w.kudos + $9, fulfilments = w.fulfilments + 1,
              megapixelsteps = w.megapixelsteps + f.pixels::float8 * f.steps / 1e6,
              speed = CASE WHEN w.fulfilments = 0 THEN f.pixels::float8 * f.steps / f.seconds
                           ELSE w.speed * 0.8 + (f.pixels::float8 * f.steps / f.seconds) * 0.2 END,
              last_check_in = greatest(w.last_check_in, $6)
         FROM fin f WHERE w.id = f.worker_id
     ),
     rq AS (
       UPDATE requests r SET consumed_kudos = r.consumed_kudos + $10, updated_at = $6,
              expires_at = greatest(r.expires_at, $11)
         FROM fin f WHERE r.id = f.request_id
     ),
     entries AS (
       SELECT f.worker_owner AS user_id, 'generation_reward'::ledger_kind AS kind, $9::numeric AS amount,
              f.requester AS counterpart_id, f.request_id, f.id AS job_id, NULL::uuid AS transfer_id,
              NULL::uuid AS shared_key_id, f.worker_id
         FROM fin f WHERE $9::numeric <> 0
       UNION ALL
       SELECT f.requester, 'request_charge', -$10::numeric, f.worker_owner, f.request_id, f.id, NULL, f.shared_key_id,
              NULL
         FROM fin f WHERE $10::numeric <> 0
     ),
     ${ledgerCtes("entries", "$6")},
     sk AS (
       ${spendSharedKeySql("(SELECT shared_key_id FROM fin WHERE $10::numeric > 0)", "$10::numeric")}
     )
     SELECT * FROM fin`,
    [
      a.jobId,
      a.ownerId,
      a.state,
      a.imageKey,
      a.seed,
      a.now,
      a.model,
      a.kudos.toFixed(2),
      a.reward.toFixed(2),
      a.charge.toFixed(2),
      a.expiresAt,
    ],
    { name: "settle_image_job" },
  );
  return rows[0] ?? null;
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
