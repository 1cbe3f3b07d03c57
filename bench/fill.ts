/**
 * Fills a benchmark database with users, workers and a queue in a few set-based statements, so a
 * queue of 10,000 live requests takes seconds to build rather than minutes of admissions. The
 * rows are what `createImageRequest` and a claim would write (jobs get their queue columns from
 * the same trigger as everywhere else).
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../src/infra/db.ts";

/** `count` users with a large balance; returns their ids. */
export async function benchUsers(db: Db, count: number, kudos = 1_000_000): Promise<number[]> {
  const tag = randomBytes(4).toString("hex");
  const rows = await db.query<{ id: number }>(
    `INSERT INTO users (username, api_key_hash, kudos, worker_invited, concurrency)
     SELECT 'fill_' || $1 || '_' || g, 'fill_' || $1 || '_' || g, $3, 1000, 1000000 FROM generate_series(1, $2) g
     RETURNING id`,
    [tag, count, kudos],
  );
  return rows.map((r) => r.id);
}

/** An image worker row, checked in now; returns its id. */
export async function benchWorker(
  db: Db,
  o: { userId: number; name: string; models: string[]; nsfw?: boolean },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO workers (kind, user_id, name, models, nsfw, last_check_in)
     VALUES ('image', $1, $2, $3, $4, now()) RETURNING id`,
    [o.userId, o.name, o.models, o.nsfw ?? false],
  );
  return rows[0]!.id;
}

/**
 * Adds `count` live image requests of `n` jobs each, created `ageSeconds` ago (one millisecond
 * apart by default, so their queue order is their creation order), their requesters taken in turn from
 * `requesters`. `claimedBy` marks every job PROCESSING for that worker (a fully claimed
 * request); otherwise they wait.
 */
export async function fillRequests(
  db: Db,
  o: {
    count: number;
    n: number;
    requesters: number[];
    models: string[];
    ageSeconds: number;
    priority?: number;
    nsfw?: boolean;
    /** PROCESSING for this worker (fully claimed); with `finished`, OK (done, still live). */
    claimedBy?: string;
    finished?: boolean;
    /** Creation times `stride` ms apart from `offset` ms, so several fills interleave in queue order. */
    stride?: number;
    offset?: number;
  },
): Promise<void> {
  await db.query(
    `WITH r AS (
       INSERT INTO requests (kind, user_id, prompt, params, models, n, width, height, steps, nsfw, job_kudos,
                             priority, expires_at, created_at, updated_at)
       SELECT 'image', ($3::int[])[1 + (g - 1) % cardinality($3::int[])], 'bench', '{"steps":20}', $4, $2, 512, 512,
              20, $7, 10, $6, now() + interval '1 hour', now() - make_interval(secs => $5) + ($9 * g + $10) * interval '1 ms',
              now()
         FROM generate_series(1, $1) g
       RETURNING id, created_at
     )
     INSERT INTO jobs (request_id, idx, created_at, state, worker_id, claimed_at, deadline, ttl, model, seed)
     SELECT r.id, i, r.created_at,
            CASE WHEN $8::uuid IS NULL THEN 'waiting' WHEN $11 THEN 'ok' ELSE 'processing' END::job_state,
            $8::uuid, CASE WHEN $8::uuid IS NULL THEN NULL ELSE now() END,
            CASE WHEN $8::uuid IS NULL THEN NULL ELSE now() + interval '1 hour' END,
            CASE WHEN $8::uuid IS NULL THEN 0 ELSE 3600 END,
            CASE WHEN $8::uuid IS NULL THEN NULL ELSE ($4::text[])[1] END,
            CASE WHEN $8::uuid IS NULL THEN NULL ELSE '1' END
       FROM r, generate_series(0, $2 - 1) i`,
    [
      o.count,
      o.n,
      o.requesters,
      o.models,
      o.ageSeconds,
      (o.priority ?? 25).toFixed(2),
      o.nsfw ?? false,
      o.claimedBy ?? null,
      o.stride ?? 1,
      o.offset ?? 0,
      o.finished ?? false,
    ],
  );
  await db.query("ANALYZE requests");
  await db.query("ANALYZE jobs");
}
