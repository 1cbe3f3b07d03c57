import type { Sql } from "../../infra/db.ts";
import type { RoleChange, Roles } from "./roles.rules.ts";

/** An account's roles, locked until the transaction ends (so two moderators' changes queue). */
export async function lockRoles(sql: Sql, userId: number): Promise<Roles | null> {
  const rows = await sql.query<{
    moderator: boolean;
    trusted: boolean;
    flagged: boolean;
    customizer: boolean;
    worker_invited: number;
  }>("SELECT moderator, trusted, flagged, customizer, worker_invited FROM users WHERE id = $1 FOR UPDATE", [userId]);
  const r = rows[0];
  return r
    ? {
        moderator: r.moderator,
        trusted: r.trusted,
        flagged: r.flagged,
        customizer: r.customizer,
        workerInvited: r.worker_invited,
      }
    : null;
}

/** Writes an account's roles. */
export async function writeRoles(sql: Sql, userId: number, r: Roles): Promise<void> {
  await sql.query(
    "UPDATE users SET moderator = $2, trusted = $3, flagged = $4, customizer = $5, worker_invited = $6 WHERE id = $1",
    [userId, r.moderator, r.trusted, r.flagged, r.customizer, r.workerInvited],
  );
}

/** Appends role changes to the audit table (role_changes). */
export async function recordRoleChanges(
  sql: Sql,
  a: { moderatorId: number | null; userId: number; changes: RoleChange[]; now: Date },
): Promise<void> {
  if (a.changes.length === 0) return;
  await sql.query(
    `INSERT INTO role_changes (moderator_id, user_id, role, old_value, new_value, created_at)
     SELECT $1, $2, c.role, c.old_value, c.new_value, $4
       FROM jsonb_to_recordset($3::jsonb) AS c(role text, old_value text, new_value text)`,
    [
      a.moderatorId,
      a.userId,
      JSON.stringify(a.changes.map((c) => ({ role: c.role, old_value: c.oldValue, new_value: c.newValue }))),
      a.now,
    ],
  );
}

/** Setting trusted un-pauses all the account's workers (AI Horde `set_trusted`). */
export async function unpauseWorkersOf(sql: Sql, userId: number): Promise<void> {
  await sql.query("UPDATE workers SET paused = false, paused_reason = NULL WHERE user_id = $1 AND paused", [userId]);
}

/** A role change as the audit lists it. */
export interface RoleChangeRow {
  id: string;
  moderator_id: number | null;
  user_id: number;
  role: string;
  old_value: string;
  new_value: string;
  created_at: Date;
}

/** The audit, newest first, optionally for one account, at most `limit` rows before id `before`. */
export async function listRoleChanges(
  sql: Sql,
  a: { userId: number | null; limit: number; before: string | null },
): Promise<RoleChangeRow[]> {
  return sql.query<RoleChangeRow>(
    `SELECT id::text, moderator_id, user_id, role, old_value, new_value, created_at FROM role_changes
      WHERE ($1::int IS NULL OR user_id = $1) AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $2`,
    [a.userId, a.limit, a.before],
  );
}

/** What the automatic trust rule reads about an account. */
export interface TrustFacts {
  trusted: boolean;
  escrow: number;
  created_at: Date;
  suspicion: number;
}

/** An account's trust facts, locked (the promotion follows in the same transaction). */
export async function lockTrustFacts(sql: Sql, userId: number): Promise<TrustFacts | null> {
  const rows = await sql.query<{ trusted: boolean; escrow: string; created_at: Date; suspicion: number }>(
    `SELECT u.trusted, u.evaluating_kudos::text AS escrow, u.created_at,
            (SELECT count(*)::int FROM user_suspicions s WHERE s.user_id = u.id) AS suspicion
       FROM users u WHERE u.id = $1 FOR UPDATE`,
    [userId],
  );
  const r = rows[0];
  return r ? { ...r, escrow: Number(r.escrow) } : null;
}
