import type { Sql } from "../../infra/db.ts";
import type { GenMetadataEntry } from "../jobs/gen-metadata.rules.ts";
import { LIVE } from "../queue/queue.rules.ts";

/**
 * What a request of any kind stores (issue 12: one engine). The common columns, then each kind's
 * own: image (size, steps, sources, needs), text (lengths, softprompt), alchemy (tiles, source
 * URL, and one job per form).
 */
export interface NewRequest {
  kind: "image" | "text" | "alchemy";
  userId: number;
  sharedKeyId: string | null;
  prompt: string;
  params: unknown;
  models: string[];
  /** how many jobs: images, texts, or forms */
  n: number;
  nsfw: boolean;
  trustedWorkers: boolean;
  slowWorkers: boolean;
  workerIds: string[];
  workerBlacklist: boolean;
  jobTtl: number;
  shared: boolean;
  /** one job's price (image: before the model's multiplier); text and alchemy price at submit */
  jobKudos: number;
  expiresAt: Date;
  now: Date;
  width?: number;
  height?: number;
  steps?: number;
  sourceImageKey?: string | null;
  sourceMaskKey?: string | null;
  sourceProcessing?: string | null;
  needsImg2img?: boolean;
  needsPainting?: boolean;
  needsPostProc?: boolean;
  needsControlnet?: boolean;
  needsLora?: boolean;
  maxLength?: number;
  maxContextLength?: number;
  softprompt?: string | null;
  imageTiles?: number;
  sourceImageUrl?: string | null;
  /** image: extra-slow workers may take it */
  extraSlowWorkers?: boolean;
  /** image: its accurate steps exceed the lowest average of its models' min and max steps (limitMaxSteps) */
  stepsAboveAverage?: boolean;
  /** one job per entry with this model (an alchemy form) and payload; without it, `n` plain jobs */
  jobs?: { model: string; payload: unknown }[];
}

/** What createImageRequest stores. */
export type NewImageRequest = NewRequest & { kind: "image" };

/**
 * Serialises a user's request admissions (transaction-scoped), so the concurrency check and the
 * insert that follows cannot interleave with another request of the same user (of any kind: one
 * lock), and returns the jobs the user has waiting or processing (of `kind` only, when given:
 * alchemy counts its forms apart, §3.7) and their balance.
 */
export async function lockRequester(
  sql: Sql,
  userId: number,
  kind: NewRequest["kind"] | null = null,
): Promise<{ active: number; kudos: number; trusted: boolean; concurrency: number }> {
  await sql.query("SELECT pg_advisory_xact_lock(1, $1)", [userId], { name: "requester_lock" });
  const rows = await sql.query<{ active: number; kudos: string; trusted: boolean; concurrency: number }>(
    // The user's jobs still waiting or processing, through jobs_active_user_idx (jobs carry their
    // requester): O(the jobs the limit allows), not O(the user's live requests), finished ones
    // included, which it was (4.9 ms per create with 570 of them; migration
    // 20261202090001_requester_active_jobs). Each job's request is read to keep only live ones.
    `SELECT (SELECT count(*)::int
               FROM jobs j JOIN requests r ON r.id = j.request_id
              WHERE j.user_id = u.id AND j.state IN ('waiting', 'processing') AND ${LIVE}
                AND ($2::worker_kind IS NULL OR j.kind = $2)) AS active,
            u.kudos, u.trusted, u.concurrency
       FROM users u WHERE u.id = $1`,
    [userId, kind],
    { name: "requester_active" },
  );
  const r = rows[0];
  if (!r) throw new Error(`user ${userId} vanished`);
  return { active: r.active, kudos: Number(r.kudos), trusted: r.trusted, concurrency: r.concurrency };
}

/**
 * Inserts a request of any kind and its WAITING jobs in one statement: `n` plain jobs, or one per
 * entry of `q.jobs` (an alchemy form: its model and payload, in order). Returns the request id.
 */
export async function insertRequest(sql: Sql, q: NewRequest, priority: number): Promise<string> {
  const jobs = q.jobs
    ? `INSERT INTO jobs (request_id, idx, model, payload, created_at)
       SELECT r.id, f.i - 1, f.model, f.payload, $28 FROM r, unnest($37::text[], $38::jsonb[]) WITH ORDINALITY f (model, payload, i)`
    : "INSERT INTO jobs (request_id, idx, created_at) SELECT r.id, g, $28 FROM r, generate_series(0, $6 - 1) g";
  const rows = await sql.query<{ id: string }>(
    `WITH r AS (
       INSERT INTO requests (kind, user_id, shared_key_id, prompt, params, models, n, width, height, steps,
         nsfw, trusted_workers, slow_workers, worker_ids, worker_blacklist, source_image_key, source_mask_key,
         source_processing, needs_img2img, needs_painting, needs_post_processing, needs_controlnet, needs_lora,
         job_ttl, shared, job_kudos, priority, expires_at, created_at, updated_at, max_length, max_context_length,
         softprompt, image_tiles, source_image_url, extra_slow_workers, steps_above_average)
       VALUES ($29, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
         $20, $21, $22, $23, $24, $25, $26, $27, $28, $28, $30, $31, $32, $33, $34, $35, $36)
       RETURNING id
     ), j AS (${jobs})
     SELECT id FROM r`,
    [
      q.userId,
      q.sharedKeyId,
      q.prompt,
      JSON.stringify(q.params),
      q.models,
      q.jobs ? q.jobs.length : q.n,
      q.width ?? 0,
      q.height ?? 0,
      q.steps ?? 0,
      q.nsfw,
      q.trustedWorkers,
      q.slowWorkers,
      q.workerIds,
      q.workerBlacklist,
      q.sourceImageKey ?? null,
      q.sourceMaskKey ?? null,
      q.sourceProcessing ?? null,
      q.needsImg2img ?? false,
      q.needsPainting ?? false,
      q.needsPostProc ?? false,
      q.needsControlnet ?? false,
      q.needsLora ?? false,
      q.jobTtl,
      q.shared,
      q.jobKudos.toFixed(2),
      priority.toFixed(2),
      q.expiresAt,
      q.now,
      q.kind,
      q.maxLength ?? 0,
      q.maxContextLength ?? 0,
      q.softprompt ?? null,
      q.imageTiles ?? 0,
      q.sourceImageUrl ?? null,
      q.extraSlowWorkers ?? false,
      q.stepsAboveAverage ?? false,
      ...(q.jobs ? [q.jobs.map((j) => j.model), q.jobs.map((j) => JSON.stringify(j.payload ?? null))] : []),
    ],
    { name: q.jobs ? "insert_request_forms" : "insert_request" },
  );
  return rows[0]!.id;
}

/** The ids among `ids` that are image workers. */
export async function existingWorkerIds(sql: Sql, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ id: string }>("SELECT id FROM workers WHERE id = ANY($1::uuid[]) AND kind = 'image'", [
    ids,
  ]);
  return rows.map((r) => r.id);
}

/**
 * The threads of image workers checked in since `onlineSince` (the free size depends on them,
 * and on the queue's length, which queue-ranking.ts counts).
 */
export async function readActiveThreads(sql: Sql, onlineSince: Date): Promise<number> {
  const rows = await sql.query<{ threads: number }>(
    "SELECT coalesce(sum(threads), 0)::int AS threads FROM workers WHERE kind = 'image' AND last_check_in >= $1",
    [onlineSince],
    { name: "active_threads" },
  );
  return rows[0]?.threads ?? 0;
}

/** A request's counts, read in one statement whatever n is. */
export interface RequestRow {
  id: string;
  user_id: number;
  n: number;
  prompt: string;
  models: string[];
  width: number;
  height: number;
  steps: number;
  nsfw: boolean;
  faulted: boolean;
  cancelled: boolean;
  expired: boolean;
  shared: boolean;
  kudos: string;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
  waiting: number;
  processing: number;
  finished: number;
  faulted_jobs: number;
  restarted: number;
}

/** The columns of a {@link RequestRow}, over `requests r JOIN jobs j`, grouped by r.id. */
const REQUEST_ROW = `r.id, r.user_id, r.n, r.prompt, r.models, r.width, r.height, r.steps, r.nsfw, r.faulted,
            r.cancelled, r.expired, r.shared, r.consumed_kudos::text AS kudos, r.created_at, r.updated_at,
            r.expires_at,
            count(*) FILTER (WHERE j.state = 'waiting')::int AS waiting,
            count(*) FILTER (WHERE j.state = 'processing')::int AS processing,
            count(*) FILTER (WHERE j.state IN ('ok', 'censored', 'csam'))::int AS finished,
            count(*) FILTER (WHERE j.state = 'faulted')::int AS faulted_jobs,
            coalesce(sum(j.restarts), 0)::int AS restarted`;

export async function readRequests(sql: Sql, ids: readonly string[]): Promise<RequestRow[]> {
  return sql.query<RequestRow>(
    `SELECT ${REQUEST_ROW}
       FROM requests r JOIN jobs j ON j.request_id = r.id
      WHERE r.id = ANY($1::uuid[]) AND r.purged_at IS NULL
      GROUP BY r.id`,
    [ids],
    { name: "read_requests" },
  );
}

/** A place in a user's request list: a request's creation time and id. */
export interface RequestKey {
  createdAt: Date;
  id: string;
}

/**
 * One page of a user's stored requests in one statement, newest first (ties by id, descending):
 * those before `after` and after `before` in that order, at most `limit`; `inverted` reads from
 * the oldest end (a `last` page) and returns it oldest first, as the cursor connection expects.
 * Reads `requests_user_created_idx`.
 */
export async function readUserRequests(
  sql: Sql,
  userId: number,
  p: { after: RequestKey | null; before: RequestKey | null; limit: number; inverted: boolean },
): Promise<RequestRow[]> {
  const dir = p.inverted ? "ASC" : "DESC";
  return sql.query<RequestRow>(
    `WITH page AS (
       SELECT id, created_at FROM requests
        WHERE user_id = $1 AND purged_at IS NULL
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
          AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
        ORDER BY created_at ${dir}, id ${dir} LIMIT $6
     )
     SELECT ${REQUEST_ROW}
       FROM page p JOIN requests r ON r.id = p.id JOIN jobs j ON j.request_id = r.id
      GROUP BY r.id
      ORDER BY r.created_at ${dir}, r.id ${dir}`,
    [
      userId,
      p.after?.createdAt ?? null,
      p.after?.id ?? null,
      p.before?.createdAt ?? null,
      p.before?.id ?? null,
      p.limit,
    ],
  );
}

/** A finished job, as the requester sees it. */
export interface GenerationRow {
  id: string;
  request_id: string;
  image_key: string | null;
  seed: string | null;
  model: string | null;
  worker_id: string;
  worker_name: string;
  state: "ok" | "censored" | "csam";
  gen_metadata: GenMetadataEntry[] | null;
}

export async function readGenerations(sql: Sql, requestIds: readonly string[]): Promise<GenerationRow[]> {
  return sql.query<GenerationRow>(
    `SELECT j.id, j.request_id, j.image_key, j.seed, j.model, j.worker_id, w.name AS worker_name, j.state,
            j.gen_metadata
       FROM jobs j JOIN workers w ON w.id = j.worker_id
      WHERE j.request_id = ANY($1::uuid[]) AND j.state IN ('ok', 'censored', 'csam')
      ORDER BY j.request_id, j.submitted_at, j.idx`,
    [requestIds],
    { name: "read_generations" },
  );
}

/** How much online image capacity there is, and whether some online worker could serve a request. */
export interface CapacityRow {
  online_speed: number;
  online_threads: number;
  possible: boolean;
}

/**
 * The online image workers' capacity (speed × threads, threads), and whether some online worker
 * could serve request `id` (the claim's own eligibility function), in one statement. Its cost
 * is the online workers', not the queue's.
 */
export async function readOnlineCapacity(sql: Sql, id: string, onlineSince: Date): Promise<CapacityRow | null> {
  const rows = await sql.query<CapacityRow>(
    `WITH online AS (
       SELECT w.speed, w.threads, w.paused FROM workers w WHERE w.kind = 'image' AND w.last_check_in >= $2
     )
     SELECT (SELECT coalesce(sum(speed * threads), 0)::float8 FROM online WHERE NOT paused) AS online_speed,
            (SELECT coalesce(sum(threads), 0)::int FROM online WHERE NOT paused) AS online_threads,
            EXISTS (SELECT 1 FROM workers w JOIN users o ON o.id = w.user_id
                     WHERE w.kind = 'image' AND w.last_check_in >= $2 AND image_eligible(r, w, o.trusted))
              AS possible
       FROM requests r WHERE r.id = $1`,
    [id, onlineSince],
    { name: "online_capacity" },
  );
  return rows[0] ?? null;
}

/**
 * {@link readOnlineCapacity} for several requests in one statement (a list of requests): the
 * capacity figures are the same for all, `possible` is each request's. Requests that do not
 * exist have no row.
 */
export async function readOnlineCapacities(
  sql: Sql,
  ids: readonly string[],
  onlineSince: Date,
): Promise<(CapacityRow & { id: string })[]> {
  return sql.query<CapacityRow & { id: string }>(
    `WITH online AS (
       SELECT w.speed, w.threads, w.paused FROM workers w WHERE w.kind = 'image' AND w.last_check_in >= $2
     ),
     cap AS (
       SELECT coalesce(sum(speed * threads), 0)::float8 AS online_speed, coalesce(sum(threads), 0)::int AS online_threads
         FROM online WHERE NOT paused
     )
     SELECT r.id, cap.online_speed, cap.online_threads,
            EXISTS (SELECT 1 FROM workers w JOIN users o ON o.id = w.user_id
                     WHERE w.kind = 'image' AND w.last_check_in >= $2 AND image_eligible(r, w, o.trusted))
              AS possible
       FROM requests r, cap WHERE r.id = ANY($1::uuid[])`,
    [ids, onlineSince],
    { name: "online_capacities" },
  );
}

/** One request with waiting jobs, in queue order, as the ranking snapshot holds it. */
export interface RankedRequest {
  id: string;
  /** jobs.queue_rank: 5·created − priority; ascending is queue order */
  rank: number;
  created_at: Date;
  /** pixelsteps of its waiting jobs */
  pixelsteps: number;
}

/**
 * Every live image request with waiting jobs, in queue order, with the pixelsteps it has
 * waiting: read from jobs_queue_idx, O(waiting jobs). queue-ranking.ts reads it at most once a
 * second for everyone, as the AI Horde refreshes its queue ranking every second.
 */
export async function readRanking(sql: Sql): Promise<RankedRequest[]> {
  const rows = await sql.query<{ id: string; rank: string; created_at: Date; pixelsteps: number }>(
    `SELECT j.request_id AS id, j.queue_rank::text AS rank, j.request_created_at AS created_at,
            r.width::float8 * r.height * r.steps * count(*) AS pixelsteps
       FROM jobs j JOIN requests r ON r.id = j.request_id
      WHERE j.state = 'waiting' AND r.kind = 'image' AND ${LIVE}
      GROUP BY j.request_id, j.queue_rank, j.request_created_at, r.width, r.height, r.steps
      ORDER BY j.queue_rank, j.request_created_at, j.request_id`,
  );
  return rows.map((r) => ({ ...r, rank: Number(r.rank) }));
}

/** A request's place in queue order (for one not in the ranking yet). */
export async function readRankOf(sql: Sql, id: string): Promise<{ rank: number; created_at: Date } | null> {
  const rows = await sql.query<{ rank: string; created_at: Date }>(
    "SELECT (5 * extract(epoch FROM created_at) - priority)::text AS rank, created_at FROM requests WHERE id = $1",
    [id],
    { name: "read_rank_of" },
  );
  const r = rows[0];
  return r ? { rank: Number(r.rank), created_at: r.created_at } : null;
}

/** {@link readRankOf} for several requests in one statement; requests that do not exist have no row. */
export async function readRanksOf(
  sql: Sql,
  ids: readonly string[],
): Promise<{ id: string; rank: number; created_at: Date }[]> {
  const rows = await sql.query<{ id: string; rank: string; created_at: Date }>(
    `SELECT id, (5 * extract(epoch FROM created_at) - priority)::text AS rank, created_at
       FROM requests WHERE id = ANY($1::uuid[])`,
    [ids],
    { name: "read_ranks_of" },
  );
  return rows.map((r) => ({ ...r, rank: Number(r.rank) }));
}

/**
 * Cancels a request: waiting jobs are withdrawn (CANCELLED); jobs already processing still
 * settle when submitted, and finished results stay. Returns null when there is no such request.
 */
export async function cancelRequest(sql: Sql, id: string, now: Date): Promise<{ withdrawn: number } | null> {
  const rows = await sql.query<{ withdrawn: number }>(
    `WITH r AS (
       UPDATE requests SET cancelled = true, updated_at = $2 WHERE id = $1 RETURNING id
     ),
     j AS (
       UPDATE jobs SET state = 'cancelled' WHERE request_id IN (SELECT id FROM r) AND state = 'waiting' RETURNING id
     )
     SELECT (SELECT count(*)::int FROM j) AS withdrawn FROM r`,
    [id, now],
  );
  return rows[0] ?? null;
}

/**
 * Expires live requests with no progress since their expiry and no job in a worker's hands:
 * their waiting jobs are withdrawn; finished results stay readable. Returns the expired ids.
 */
export async function expireRequests(sql: Sql, now: Date, limit = 500): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `WITH x AS (
       SELECT r.id FROM requests r
        WHERE ${LIVE} AND r.expires_at < $1
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.request_id = r.id AND j.state = 'processing')
        ORDER BY r.expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
     ),
     r AS (UPDATE requests SET expired = true, updated_at = $1 FROM x WHERE requests.id = x.id RETURNING requests.id),
     j AS (UPDATE jobs SET state = 'cancelled' WHERE request_id IN (SELECT id FROM r) AND state = 'waiting')
     SELECT id FROM r`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}
