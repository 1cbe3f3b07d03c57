import type { Db } from "../../infra/db.ts";
import { type RankedRequest, readRanking, readRankOf, readRanksOf } from "./requests.sql.ts";

/** How old the queue ranking may be before a read refreshes it (the AI Horde's is 1 s). */
export const RANKING_MAX_AGE_MS = 1000;

interface Snapshot {
  at: number;
  rows: RankedRequest[];
  /** pixelsteps of rows[0..i) */
  prefix: number[];
  index: Map<string, number>;
}

// One snapshot per database handle (one per app instance), refreshed lazily: a burst of reads of
// queuePosition and waitTime costs one O(waiting jobs) read a second, not one per request.
const snapshots = new WeakMap<Db, { snap: Snapshot | null; loading: Promise<Snapshot> | null }>();

async function snapshotOf(db: Db, now: number): Promise<Snapshot> {
  let s = snapshots.get(db);
  if (!s) {
    s = { snap: null, loading: null };
    snapshots.set(db, s);
  }
  if (s.snap && now - s.snap.at < RANKING_MAX_AGE_MS) return s.snap;
  const slot = s;
  slot.loading ??= readRanking(db)
    .then((rows) => {
      const prefix = [0];
      for (const r of rows) prefix.push(prefix[prefix.length - 1]! + r.pixelsteps);
      slot.snap = { at: now, rows, prefix, index: new Map(rows.map((r, i) => [r.id, i])) };
      return slot.snap;
    })
    .finally(() => {
      slot.loading = null;
    });
  return slot.loading;
}

/** Whether `r` comes before (rank, created, id) in queue order. */
function ahead(r: RankedRequest, rank: number, created: Date, id: string): boolean {
  if (r.rank !== rank) return r.rank < rank;
  if (r.created_at.getTime() !== created.getTime()) return r.created_at < created;
  return r.id < id;
}

/**
 * Where request `id` stands: 1 + the requests with waiting jobs ahead of it in queue order, and
 * the pixelsteps those have waiting, from a ranking at most {@link RANKING_MAX_AGE_MS} old. A
 * request newer than the ranking is placed in it by its own rank (one primary-key read), so its
 * standing counts what was ahead of it a second ago at most.
 */
export async function rankingStanding(
  db: Db,
  id: string,
  now: Date,
): Promise<{ position: number; pixelsteps_ahead: number } | null> {
  const snap = await snapshotOf(db, now.getTime());
  let place = snap.index.get(id) ?? -1;
  if (place < 0) {
    const mine = await readRankOf(db, id);
    if (!mine) return null;
    let lo = 0;
    let hi = snap.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ahead(snap.rows[mid]!, mine.rank, mine.created_at, id)) lo = mid + 1;
      else hi = mid;
    }
    place = lo;
  }
  return { position: place + 1, pixelsteps_ahead: snap.prefix[place]! };
}

/**
 * {@link rankingStanding} for several requests (a list of them): one ranking snapshot, and the
 * requests newer than it read in one statement. Requests that do not exist are left out.
 */
export async function rankingStandings(
  db: Db,
  ids: readonly string[],
  now: Date,
): Promise<Map<string, { position: number; pixelsteps_ahead: number }>> {
  const snap = await snapshotOf(db, now.getTime());
  const out = new Map<string, { position: number; pixelsteps_ahead: number }>();
  const missing: string[] = [];
  for (const id of ids) {
    const place = snap.index.get(id);
    if (place === undefined) missing.push(id);
    else out.set(id, { position: place + 1, pixelsteps_ahead: snap.prefix[place]! });
  }
  for (const mine of missing.length > 0 ? await readRanksOf(db, missing) : []) {
    let lo = 0;
    let hi = snap.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ahead(snap.rows[mid]!, mine.rank, mine.created_at, mine.id)) lo = mid + 1;
      else hi = mid;
    }
    out.set(mine.id, { position: lo + 1, pixelsteps_ahead: snap.prefix[lo]! });
  }
  return out;
}

/** How many live requests have jobs waiting, from a ranking at most {@link RANKING_MAX_AGE_MS} old. */
export async function queuedCount(db: Db, now: Date): Promise<number> {
  return (await snapshotOf(db, now.getTime())).rows.length;
}
