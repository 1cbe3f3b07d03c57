/**
 * The text kind's statements: what admission reads (listed workers, capacity, model sizes), the
 * reads behind `textRequest`, cancel, and the text model table. Storing a request, the claim,
 * TTL, faults and settlement are the engine's (requests and jobs modules).
 */
import type { Sql } from "../../infra/db.ts";
import type { GenMetadataEntry } from "../jobs/gen-metadata.rules.ts";

/** The ids among `ids` that are text workers. */
export async function existingTextWorkerIds(sql: Sql, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ id: string }>("SELECT id FROM workers WHERE id = ANY($1::uuid[]) AND kind = 'text'", [
    ids,
  ]);
  return rows.map((r) => r.id);
}

/** Text threads online and live text requests with waiting jobs: the free length depends on them. */
export async function readTextCapacity(
  sql: Sql,
  onlineSince: Date,
): Promise<{ activeThreads: number; queuedRequests: number }> {
  const rows = await sql.query<{ threads: number; queued: number }>(
    `SELECT (SELECT coalesce(sum(threads), 0)::int FROM workers
              WHERE kind = 'text' AND last_check_in >= $1 AND NOT maintenance AND NOT paused) AS threads,
            (SELECT count(DISTINCT j.request_id)::int FROM jobs j
              WHERE j.kind = 'text' AND j.state = 'waiting') AS queued`,
    [onlineSince],
  );
  return { activeThreads: rows[0]?.threads ?? 0, queuedRequests: rows[0]?.queued ?? 0 };
}

/** Whether some online text worker could take request `id` now (the claim's own rule). */
export async function textRequestPossible(sql: Sql, id: string, onlineSince: Date, now: Date): Promise<boolean> {
  const rows = await sql.query<{ possible: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM workers w JOIN users o ON o.id = w.user_id
        WHERE w.kind = 'text' AND w.last_check_in >= $2 AND claim_eligible($1, w, o.trusted, $3)
     ) AS possible`,
    [id, onlineSince, now],
  );
  return rows[0]?.possible ?? false;
}

/** The sizes (parameters) the model table knows for these text model names. */
export async function readTextModelSizes(sql: Sql, names: readonly string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await sql.query<{ name: string; parameters: string }>(
    `SELECT name, parameters::text AS parameters FROM known_models
      WHERE kind = 'text' AND name = ANY($1::text[]) AND parameters IS NOT NULL`,
    [names],
  );
  return new Map(rows.map((r) => [r.name, Number(r.parameters)]));
}

/**
 * Records text models a worker declared, with the size read from each name (null: unknown).
 * The first declaration of a name fixes its size: a later worker cannot re-price a model others
 * already serve. A name the image reference already holds is left to it.
 */
export async function recordTextModels(
  sql: Sql,
  models: readonly { name: string; parameters: number | null }[],
): Promise<void> {
  if (models.length === 0) return;
  await sql.query(
    `INSERT INTO known_models (name, kind, baseline, parameters)
     SELECT m.name, 'text', 'text', m.parameters
       FROM jsonb_to_recordset($1::jsonb) AS m(name text, parameters bigint)
     ON CONFLICT (name) DO NOTHING`,
    [JSON.stringify(models)],
  );
}

/** A text request's status row. */
export interface TextRequestRow {
  id: string;
  user_id: number;
  n: number;
  prompt: string;
  models: string[];
  params: Record<string, unknown>;
  max_length: number;
  max_context_length: number;
  softprompt: string | null;
  nsfw: boolean;
  faulted: boolean;
  cancelled: boolean;
  expired: boolean;
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

/** The text requests named (other kinds and purged requests are not found), with their job counts. */
export async function readTextRequests(sql: Sql, ids: readonly string[]): Promise<TextRequestRow[]> {
  if (ids.length === 0) return [];
  return sql.query<TextRequestRow>(
    `SELECT r.id, r.user_id, r.n, r.prompt, r.models, r.params, r.max_length, r.max_context_length, r.softprompt,
            r.nsfw, r.faulted, r.cancelled, r.expired, r.consumed_kudos::text AS kudos, r.created_at,
            r.updated_at, r.expires_at,
            count(*) FILTER (WHERE j.state = 'waiting')::int AS waiting,
            count(*) FILTER (WHERE j.state = 'processing')::int AS processing,
            count(*) FILTER (WHERE j.state IN ('ok', 'censored', 'csam'))::int AS finished,
            count(*) FILTER (WHERE j.state = 'faulted')::int AS faulted_jobs,
            coalesce(sum(j.restarts), 0)::int AS restarted
       FROM requests r JOIN jobs j ON j.request_id = r.id
      WHERE r.id = ANY($1::uuid[]) AND r.kind = 'text' AND r.purged_at IS NULL
      GROUP BY r.id`,
    [ids],
  );
}

/** One finished text of a request. */
export interface TextGenerationRow {
  id: string;
  request_id: string;
  text: string;
  seed: string | null;
  model: string | null;
  worker_id: string;
  worker_name: string;
  state: "ok" | "censored" | "csam";
  gen_metadata: GenMetadataEntry[] | null;
  things: number | null;
  kudos: string | null;
}

/** The finished texts of several requests, in one statement, in the order they were submitted. */
export async function readTextGenerations(sql: Sql, requestIds: readonly string[]): Promise<TextGenerationRow[]> {
  if (requestIds.length === 0) return [];
  return sql.query<TextGenerationRow>(
    `SELECT j.id, j.request_id, coalesce(j.result #>> '{}', '') AS text, j.seed, j.model, j.worker_id,
            w.name AS worker_name, j.state, j.gen_metadata, j.things, j.kudos::text AS kudos
       FROM jobs j JOIN workers w ON w.id = j.worker_id
      WHERE j.request_id = ANY($1::uuid[]) AND j.state IN ('ok', 'censored', 'csam')
      ORDER BY j.request_id, j.submitted_at, j.idx`,
    [requestIds],
  );
}

/**
 * Cancels a text request: no more jobs are handed out (its waiting jobs are withdrawn); jobs in
 * workers' hands still settle when submitted. Null when there is no such text request.
 */
export async function cancelTextRequest(sql: Sql, id: string, now: Date): Promise<{ withdrawn: number } | null> {
  const rows = await sql.query<{ withdrawn: number }>(
    `WITH r AS (
       UPDATE requests SET cancelled = true, updated_at = $2 WHERE id = $1 AND kind = 'text' RETURNING id
     ),
     j AS (
       UPDATE jobs SET state = 'cancelled' WHERE request_id IN (SELECT id FROM r) AND state = 'waiting' RETURNING id
     )
     SELECT (SELECT count(*)::int FROM j) AS withdrawn FROM r`,
    [id, now],
  );
  return rows[0] ?? null;
}

/** What a text job's price needs besides the engine's basis: its worker's bridge and its model's size. */
export interface TextSubmitFacts {
  model: string | null;
  bridge_agent: string;
  parameters: string | null;
}

/** The facts of a job held by one of this owner's workers (null: not such a job). */
export async function readTextSubmitFacts(sql: Sql, jobId: string, ownerId: number): Promise<TextSubmitFacts | null> {
  const rows = await sql.query<TextSubmitFacts>(
    `SELECT j.model, w.bridge_agent, k.parameters::text AS parameters
       FROM jobs j JOIN workers w ON w.id = j.worker_id
       LEFT JOIN known_models k ON k.name = j.model AND k.kind = 'text'
      WHERE j.id = $1 AND w.user_id = $2`,
    [jobId, ownerId],
  );
  return rows[0] ?? null;
}
