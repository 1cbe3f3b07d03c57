import type { Sql } from "../../infra/db.ts";

/**
 * How long a request popped by an extra-slow worker is kept from expiring: the AI Horde's
 * `refresh()` gives it an hour instead of the usual 20 minutes (§3.6), so that its other jobs
 * still wait when the slow job comes back.
 */
export const EXTRA_SLOW_EXPIRY_SECONDS = 3600;

/**
 * After an extra-slow worker's claim: the claimed jobs' requests expire no sooner than
 * {@link EXTRA_SLOW_EXPIRY_SECONDS} from now (never earlier than they already would).
 */
export async function keepAliveForExtraSlow(
  sql: Sql,
  jobs: readonly { request_id: string }[],
  now: Date,
): Promise<void> {
  const ids = [...new Set(jobs.map((j) => j.request_id))];
  await sql.query(
    `UPDATE requests SET expires_at = greatest(expires_at, $2::timestamptz + make_interval(secs => $3))
      WHERE id = ANY($1::uuid[])`,
    [ids, now, EXTRA_SLOW_EXPIRY_SECONDS],
  );
}
