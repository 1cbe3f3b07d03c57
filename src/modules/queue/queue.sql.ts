import type { Sql } from "../../infra/db.ts";

/**
 * How many jobs wait to be claimed. Reads the partial index jobs_queue_idx (waiting jobs
 * only), so its cost follows the queue, never the table of finished jobs; no locks.
 */
export async function countWaitingJobs(sql: Sql): Promise<number> {
  const rows = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE state = 'waiting'");
  return rows[0]?.n ?? 0;
}
