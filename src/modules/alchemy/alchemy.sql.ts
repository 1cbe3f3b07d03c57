import type { Sql } from "../../infra/db.ts";

/** What createAlchemyRequest stores: the request and one WAITING job per form. */
export interface NewAlchemyRequest {
  userId: number;
  forms: { name: string; payload: Record<string, unknown> }[];
  width: number;
  height: number;
  imageTiles: number;
  sourceImageKey: string | null;
  sourceImageUrl: string | null;
  trustedWorkers: boolean;
  slowWorkers: boolean;
  jobTtl: number;
  expiresAt: Date;
  now: Date;
}

/**
 * Inserts an alchemy request and one WAITING job per form, in one statement; returns its id.
 * The request's `models` are its forms and each job's `model` its form (the insert trigger makes
 * the job's `models` that one form), so the claim matches forms as it matches models.
 */
export async function insertAlchemyRequest(sql: Sql, q: NewAlchemyRequest, priority: number): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    `WITH r AS (
       INSERT INTO requests (kind, user_id, prompt, params, models, n, width, height, trusted_workers,
         slow_workers, image_tiles, source_image_key, source_image_url, job_ttl, job_kudos, priority,
         expires_at, created_at, updated_at)
       VALUES ('alchemy', $1, '', '{}'::jsonb, $2, cardinality($2::text[]), $3, $4, $5, $6, $7, $8, $9, $10, 0,
         $11, $12, $13, $13)
       RETURNING id
     ), j AS (
       INSERT INTO jobs (request_id, idx, model, payload, created_at)
       SELECT r.id, f.i - 1, f.name, f.payload, $13
         FROM r, unnest($2::text[], $14::jsonb[]) WITH ORDINALITY AS f(name, payload, i)
     )
     SELECT id FROM r`,
    [
      q.userId,
      q.forms.map((f) => f.name),
      q.width,
      q.height,
      q.trustedWorkers,
      q.slowWorkers,
      q.imageTiles,
      q.sourceImageKey,
      q.sourceImageUrl,
      q.jobTtl,
      priority.toFixed(2),
      q.expiresAt,
      q.now,
      q.forms.map((f) => JSON.stringify(f.payload)),
    ],
  );
  return rows[0]!.id;
}

/** One form of an alchemy request as stored. */
export interface FormRow {
  id: string;
  name: string;
  state: string;
  result: unknown;
  image_key: string | null;
  worker_id: string | null;
  worker_name: string | null;
  kudos: string | null;
}

/** An alchemy request and its forms, in form order. */
export interface AlchemyRow {
  id: string;
  user_id: number;
  width: number;
  height: number;
  image_tiles: number;
  source_image_key: string | null;
  source_image_url: string | null;
  trusted_workers: boolean;
  slow_workers: boolean;
  cancelled: boolean;
  expired: boolean;
  kudos: string;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
  forms: FormRow[];
}

/**
 * Alchemy requests by id with their forms, in one statement (other kinds and purged ones find
 * nothing). A form FAULTED by its worker waits again as a new job (the engine's per-job fault
 * policy), so a form is its latest job, listed where the form was first asked for. A form paid at
 * cancel (no result, no image) and a waiting form of a cancelled request read as cancelled.
 */
export async function readAlchemyRequests(sql: Sql, ids: readonly string[]): Promise<AlchemyRow[]> {
  return sql.query<AlchemyRow>(
    `SELECT r.id, r.user_id, r.width, r.height, r.image_tiles, r.source_image_key, r.source_image_url,
            r.trusted_workers, r.slow_workers, r.cancelled, r.expired, r.consumed_kudos::text AS kudos,
            r.created_at, r.updated_at, r.expires_at,
            (SELECT json_agg(json_build_object('id', f.id, 'name', f.model,
                      'state', CASE WHEN r.cancelled AND (f.state = 'waiting'
                                       OR (f.state = 'ok' AND f.result IS NULL AND f.image_key IS NULL))
                                    THEN 'cancelled' ELSE f.state::text END,
                      'result', f.result, 'image_key', f.image_key, 'worker_id', f.worker_id,
                      'worker_name', w.name, 'kudos', f.kudos::text) ORDER BY f.first_idx)
               FROM (SELECT DISTINCT ON (j.model) j.*, min(j.idx) OVER (PARTITION BY j.model) AS first_idx
                       FROM jobs j WHERE j.request_id = r.id ORDER BY j.model, j.idx DESC) f
               LEFT JOIN workers w ON w.id = f.worker_id) AS forms
       FROM requests r
      WHERE r.id = ANY($1::uuid[]) AND r.kind = 'alchemy' AND r.purged_at IS NULL`,
    [ids],
  );
}

/** A job's kind and model (an alchemy job's form), to check a submitted result against; null if none. */
export async function readJobForm(sql: Sql, jobId: string): Promise<{ kind: string; model: string | null } | null> {
  const rows = await sql.query<{ kind: string; model: string | null }>("SELECT kind, model FROM jobs WHERE id = $1", [
    jobId,
  ]);
  return rows[0] ?? null;
}

/** A form in a worker's hands when its request was cancelled, and who owns that worker. */
export interface HeldForm {
  id: string;
  owner_id: number;
  owner_trusted: boolean;
}

/**
 * Cancels an alchemy request: marks it cancelled and withdraws its waiting forms (CANCELLED), in
 * one statement; returns the forms still in a worker's hands (to be settled as delivered, §3.6),
 * or null when there is no such live alchemy request.
 */
export async function cancelAlchemy(sql: Sql, id: string, now: Date): Promise<HeldForm[] | null> {
  const rows = await sql.query<{ held: HeldForm[] }>(
    `WITH r AS (
       UPDATE requests SET cancelled = true, updated_at = $2
        WHERE id = $1 AND kind = 'alchemy' AND NOT cancelled AND NOT expired RETURNING id
     ),
     j AS (
       UPDATE jobs SET state = 'cancelled' WHERE request_id IN (SELECT id FROM r) AND state = 'waiting'
     )
     SELECT coalesce((SELECT json_agg(json_build_object('id', x.id, 'owner_id', w.user_id, 'owner_trusted', u.trusted))
                        FROM jobs x JOIN workers w ON w.id = x.worker_id JOIN users u ON u.id = w.user_id
                       WHERE x.request_id = r.id AND x.state = 'processing'), '[]'::json) AS held
       FROM r`,
    [id, now],
  );
  return rows[0]?.held ?? null;
}
