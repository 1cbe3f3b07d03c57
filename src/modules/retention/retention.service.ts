/**
 * Retention (seed 002: prompts and generations are "deleted shortly after the generation is
 * delivered or cancelled"): a request's prompt, parameters and images are kept for
 * RETENTION_SECONDS after it ended, then blanked, and their blobs deleted. Shared generations were
 * copied into the ratings dataset when the request ended and outlive it there.
 */
import type { Deps } from "../../deps.ts";
import type { Sql } from "../../infra/db.ts";
import { purgeEnded, stampEnded } from "./retention.sql.ts";

/** Requests stamped, or purged, per transaction: a batch holds its rows' locks briefly. */
export const RETENTION_BATCH = 200;

/** What one batch did. */
export interface RetentionBatch {
  /** Requests newly seen ended. */
  ended: number;
  /** Shared generations copied into the dataset. */
  collected: number;
  /** Requests whose prompt, parameters and images were removed. */
  purged: number;
  /** Blobs deleted. */
  blobs: number;
}

/**
 * One batch, inside the caller's transaction (which holds the retention lock): stamp what ended,
 * then purge what ended more than `retentionSeconds` ago and delete its blobs. The blobs go before
 * the commit: if the commit then fails, the next sweep purges the rows again and finds the files
 * already gone (deleting is idempotent), whereas the other order could leave files behind for ever.
 */
export async function retentionBatch(
  deps: Deps,
  sql: Sql,
  now: Date,
  limit = RETENTION_BATCH,
): Promise<RetentionBatch> {
  const { ended, collected } = await stampEnded(sql, limit);
  const cutoff = new Date(now.getTime() - deps.config.retentionSeconds * 1000);
  const { ids, keys } = await purgeEnded(sql, cutoff, now, limit);
  for (const key of keys) await deps.blobs.delete(key);
  return { ended, collected, purged: ids.length, blobs: keys.length };
}
