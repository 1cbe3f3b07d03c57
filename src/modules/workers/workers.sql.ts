import type { Sql } from "../../infra/db.ts";
import type { Kind } from "../jobs/kinds.ts";
import { WORKER_COLUMNS, type WorkerColumns } from "./workers.rules.ts";

/** The worker fields the claim and the feeds need after a check-in. */
export interface CheckedInWorker {
  id: string;
  user_id: number;
  name: string;
  maintenance: boolean;
  maintenance_msg: string | null;
  paused: boolean;
  extra_slow: boolean;
}

const CHECKED_IN = "id, user_id, name, maintenance, maintenance_msg, paused, extra_slow";

/** These workers as a check-in reads them (the feeds' view of their workers); missing ones are gone. */
export async function readCheckedInWorkers(sql: Sql, ids: string[]): Promise<CheckedInWorker[]> {
  if (ids.length === 0) return [];
  return sql.query<CheckedInWorker>(`SELECT ${CHECKED_IN} FROM workers WHERE id = ANY ($1::uuid[])`, [ids]);
}

/**
 * The statement parts for a check-in's columns: `$5…` placeholders in {@link WORKER_COLUMNS}
 * order (a fixed allowlist: no column name ever comes from input), and their values.
 */
function columnsOf(columns: WorkerColumns): { names: string[]; values: unknown[] } {
  const names = WORKER_COLUMNS.filter((c) => columns[c] !== undefined);
  return { names, values: names.map((c) => columns[c]) };
}

/**
 * The check-in of a worker this owner already runs: records its declaration, in one statement.
 * No row back means the name is new, or not this owner's worker of this kind. Locks the
 * worker's row.
 */
export async function updateWorker(
  sql: Sql,
  ownerId: number,
  w: { kind: Kind; name: string; columns: WorkerColumns },
  now: Date,
): Promise<CheckedInWorker | null> {
  const { names, values } = columnsOf(w.columns);
  const sets = names.map((c, i) => `${c} = $${i + 5}`).join(", ");
  const rows = await sql.query<CheckedInWorker>(
    `UPDATE workers SET ${sets}${sets ? ", " : ""}last_check_in = $4
      WHERE name = $2 AND user_id = $1 AND kind = $3
     RETURNING ${CHECKED_IN}`,
    [ownerId, w.name, w.kind, now, ...values],
    { name: `update_worker_${w.kind}_${names.length}` },
  );
  return rows[0] ?? null;
}

/**
 * Serialises the registrations of one owner's workers (transaction-scoped; advisory namespace 3),
 * so that two first pops at once cannot both see the owner under `maxWorkers` and both insert.
 */
export async function lockWorkerRegistration(sql: Sql, ownerId: number): Promise<void> {
  await sql.query("SELECT pg_advisory_xact_lock(3, $1)", [ownerId]);
}

/**
 * Registers the worker on first use or records its check-in, in one statement. Insert happens
 * only while the owner is under `maxWorkers`; an existing worker is updated only when it belongs
 * to this owner and kind. No row back means one of those failed; {@link diagnoseCheckIn} says
 * which. Names are unique by their key (`name_key`, src/lib/names.ts): a look-alike of another
 * owner's name is that name. A new worker starts at its kind's `speed`. Locks: the worker's row
 * (an upsert). The owner count is only safe from concurrent registrations under
 * {@link lockWorkerRegistration}, taken in an earlier statement of the same transaction (a
 * statement's snapshot predates any lock it waits for).
 */
export async function upsertWorker(
  sql: Sql,
  ownerId: number,
  w: { kind: Kind; name: string; columns: WorkerColumns; speed: number },
  now: Date,
  maxWorkers: number,
): Promise<CheckedInWorker | null> {
  const { names, values } = columnsOf(w.columns);
  const cols = names.join(", ");
  const params = names.map((_, i) => `$${i + 7}`).join(", ");
  const sets = names.map((c) => `${c} = EXCLUDED.${c}`).join(", ");
  const rows = await sql.query<CheckedInWorker>(
    `INSERT INTO workers (kind, user_id, name, last_check_in, speed${cols ? `, ${cols}` : ""})
     SELECT $3, $1, $2, $4, $6${params ? `, ${params}` : ""}
      WHERE EXISTS (SELECT 1 FROM workers WHERE name_key = lower(normalize($2, NFKC)))
         OR (SELECT count(*) FROM workers WHERE user_id = $1) < $5
     ON CONFLICT (name_key) DO UPDATE SET ${sets}${sets ? ", " : ""}last_check_in = EXCLUDED.last_check_in
      WHERE workers.user_id = EXCLUDED.user_id AND workers.kind = EXCLUDED.kind
     RETURNING ${CHECKED_IN}`,
    [ownerId, w.name, w.kind, now, maxWorkers, w.speed, ...values],
    { name: `upsert_worker_${w.kind}_${names.length}` },
  );
  return rows[0] ?? null;
}

/** Why a check-in returned nothing: the name is someone else's, another kind's, or the owner is full. */
export async function diagnoseCheckIn(
  sql: Sql,
  ownerId: number,
  name: string,
): Promise<"WrongCredentials" | "PolymorphicNameConflict" | "TooManyWorkers"> {
  const rows = await sql.query<{ user_id: number; kind: string }>(
    "SELECT user_id, kind FROM workers WHERE name_key = lower(normalize($1, NFKC))",
    [name],
  );
  const w = rows[0];
  if (!w) return "TooManyWorkers";
  if (w.user_id !== ownerId) return "WrongCredentials";
  return "PolymorphicNameConflict";
}

/** Whether the user has the customizer role (may serve models outside the reference). */
export async function isCustomizer(sql: Sql, userId: number): Promise<boolean> {
  const rows = await sql.query<{ customizer: boolean }>("SELECT customizer FROM users WHERE id = $1", [userId]);
  return rows[0]?.customizer ?? false;
}

/** Marks the workers behind live feeds as checked in (one statement for all of them). */
export async function touchWorkers(sql: Sql, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql.query("UPDATE workers SET last_check_in = $2 WHERE id = ANY($1::uuid[])", [ids, now]);
}

/** A worker's maintenance state, read from its row (a check-in may be a recent one reused). */
export async function readMaintenance(
  sql: Sql,
  workerId: string,
): Promise<{ maintenance: boolean; maintenance_msg: string | null } | null> {
  const rows = await sql.query<{ maintenance: boolean; maintenance_msg: string | null }>(
    "SELECT maintenance, maintenance_msg FROM workers WHERE id = $1",
    [workerId],
  );
  return rows[0] ?? null;
}

/** Jobs one worker dropped: taken back when their TTL ran out, or submitted FAULTED. */
export interface AbortedJobs {
  workerId: string;
  jobs: number;
  cause: "timeout" | "faulted";
}

/**
 * The AI Horde's `log_aborted_job`, for several workers in one statement: each worker's
 * `uncompleted_jobs` grows by the jobs it dropped, and `timed_out_jobs` or `faulted_jobs` by
 * the same number (as `cause` says); its `aborted_jobs` count starts over when its
 * previous drop is older than `windowSeconds`, then grows; a count above `max` puts the worker in
 * maintenance with `message` and starts the count over. Returns the workers put in maintenance
 * now. Locks the workers' rows (in id order, as every multi-worker update here does).
 */
export async function recordAbortedJobs(
  sql: Sql,
  drops: AbortedJobs[],
  now: Date,
  rule: { max: number; windowSeconds: number; message: string; maintenance: boolean },
): Promise<string[]> {
  if (drops.length === 0) return [];
  const rows = await sql.query<{ id: string; tripped: boolean }>(
    `WITH d AS (
       SELECT x.worker_id, x.jobs, x.timed_out FROM jsonb_to_recordset($1::jsonb) AS x(worker_id uuid, jobs int, timed_out boolean)
     ),
     locked AS (
       SELECT w.id FROM workers w JOIN d ON d.worker_id = w.id ORDER BY w.id FOR UPDATE OF w
     ),
     n AS (
       SELECT w.id, d.jobs + CASE WHEN w.last_aborted_job IS NULL OR w.last_aborted_job < $2::timestamptz - make_interval(secs => $3)
                                  THEN 0 ELSE w.aborted_jobs END AS count
         FROM workers w JOIN d ON d.worker_id = w.id JOIN locked l ON l.id = w.id
     )
     UPDATE workers w SET uncompleted_jobs = w.uncompleted_jobs + d.jobs, last_aborted_job = $2::timestamptz,
            timed_out_jobs = w.timed_out_jobs + CASE WHEN d.timed_out THEN d.jobs ELSE 0 END,
            faulted_jobs = w.faulted_jobs + CASE WHEN d.timed_out THEN 0 ELSE d.jobs END,
            aborted_jobs = CASE WHEN n.count > $4 THEN 0 ELSE n.count END,
            maintenance = w.maintenance OR (n.count > $4 AND $6),
            maintenance_msg = CASE WHEN n.count > $4 AND $6 AND NOT w.maintenance THEN $5 ELSE w.maintenance_msg END
       FROM d, n
      WHERE w.id = d.worker_id AND n.id = w.id
     RETURNING w.id, (n.count > $4) AS tripped`,
    [
      JSON.stringify(drops.map((d) => ({ worker_id: d.workerId, jobs: d.jobs, timed_out: d.cause === "timeout" }))),
      now,
      rule.windowSeconds,
      rule.max,
      rule.message,
      rule.maintenance,
    ],
  );
  return rows.filter((r) => r.tripped).map((r) => r.id);
}

/**
 * Puts a worker in maintenance (with a message) or takes it out; leaving maintenance starts its
 * dropped-job count over. With `ownerId`, only that owner's worker is changed. Returns the
 * worker's id and owner, or null when no worker matched.
 */
export async function setMaintenance(
  sql: Sql,
  a: { workerId: string; maintenance: boolean; message: string | null; ownerId: number | null },
): Promise<{ id: string; user_id: number } | null> {
  const rows = await sql.query<{ id: string; user_id: number }>(
    `UPDATE workers SET maintenance = $2, maintenance_msg = CASE WHEN $2 THEN $3 ELSE NULL END,
            aborted_jobs = CASE WHEN $2 THEN aborted_jobs ELSE 0 END
      WHERE id = $1 AND ($4::int IS NULL OR user_id = $4)
     RETURNING id, user_id`,
    [a.workerId, a.maintenance, a.message, a.ownerId],
  );
  return rows[0] ?? null;
}

/** A worker's owner, or null when there is no such worker. */
export async function ownerOfWorker(sql: Sql, workerId: string): Promise<number | null> {
  const rows = await sql.query<{ user_id: number }>("SELECT user_id FROM workers WHERE id = $1", [workerId]);
  return rows[0]?.user_id ?? null;
}
