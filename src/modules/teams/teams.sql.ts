import type { Sql } from "../../infra/db.ts";

/** Inserts a team; null when the name (case-insensitively) is taken. */
export async function insertTeam(
  sql: Sql,
  t: { name: string; info: string | null; ownerId: number; now: Date },
): Promise<string | null> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO teams (name, info, owner_id, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING id`,
    [t.name, t.info, t.ownerId, t.now],
  );
  return rows[0]?.id ?? null;
}

/** A team's owner, locked; null when there is no such team. */
export async function lockTeam(sql: Sql, id: string): Promise<{ owner_id: number } | null> {
  const rows = await sql.query<{ owner_id: number }>("SELECT owner_id FROM teams WHERE id = $1 FOR UPDATE", [id]);
  return rows[0] ?? null;
}

/** Whether another team has this name, case-insensitively. */
export async function teamNameTaken(sql: Sql, name: string, exceptId: string | null): Promise<boolean> {
  const rows = await sql.query("SELECT 1 FROM teams WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2::uuid", [
    name,
    exceptId,
  ]);
  return rows.length > 0;
}

/** Changes a team's name and info (undefined: unchanged). */
export async function writeTeam(sql: Sql, id: string, c: { name?: string; info?: string | null }): Promise<void> {
  await sql.query(
    `UPDATE teams SET name = CASE WHEN $2 THEN $3 ELSE name END, info = CASE WHEN $4 THEN $5 ELSE info END
      WHERE id = $1`,
    [id, c.name !== undefined, c.name ?? null, c.info !== undefined, c.info ?? null],
  );
}

/** Deletes a team; its workers are left without one (ON DELETE SET NULL). */
export async function deleteTeamRow(sql: Sql, id: string): Promise<void> {
  await sql.query("DELETE FROM teams WHERE id = $1", [id]);
}

/** One team's worker statistics as summed. */
export interface TeamStatsRow {
  team_id: string;
  worker_count: number;
  contributions: number;
  fulfilments: number;
  kudos: string;
  uptime: number;
  online: number;
  speed: number;
}

/**
 * The statistics of a page of teams in one grouped statement: sums of their workers' counters,
 * and the speed of those online (checked in since `onlineSince`). Uses workers_team_idx.
 */
export async function teamStats(sql: Sql, teamIds: readonly string[], onlineSince: Date): Promise<TeamStatsRow[]> {
  return sql.query<TeamStatsRow>(
    `SELECT team_id, count(*)::int AS worker_count, coalesce(sum(megapixelsteps), 0)::float8 AS contributions,
            coalesce(sum(fulfilments), 0)::int AS fulfilments, coalesce(sum(kudos), 0)::text AS kudos,
            coalesce(sum(uptime), 0)::int AS uptime,
            count(*) FILTER (WHERE last_check_in >= $2)::int AS online,
            coalesce(sum(speed) FILTER (WHERE last_check_in >= $2), 0)::float8 AS speed
       FROM workers WHERE team_id = ANY($1::uuid[]) GROUP BY team_id`,
    [teamIds, onlineSince],
  );
}
