/**
 * Ratings' SQL: the rated image and what the rules need to judge a rating, the rating's row, the
 * images offered for rating and the dataset export's pages. A rating runs in one transaction
 * holding the rater's advisory lock (namespace 11), so two ratings of one user are judged one
 * after the other; lock order: the rater's advisory lock, the request row, then the users (ledger).
 */
import type { Sql } from "../../infra/db.ts";
import { CONSISTENCY, TOO_FAST } from "./ratings.rules.ts";

/** Serialises one user's ratings until the transaction ends. */
export async function lockRater(sql: Sql, userId: number): Promise<void> {
  await sql.query("SELECT pg_advisory_xact_lock(11, $1)", [userId]);
}

/** The rated image, its request, and whether the rater rated it already. */
export interface RatingTarget {
  id: string;
  state: string;
  request_id: string;
  requester: number;
  shared: boolean;
  purged: boolean;
  /** When the request ended (ended_at, else its last update); meaningful only when not live. */
  ended_at: Date;
  /** A job of the request is still waiting or in a worker's hands. */
  live: boolean;
  in_dataset: boolean;
  already_rated: boolean;
}

export async function readTarget(sql: Sql, jobId: string, raterId: number): Promise<RatingTarget | null> {
  const rows = await sql.query<RatingTarget>(
    `SELECT j.id, j.state::text AS state, j.request_id, r.user_id AS requester, r.shared,
            r.purged_at IS NOT NULL AS purged, coalesce(r.ended_at, r.updated_at) AS ended_at,
            EXISTS (SELECT 1 FROM jobs o WHERE o.request_id = r.id AND o.state IN ('waiting', 'processing')) AS live,
            EXISTS (SELECT 1 FROM dataset_images d WHERE d.job_id = j.id) AS in_dataset,
            EXISTS (SELECT 1 FROM ratings x WHERE x.job_id = j.id AND x.user_id = $2) AS already_rated
       FROM jobs j JOIN requests r ON r.id = j.request_id
      WHERE j.id = $1`,
    [jobId, raterId],
  );
  return rows[0] ?? null;
}

/** Holds the request row, so concurrent ratings of its images see each other's rewards (its cap). */
export async function lockRequestRow(sql: Sql, requestId: string): Promise<void> {
  await sql.query("SELECT 1 FROM requests WHERE id = $1 FOR UPDATE", [requestId]);
}

/** The rater's recent ratings, as the anti-abuse rules read them (ratings.rules.ts RatingHistory). */
export interface HistoryRow {
  last_at: Date | null;
  recent: number;
  /** Latest counted scores, newest first (this rating not included). */
  scores: number[];
  /** Distances from consensus of the latest counted ratings, newest first (this one not included). */
  distances: number[];
  /** Other users' counted ratings of this image: how many, and their mean score. */
  others: number;
  others_mean: number | null;
}

export async function readHistory(sql: Sql, userId: number, jobId: string, now: Date): Promise<HistoryRow> {
  const since = new Date(now.getTime() - TOO_FAST.windowSeconds * 1000);
  const rows = await sql.query<HistoryRow>(
    `WITH mine AS (
       SELECT id, job_id, rating FROM ratings WHERE user_id = $1 AND status = 'counted' ORDER BY id DESC LIMIT $4
     ),
     compared AS (
       SELECT m.id, abs(m.rating - avg(o.rating))::float8 AS distance
         FROM mine m JOIN ratings o ON o.job_id = m.job_id AND o.user_id <> $1 AND o.status = 'counted'
        GROUP BY m.id, m.rating HAVING count(*) >= $5
     )
     SELECT (SELECT max(created_at) FROM ratings WHERE user_id = $1) AS last_at,
            (SELECT count(*)::int FROM ratings WHERE user_id = $1 AND created_at > $3) AS recent,
            coalesce((SELECT array_agg(rating ORDER BY id DESC) FROM mine), '{}') AS scores,
            coalesce((SELECT array_agg(distance ORDER BY id DESC) FROM compared), '{}') AS distances,
            (SELECT count(*)::int FROM ratings WHERE job_id = $2 AND user_id <> $1 AND status = 'counted') AS others,
            (SELECT avg(rating)::float8 FROM ratings WHERE job_id = $2 AND user_id <> $1 AND status = 'counted')
              AS others_mean`,
    [userId, jobId, since, CONSISTENCY.sameRun, CONSISTENCY.minOthers],
  );
  return rows[0]!;
}

/** What caps a reward (ratings.rules.ts RewardLimits), as exact decimal strings. */
export interface LimitsRow {
  paid_to_others: string;
  rewarded_on_request: string;
  rater_today: string;
  pair_today: string;
}

/**
 * The caps' figures: what the requester's request paid other users' workers (jobs.reward of its
 * finished jobs whose worker another user owns), the rewards already given for ratings of the
 * request, and the rater's rewards in the 24 hours before `now`, in all and from this requester.
 */
export async function readLimits(
  sql: Sql,
  a: { requestId: string; requesterId: number; raterId: number; now: Date },
): Promise<LimitsRow> {
  const since = new Date(a.now.getTime() - 24 * 3600 * 1000);
  const rows = await sql.query<LimitsRow>(
    `SELECT (SELECT coalesce(sum(j.reward), 0) FROM jobs j JOIN workers w ON w.id = j.worker_id
              WHERE j.request_id = $1 AND j.state IN ('ok', 'censored', 'csam') AND w.user_id <> $2)::text
              AS paid_to_others,
            ((SELECT coalesce(sum(reward), 0) FROM ratings WHERE request_id = $1)
              + (SELECT coalesce(sum(reward), 0) FROM request_ratings WHERE request_id = $1))::text AS rewarded_on_request,
            ((SELECT coalesce(sum(reward), 0) FROM ratings WHERE user_id = $3 AND created_at > $4)
              + (SELECT coalesce(sum(reward), 0) FROM request_ratings WHERE user_id = $3 AND created_at > $4))::text
              AS rater_today,
            (SELECT coalesce(sum(reward), 0) FROM ratings
              WHERE user_id = $3 AND requester_id = $2 AND created_at > $4)::text AS pair_today`,
    [a.requestId, a.requesterId, a.raterId, since],
  );
  return rows[0]!;
}

/** A rating to store. */
export interface NewRating {
  jobId: string;
  userId: number;
  aesthetic: number;
  artifacts: number | null;
  requestId: string;
  requesterId: number;
  reward: number;
  status: "counted" | "too_fast" | "inconsistent";
  now: Date;
}

/**
 * Stores a rating (once per image and user: unique (job_id, user_id)) and, when it counts, adds
 * it to the image's count in the dataset. False when the user had rated the image already.
 */
export async function insertRating(sql: Sql, r: NewRating): Promise<boolean> {
  const rows = await sql.query<{ id: string }>(
    `WITH ins AS (
       INSERT INTO ratings (job_id, user_id, rating, artifacts, request_id, requester_id, reward, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (job_id, user_id) DO NOTHING
       RETURNING id
     ),
     counted AS (
       UPDATE dataset_images SET ratings = ratings + 1
        WHERE job_id = $1 AND $8 = 'counted' AND EXISTS (SELECT 1 FROM ins)
     )
     SELECT id::text FROM ins`,
    [r.jobId, r.userId, r.aesthetic, r.artifacts, r.requestId, r.requesterId, r.reward.toFixed(2), r.status, r.now],
  );
  return rows.length > 0;
}

/** An image offered for rating. */
export interface RatableRow {
  id: string;
  image_key: string;
  prompt: string;
  model: string | null;
  width: number;
  height: number;
  nsfw: boolean;
}

/**
 * Dataset images `userId` may rate: not of their own requests and not rated by them yet, the
 * least-rated first (dataset_images_to_rate_idx), newest first among equals.
 */
export async function readImagesToRate(sql: Sql, userId: number, limit: number): Promise<RatableRow[]> {
  return sql.query<RatableRow>(
    `SELECT d.job_id AS id, d.image_key, d.prompt, d.model, d.width, d.height, d.nsfw
       FROM dataset_images d
      WHERE d.requester_id <> $1
        AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.job_id = d.job_id AND r.user_id = $1)
      ORDER BY d.ratings, d.created_at DESC, d.job_id
      LIMIT $2`,
    [userId, limit],
  );
}

/** One dataset image with its counted ratings, as the export writes it. */
export interface DatasetRow {
  job_id: string;
  prompt: string;
  params: Record<string, unknown>;
  model: string | null;
  image_key: string;
  width: number;
  height: number;
  nsfw: boolean;
  created_at: Date;
  ratings: { aesthetic: number; artifacts: number | null }[];
}

/** A page of the dataset after the cursor (created_at, job_id), oldest first, with counted ratings. */
export async function readDatasetPage(
  sql: Sql,
  after: { createdAt: Date; jobId: string } | null,
  limit: number,
): Promise<DatasetRow[]> {
  return sql.query<DatasetRow>(
    `SELECT d.job_id, d.prompt, d.params, d.model, d.image_key, d.width, d.height, d.nsfw, d.created_at,
            coalesce((SELECT json_agg(json_build_object('aesthetic', r.rating, 'artifacts', r.artifacts) ORDER BY r.id)
                        FROM ratings r WHERE r.job_id = d.job_id AND r.status = 'counted'), '[]') AS ratings
       FROM dataset_images d
      WHERE $1::timestamptz IS NULL OR (d.created_at, d.job_id) > ($1::timestamptz, $2::uuid)
      ORDER BY d.created_at, d.job_id
      LIMIT $3`,
    [after?.createdAt ?? null, after?.jobId ?? null, limit],
  );
}

/** A request as its requester's whole-request rating sees it. */
export interface RequestForRating {
  requester: number;
  shared: boolean;
  purged: boolean;
  /** When the request ended (ended_at, else its last update); meaningful only when not live. */
  ended_at: Date;
  live: boolean;
  /** Its generations with an image (state ok). */
  ok_jobs: string[];
  /** Of those, the ones this rater scored already. */
  rated_jobs: string[];
  /** Whether this request already has its whole-request rating. */
  already: boolean;
}

/** Reads a request for a whole-request rating by `raterId`; null when there is none. */
export async function readRequestForRating(
  sql: Sql,
  requestId: string,
  raterId: number,
): Promise<RequestForRating | null> {
  const rows = await sql.query<RequestForRating>(
    `SELECT r.user_id AS requester, r.shared, r.purged_at IS NOT NULL AS purged,
            coalesce(r.ended_at, r.updated_at) AS ended_at,
            EXISTS (SELECT 1 FROM jobs o WHERE o.request_id = r.id AND o.state IN ('waiting', 'processing')) AS live,
            coalesce((SELECT array_agg(j.id::text) FROM jobs j WHERE j.request_id = r.id AND j.state = 'ok'), '{}')
              AS ok_jobs,
            coalesce((SELECT array_agg(x.job_id::text) FROM ratings x WHERE x.request_id = r.id AND x.user_id = $2), '{}')
              AS rated_jobs,
            EXISTS (SELECT 1 FROM request_ratings q WHERE q.request_id = r.id) AS already
       FROM requests r WHERE r.id = $1 AND r.kind = 'image'`,
    [requestId, raterId],
  );
  return rows[0] ?? null;
}

/** Stores a whole-request rating's row (best pick, reward); false when the request had one. */
export async function insertRequestRating(
  sql: Sql,
  r: { requestId: string; userId: number; bestJobId: string | null; reward: number; status: string; now: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO request_ratings (request_id, user_id, best_job_id, reward, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (request_id) DO NOTHING RETURNING 1`,
    [r.requestId, r.userId, r.bestJobId, r.reward.toFixed(2), r.status, r.now],
  );
  return rows.length > 0;
}
