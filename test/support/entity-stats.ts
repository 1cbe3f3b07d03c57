import type { Db } from "../../src/infra/db.ts";

let n = 0;

/** Inserts a worker directly, with the counters and times given; returns its id. */
export async function seedWorker(
  db: Db,
  ownerId: number,
  o: {
    name?: string;
    kind?: "image" | "text" | "alchemy";
    models?: string[];
    createdAt?: Date;
    lastCheckIn?: Date;
    speed?: number;
    megapixelsteps?: number;
    fulfilments?: number;
  } = {},
): Promise<string> {
  const name = o.name ?? `w_${process.pid}_${++n}_${Math.random().toString(36).slice(2, 7)}`;
  const rows = await db.query<{ id: string }>(
    `INSERT INTO workers (kind, user_id, name, models, created_at, last_check_in, speed, megapixelsteps, fulfilments)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      o.kind ?? "image",
      ownerId,
      name,
      o.models ?? ["stable_diffusion"],
      o.createdAt ?? new Date(),
      o.lastCheckIn ?? new Date(0),
      o.speed ?? 1e6,
      o.megapixelsteps ?? 0,
      o.fulfilments ?? 0,
    ],
  );
  return rows[0]!.id;
}

/** Inserts a request directly (no jobs); returns its id. */
export async function seedRequest(db: Db, userId: number, o: { createdAt?: Date; n?: number } = {}): Promise<string> {
  const at = o.createdAt ?? new Date();
  const rows = await db.query<{ id: string }>(
    `INSERT INTO requests (kind, user_id, prompt, params, n, width, height, steps, job_kudos, priority, expires_at,
       created_at, updated_at)
     VALUES ('image', $1, 'a prompt', '{}', $2, 512, 512, 30, 10, 0, $3, $3, $3) RETURNING id`,
    [userId, o.n ?? 1, at],
  );
  return rows[0]!.id;
}

/** A job to insert: finished (ok) unless `state` says otherwise. */
export interface SeedJob {
  workerId: string | null;
  submittedAt: Date;
  model?: string;
  state?: "ok" | "censored" | "csam" | "faulted" | "waiting";
  pixels?: number;
  steps?: number;
  seconds?: number;
}

/**
 * Inserts jobs of one request, finished at the times given, with sizes and durations, and counts
 * the finished ones on the request as the settlement does.
 */
export async function seedJobs(db: Db, requestId: string, jobs: SeedJob[]): Promise<void> {
  await db.query(
    `INSERT INTO jobs (request_id, idx, state, worker_id, model, claimed_at, submitted_at, pixels, steps, seconds,
       created_at)
     SELECT $1, coalesce((SELECT max(idx) + 1 FROM jobs WHERE request_id = $1), 0) + x.i - 1, x.state::job_state,
            x.worker_id, x.model, x.submitted_at - make_interval(secs => x.seconds), x.submitted_at, x.pixels,
            x.steps, x.seconds, x.submitted_at - make_interval(secs => x.seconds)
       FROM jsonb_to_recordset($2::jsonb)
            AS x(i int, worker_id uuid, model text, state text, submitted_at timestamptz, pixels int, steps int,
                 seconds float8)`,
    [
      requestId,
      JSON.stringify(
        jobs.map((j, i) => ({
          i: i + 1,
          worker_id: j.workerId,
          model: j.model ?? "stable_diffusion",
          state: j.state ?? "ok",
          submitted_at: j.submittedAt.toISOString(),
          pixels: j.pixels ?? 512 * 512,
          steps: j.steps ?? 30,
          seconds: j.seconds ?? 2,
        })),
      ),
    ],
  );
  await db.query(
    `UPDATE requests r SET finished_images = s.n, finished_pixelsteps = s.ps
       FROM (SELECT count(*)::int AS n, coalesce(sum(pixels::float8 * steps), 0) AS ps FROM jobs
              WHERE request_id = $1 AND state IN ('ok', 'censored', 'csam')) s
      WHERE r.id = $1`,
    [requestId],
  );
}
