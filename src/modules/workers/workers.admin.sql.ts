import type { Sql } from "../../infra/db.ts";
import { REQUEUED_MODEL } from "../queue/queue.rules.ts";

/** A worker as its management reads it, locked until the transaction ends. */
export interface ManagedWorker {
  id: string;
  user_id: number;
  owner_flagged: boolean;
}

/** Locks a worker's row for a change by its owner or a moderator. */
export async function lockWorker(sql: Sql, id: string): Promise<ManagedWorker | null> {
  const rows = await sql.query<ManagedWorker>(
    `SELECT w.id, w.user_id, u.flagged AS owner_flagged FROM workers w JOIN users u ON u.id = w.user_id
      WHERE w.id = $1 FOR UPDATE OF w`,
    [id],
  );
  return rows[0] ?? null;
}

/** Whether another worker already has this name (names are unique by their NFKC, case-folded key). */
export async function nameTaken(sql: Sql, name: string, exceptId: string): Promise<boolean> {
  const rows = await sql.query("SELECT 1 FROM workers WHERE name_key = lower(normalize($1, NFKC)) AND id <> $2", [
    name,
    exceptId,
  ]);
  return rows.length > 0;
}

/** A team's owner, or null when there is no such team. */
export async function teamOwner(sql: Sql, teamId: string): Promise<number | null> {
  const rows = await sql.query<{ owner_id: number }>("SELECT owner_id FROM teams WHERE id = $1", [teamId]);
  return rows[0]?.owner_id ?? null;
}

/** The changes one update makes; an absent field stays as it is (team null: no team). */
export interface WorkerChanges {
  name?: string;
  info?: string | null;
  teamId?: string | null;
  maintenance?: { on: boolean; message: string | null };
}

/**
 * Writes a worker's changes in one statement. Leaving maintenance starts its dropped-job count
 * over, as setWorkerMaintenance does.
 */
export async function writeWorkerChanges(sql: Sql, id: string, c: WorkerChanges): Promise<void> {
  await sql.query(
    `UPDATE workers SET
        name = CASE WHEN $2 THEN $3 ELSE name END,
        info = CASE WHEN $4 THEN $5 ELSE info END,
        team_id = CASE WHEN $6 THEN $7::uuid ELSE team_id END,
        maintenance = CASE WHEN $8 THEN $9 ELSE maintenance END,
        maintenance_msg = CASE WHEN $8 THEN CASE WHEN $9 THEN $10 ELSE NULL END ELSE maintenance_msg END,
        aborted_jobs = CASE WHEN $8 AND NOT $9 THEN 0 ELSE aborted_jobs END
      WHERE id = $1`,
    [
      id,
      c.name !== undefined,
      c.name ?? null,
      c.info !== undefined,
      c.info ?? null,
      c.teamId !== undefined,
      c.teamId ?? null,
      c.maintenance !== undefined,
      c.maintenance?.on ?? false,
      c.maintenance?.message ?? null,
    ],
  );
}

/** A moderator pauses a worker (reason 'moderator') or un-pauses it. */
export async function writePaused(sql: Sql, id: string, paused: boolean): Promise<void> {
  await sql.query(
    "UPDATE workers SET paused = $2, paused_reason = CASE WHEN $2 THEN 'moderator' ELSE NULL END WHERE id = $1",
    [id, paused],
  );
}

/** Whether a finished job (one a requester can still see) names the worker. */
export async function hasFinishedJobs(sql: Sql, workerId: string): Promise<boolean> {
  const rows = await sql.query(
    "SELECT 1 FROM jobs WHERE worker_id = $1 AND state IN ('ok', 'censored', 'csam') LIMIT 1",
    [workerId],
  );
  return rows.length > 0;
}

/**
 * Deletes a worker. Its held jobs go back to the queue as if never claimed (deleting a worker is
 * not its fault, so they do not count as dropped; an alchemy job keeps its form); faulted and
 * withdrawn jobs it held keep it in their `released_from`, so a request's count of workers that
 * failed it does not change. Its suspicion rows and messages go with it (ON DELETE CASCADE).
 * Returns the requests of the jobs put back.
 */
export async function deleteWorkerRow(sql: Sql, workerId: string): Promise<{ request_id: string; count: number }[]> {
  const back = await sql.query<{ request_id: string; count: number }>(
    `WITH back AS (
       UPDATE jobs SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = ${REQUEUED_MODEL},
              seed = NULL, ttl = 0
        WHERE worker_id = $1 AND state = 'processing'
       RETURNING request_id
     )
     SELECT request_id, count(*)::int AS count FROM back GROUP BY request_id`,
    [workerId],
  );
  await sql.query(
    `UPDATE jobs SET released_from = released_from || worker_id, worker_id = NULL
      WHERE worker_id = $1 AND state NOT IN ('ok', 'censored', 'csam')`,
    [workerId],
  );
  await sql.query("DELETE FROM workers WHERE id = $1", [workerId]);
  return back;
}

/** What a feed needs to hear that a request's jobs are claimable again. */
/** What a feed's wake-up needs to know of a request. */
interface WakeFacts {
  kind: "image" | "text" | "alchemy";
  models: string[];
  pixels: number;
  nsfw: boolean;
  user_id: number;
}

export async function wakeFacts(sql: Sql, requestId: string): Promise<WakeFacts | null> {
  const rows = await sql.query<WakeFacts>(
    "SELECT kind, models, width * height AS pixels, nsfw, user_id FROM requests WHERE id = $1",
    [requestId],
  );
  return rows[0] ?? null;
}

/** Stores a message to a worker's owner (null worker: every owner). */
export async function insertMessage(
  sql: Sql,
  m: { workerId: string | null; authorId: number; message: string; origin: string; expiresAt: Date; now: Date },
): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO worker_messages (worker_id, author_id, message, origin, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [m.workerId, m.authorId, m.message, m.origin, m.expiresAt, m.now],
  );
  return rows[0]!.id;
}

/** A message's author, or null when there is no such message. */
export async function messageAuthor(sql: Sql, id: string): Promise<number | null> {
  const rows = await sql.query<{ author_id: number }>("SELECT author_id FROM worker_messages WHERE id = $1", [id]);
  return rows[0]?.author_id ?? null;
}

/** Deletes a message. */
export async function deleteMessageRow(sql: Sql, id: string): Promise<void> {
  await sql.query("DELETE FROM worker_messages WHERE id = $1", [id]);
}

/** A worker message as the API shows it. */
export interface MessageRow {
  id: string;
  worker_id: string | null;
  author_id: number;
  message: string;
  origin: string;
  expires_at: Date;
  created_at: Date;
}

/**
 * The messages still valid at `now` that an owner may read: those to their workers and the
 * broadcasts; a moderator (ownerId null) reads all. Newest first, at most 100.
 */
export async function listMessages(sql: Sql, a: { ownerId: number | null; workerId: string | null; now: Date }) {
  return sql.query<MessageRow>(
    `SELECT m.id, m.worker_id, m.author_id, m.message, m.origin, m.expires_at, m.created_at
       FROM worker_messages m LEFT JOIN workers w ON w.id = m.worker_id
      WHERE m.expires_at > $3 AND ($2::uuid IS NULL OR m.worker_id = $2 OR m.worker_id IS NULL)
        AND ($1::int IS NULL OR m.worker_id IS NULL OR w.user_id = $1)
      ORDER BY m.created_at DESC LIMIT 100`,
    [a.ownerId, a.workerId, a.now],
  );
}
