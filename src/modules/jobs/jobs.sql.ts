import type { Sql } from "../../infra/db.ts";
import { LIVE, QUEUE_ORDER, REQUEUED_MODEL } from "../queue/queue.rules.ts";

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

/**
 * The claim's parts that `claim_next_job` (its migrations) holds a copy of, word for word but
 * for white space; claim-walk.test.ts checks that the function in the database still does.
 */
export const CLAIM_SQL_SHARED_WITH_MIGRATION = { CLAIM_SET, REQUEST_FIELDS, SEED } as const;

/**
 * How many requests with waiting jobs the claim walks in queue order before it looks by model:
 * `walk.step < 16` in claim_next_job (its migration); claim-walk.test.ts checks the two agree.
 */
export const CLAIM_WALK = 16;

/** A cap no worker reaches: claims that enforce none (tests, benchmarks). */
export const NO_CAP = 2_147_483_647;

/** One claim's outcome: the job, if any, and how many more the worker could hold before it. */
export interface Claim {
  job: ClaimedJob | null;
  /** The worker's free slots under `cap` when the claim began (before this job), counted under its lock. */
  room: number;
}

/**
 * The claim: the best job this worker may take, marked PROCESSING for it, in one statement whose
 * cost does not grow with the queue (issue 9; figures in bench/README.md), and which holds the
 * worker to `cap` jobs held at once. The statement is the SQL function `claim_next_job`
 * (migrations 20261202000002_claim_next_job, 20261202040001_claim_own_lateral,
 * 20261202100001_claim_hinted_job), which makes its plan a generic one, planned once
 * per connection: planning it costs more than running it, and as a named statement Postgres
 * re-planned it on every execution whenever its estimates favoured that.
 *
 * `me` calls `claim_room` (migration 20261201200001) before anything is locked: it serialises
 * this worker's claims (advisory lock until commit), counts the jobs it holds with a snapshot
 * taken after the lock, so a claim committed by a concurrent pop of the same worker is counted,
 * and makes this transaction's commit asynchronous (a lost claim only returns the job to the
 * queue: docs/FAILURE-MODES.md). With no room left every source of candidates is empty. Run it
 * in a transaction of its own (autocommit), or one that only claims.
 *
 * Candidates, best first: the live requests with waiting jobs of the worker's owner and of its
 * priority users (`priorityUsernames`, the AI Horde's priority pass; a few, looked up user by
 * user in requests_live_user_idx, and only their requests probed for a waiting job), then the
 * queue itself. `walk` reads jobs_queue_idx, which holds only
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
 *
 * `hint`: a request the caller has reason to believe is the only new candidate (a parked feed
 * woken by its announcement): its job is tried first, with {@link HINTED_CLAIM}, and the full
 * claim runs only if that finds nothing while the worker has room. The functions run with
 * sequential scans off, so that their generic plans probe indexes even when made on a small queue.
 */
export async function claimNextJob(
  sql: Sql,
  workerId: string,
  now: Date,
  cap: number,
  kind: Kind = "image",
  hint?: string,
): Promise<Claim> {
  if (hint) {
    const hinted = await runClaim(sql, HINTED_CLAIM, [workerId, now, cap, kind, hint]);
    if (hinted.job || hinted.room <= 0) return hinted;
  }
  return runClaim(sql, CLAIM, [workerId, now, cap, kind]);
}

const CLAIM = { text: "SELECT * FROM claim_next_job($1, $2, $3, $4::worker_kind)", name: "claim_next_job_fn" };
/**
 * A claim of one request's job only, for a feed woken by that request's announcement with nothing
 * else announced since it parked (FeedHub): `claim_hinted_job` (migration
 * 20261202100001_claim_hinted_job) takes the same locks and applies the same rules as
 * `claim_next_job`, without the walk. It finds nothing when the request is gone, taken, or not
 * for this worker; {@link claimNextJob} then runs the full claim.
 */
const HINTED_CLAIM = {
  text: "SELECT * FROM claim_hinted_job($1, $2, $3, $4::worker_kind, $5)",
  name: "claim_hinted_job_fn",
};

async function runClaim(sql: Sql, q: { text: string; name: string }, params: unknown[]): Promise<Claim> {
  const rows = await sql.query<Omit<ClaimedJob, "id"> & { room: number | null; id: string | null }>(q.text, params, {
    name: q.name,
  });
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
       UPDATE jobs j SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = ${REQUEUED_MODEL},
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
    `UPDATE jobs SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = ${REQUEUED_MODEL},
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
