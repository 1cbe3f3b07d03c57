import type { Sql } from "../../infra/db.ts";
import { LIVE } from "../queue/queue.rules.ts";

/**
 * Why worker `workerId` skips the image requests that have waiting jobs now, in one aggregate
 * statement: for each request (live, not past its expiry, at most `limit` of them, read through
 * requests_live_idx) the reasons of `image_skip_reasons` (migration 20261201220004, kept in step
 * with image_eligible), counted per reason. Also returns how many requests were looked at. No
 * rows when the worker does not exist.
 */
export async function countSkipped(
  sql: Sql,
  workerId: string,
  now: Date,
  limit: number,
): Promise<{ requests: number; rows: { reason: string; count: number }[] } | null> {
  const rows = await sql.query<{ requests: number; reasons: { reason: string; count: number }[] | null }>(
    `WITH me AS (
       SELECT w, o.trusted FROM workers w JOIN users o ON o.id = w.user_id WHERE w.id = $1
     ),
     waiting AS (
       SELECT r FROM requests r
        WHERE r.kind = 'image' AND ${LIVE} AND r.expires_at > $2
          AND EXISTS (SELECT 1 FROM jobs j WHERE j.request_id = r.id AND j.state = 'waiting')
        LIMIT $3
     ),
     counted AS (
       SELECT reason, count(*)::int AS count
         FROM waiting, me, unnest(image_skip_reasons(waiting.r, me.w, me.trusted)) AS reason
        GROUP BY reason
     )
     SELECT (SELECT count(*)::int FROM waiting) AS requests,
            (SELECT json_agg(json_build_object('reason', reason, 'count', count)) FROM counted) AS reasons
       FROM me`,
    [workerId, now, limit],
  );
  const row = rows[0];
  return row ? { requests: row.requests, rows: row.reasons ?? [] } : null;
}
