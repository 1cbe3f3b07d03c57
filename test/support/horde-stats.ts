/**
 * Direct inserts for the statistics tests and benchmark: requests, waiting jobs, finished jobs
 * with a chosen finish instant, and workers with a chosen check-in, without the API (so
 * timestamps are exact and thousands of rows take one statement).
 */
import type { Db } from "../../src/infra/db.ts";

/** Inserts a live image request of `n` jobs (none inserted) and returns its id. */
export async function insertRequest(
  db: Db,
  o: {
    userId: number;
    models?: string[];
    width?: number;
    height?: number;
    steps?: number;
    n?: number;
    at: Date;
    params?: Record<string, unknown>;
  },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO requests (kind, user_id, prompt, params, models, n, width, height, steps, job_kudos, priority,
                           expires_at, created_at, updated_at)
     VALUES ('image', $1, 'stats', $8, $2, $3, $4, $5, $6, 1, 0, $7::timestamptz + interval '1 day', $7, $7)
     RETURNING id`,
    [
      o.userId,
      o.models ?? [],
      o.n ?? 1,
      o.width ?? 512,
      o.height ?? 512,
      o.steps ?? 30,
      o.at,
      JSON.stringify(o.params ?? {}),
    ],
  );
  return rows[0]!.id;
}

/** Adds `count` waiting jobs to a request. */
export async function insertWaitingJobs(db: Db, requestId: string, count: number): Promise<void> {
  await db.query(
    `INSERT INTO jobs (request_id, idx)
     SELECT $1, coalesce((SELECT max(idx) + 1 FROM jobs WHERE request_id = $1), 0) + g FROM generate_series(0, $2 - 1) g`,
    [requestId, count],
  );
}

/**
 * Adds `count` finished jobs to a request, finished at `at` (plus i × `spreadMs` for the i-th),
 * by `workerId`, for `model`, each of `pixels` × `steps` done in `seconds`.
 */
export async function insertFinishedJobs(
  db: Db,
  o: {
    requestId: string;
    workerId: string;
    model: string;
    count: number;
    at: Date;
    spreadMs?: number;
    pixels?: number;
    steps?: number;
    seconds?: number;
    state?: "ok" | "censored" | "csam" | "faulted";
  },
): Promise<void> {
  await db.query(
    `INSERT INTO jobs (request_id, idx, state, worker_id, model, claimed_at, submitted_at, pixels, steps, seconds)
     SELECT $1, coalesce((SELECT max(idx) + 1 FROM jobs WHERE request_id = $1), 0) + g, $2::job_state, $3, $4,
            $5::timestamptz + make_interval(secs => g * $6::float8 / 1000) - make_interval(secs => $9),
            $5::timestamptz + make_interval(secs => g * $6::float8 / 1000), $7, $8, $9
       FROM generate_series(0, $10 - 1) g`,
    [
      o.requestId,
      o.state ?? "ok",
      o.workerId,
      o.model,
      o.at,
      o.spreadMs ?? 0,
      o.pixels ?? 512 * 512,
      o.steps ?? 30,
      o.seconds ?? 10,
      o.count,
    ],
  );
}

/** Inserts an image worker that last checked in at `at`; returns its id. */
export async function insertWorker(
  db: Db,
  o: {
    userId: number;
    name: string;
    models: string[];
    at: Date;
    threads?: number;
    maintenance?: boolean;
    kind?: string;
    speed?: number;
  },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO workers (kind, user_id, name, models, threads, maintenance, last_check_in, speed)
     VALUES ($1::worker_kind, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [o.kind ?? "image", o.userId, o.name, o.models, o.threads ?? 1, o.maintenance ?? false, o.at, o.speed ?? 1e6],
  );
  return rows[0]!.id;
}
