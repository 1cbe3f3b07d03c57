import type { Sql } from "../../infra/db.ts";

/**
 * The jobs each of these workers holds unsubmitted, by worker: one statement for every feed of
 * an instance (the sweep checks the feeds' own counts against it).
 */
export async function heldJobsByWorker(sql: Sql, workerIds: string[]): Promise<Map<string, string[]>> {
  const held = new Map<string, string[]>();
  if (workerIds.length === 0) return held;
  const rows = await sql.query<{ worker_id: string; id: string }>(
    "SELECT worker_id, id FROM jobs WHERE worker_id = ANY($1::uuid[]) AND state = 'processing'",
    [workerIds],
  );
  for (const r of rows) held.set(r.worker_id, [...(held.get(r.worker_id) ?? []), r.id]);
  return held;
}
