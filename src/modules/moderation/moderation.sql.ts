import type { Sql } from "../../infra/db.ts";

/** An IP block or timeout as listed. */
export interface IpBlockRow {
  id: string;
  network: string;
  expires_at: Date | null;
  reason: string;
  strikes: number;
  created_at: Date;
}

/** The blocks and timeouts in force at `now`. */
export async function activeIpBlocks(sql: Sql, now: Date): Promise<IpBlockRow[]> {
  return sql.query<IpBlockRow>(
    `SELECT id::text, host(network) || '/' || masklen(network) AS network, expires_at, reason, strikes, created_at
       FROM ip_blocks WHERE expires_at IS NULL OR expires_at > $1 ORDER BY id`,
    [now],
  );
}

/** Sets a block (expiresAt null) or a timeout on a network, replacing what it had. */
export async function upsertIpBlock(
  sql: Sql,
  b: { network: string; expiresAt: Date | null; reason: string; createdBy: number | null; now: Date },
): Promise<void> {
  await sql.query(
    `INSERT INTO ip_blocks (network, expires_at, reason, created_by, created_at) VALUES ($1::inet, $2, $3, $4, $5)
     ON CONFLICT (network) DO UPDATE SET expires_at = EXCLUDED.expires_at, reason = EXCLUDED.reason,
            created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
    [b.network, b.expiresAt, b.reason, b.createdBy, b.now],
  );
}

/**
 * An automatic timeout for a corrupt prompt: one more strike for the address (strikes older
 * than a day are forgotten), the timeout's length from the strikes before it. Returns them.
 */
export async function strikeIp(
  sql: Sql,
  a: { network: string; now: Date; minutesFor: (strikes: number) => number },
): Promise<number> {
  const rows = await sql.query<{ strikes: number }>(
    `SELECT strikes FROM ip_blocks WHERE network = $1::inet AND created_at > $2::timestamptz - interval '1 day'`,
    [a.network, a.now],
  );
  const before = rows[0]?.strikes ?? 0;
  await sql.query(
    `INSERT INTO ip_blocks (network, expires_at, reason, strikes, created_at) VALUES ($1::inet, $2, 'CorruptPrompt', $3, $4)
     ON CONFLICT (network) DO UPDATE SET expires_at = greatest(ip_blocks.expires_at, EXCLUDED.expires_at),
            strikes = EXCLUDED.strikes, created_at = EXCLUDED.created_at
      WHERE ip_blocks.expires_at IS NOT NULL`,
    [a.network, new Date(a.now.getTime() + a.minutesFor(before) * 60_000), before + 1, a.now],
  );
  return before;
}

/** Removes a network's block or timeout (and its strikes). Returns whether there was one. */
export async function deleteIpBlock(sql: Sql, network: string): Promise<boolean> {
  const rows = await sql.query("DELETE FROM ip_blocks WHERE network = $1::inet RETURNING 1", [network]);
  return rows.length > 0;
}

/** A worker's last known address. */
export async function workerIp(sql: Sql, workerId: string): Promise<{ ipaddr: string | null } | null> {
  const rows = await sql.query<{ ipaddr: string | null }>("SELECT ipaddr FROM workers WHERE id = $1", [workerId]);
  return rows[0] ?? null;
}

/** A stored prompt filter. */
export interface FilterRow {
  id: string;
  regex: string;
  kind: "block" | "replace";
  replacement: string;
  description: string;
  created_by: number;
  created_at: Date;
}

/** Every prompt filter, oldest first. */
export async function listFilters(sql: Sql): Promise<FilterRow[]> {
  return sql.query<FilterRow>(
    "SELECT id::text, regex, kind, replacement, description, created_by, created_at FROM prompt_filters ORDER BY id",
  );
}

/** Adds a filter; an identical expression and kind returns the existing one (as the AI Horde does). */
export async function insertFilter(
  sql: Sql,
  f: { regex: string; kind: string; replacement: string; description: string; createdBy: number; now: Date },
): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    `WITH ins AS (
       INSERT INTO prompt_filters (regex, kind, replacement, description, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (regex, kind) DO NOTHING RETURNING id
     )
     SELECT id::text FROM ins UNION ALL SELECT id::text FROM prompt_filters WHERE regex = $1 AND kind = $2 LIMIT 1`,
    [f.regex, f.kind, f.replacement, f.description, f.createdBy, f.now],
  );
  return rows[0]!.id;
}

/** Changes a filter; returns whether it exists. */
export async function updateFilter(
  sql: Sql,
  id: string,
  f: { regex?: string; kind?: string; replacement?: string; description?: string },
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE prompt_filters SET regex = coalesce($2, regex), kind = coalesce($3, kind),
            replacement = coalesce($4, replacement), description = coalesce($5, description)
      WHERE id = $1 RETURNING 1`,
    [id, f.regex ?? null, f.kind ?? null, f.replacement ?? null, f.description ?? null],
  );
  return rows.length > 0;
}

/** Deletes a filter; returns whether it existed. */
export async function deleteFilter(sql: Sql, id: string): Promise<boolean> {
  return (await sql.query("DELETE FROM prompt_filters WHERE id = $1 RETURNING 1", [id])).length > 0;
}

/** The horde's modes. */
export interface ModesRow {
  maintenance: boolean;
  invite_only: boolean;
  raid: boolean;
}

/** Reads the horde's modes (the one row of horde_settings). */
export async function readModes(sql: Sql): Promise<ModesRow> {
  const rows = await sql.query<ModesRow>("SELECT maintenance, invite_only, raid FROM horde_settings WHERE id = 1");
  return rows[0] ?? { maintenance: false, invite_only: false, raid: false };
}

/** Changes the modes (null: unchanged); returns the old and new rows. */
export async function writeModes(
  sql: Sql,
  m: { maintenance: boolean | null; inviteOnly: boolean | null; raid: boolean | null },
): Promise<{ before: ModesRow; after: ModesRow }> {
  const before = (
    await sql.query<ModesRow>("SELECT maintenance, invite_only, raid FROM horde_settings WHERE id = 1 FOR UPDATE")
  )[0] ?? { maintenance: false, invite_only: false, raid: false };
  const rows = await sql.query<ModesRow>(
    `INSERT INTO horde_settings (id, maintenance, invite_only, raid) VALUES (1, coalesce($1, false), coalesce($2, false), coalesce($3, false))
     ON CONFLICT (id) DO UPDATE SET maintenance = coalesce($1, horde_settings.maintenance),
            invite_only = coalesce($2, horde_settings.invite_only), raid = coalesce($3, horde_settings.raid)
     RETURNING maintenance, invite_only, raid`,
    [m.maintenance, m.inviteOnly, m.raid],
  );
  return { before, after: rows[0]! };
}

/**
 * Maintenance mode's effect on the queue (reference: every active request gets n = 0): the
 * waiting jobs of every live request are withdrawn. Returns their requests.
 */
export async function withdrawWaitingJobs(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ request_id: string }>(
    "UPDATE jobs SET state = 'cancelled' WHERE state = 'waiting' RETURNING request_id",
  );
  return [...new Set(rows.map((r) => r.request_id))];
}

/** How many workers an owner runs, for invite-only mode. */
export async function workerCountOf(sql: Sql, userId: number): Promise<number> {
  const rows = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM workers WHERE user_id = $1", [userId]);
  return rows[0]?.n ?? 0;
}

/** Whether this owner already runs a worker of this name (so a pop is a check-in, not a registration). */
export async function ownsWorkerNamed(sql: Sql, userId: number, name: string): Promise<boolean> {
  const rows = await sql.query("SELECT 1 FROM workers WHERE name_key = lower(normalize($1, NFKC)) AND user_id = $2", [
    name,
    userId,
  ]);
  return rows.length > 0;
}

/** How many workers last checked in from this address. */
export async function workersOnIp(sql: Sql, ip: string): Promise<number> {
  const rows = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM workers WHERE ipaddr = $1", [ip]);
  return rows[0]?.n ?? 0;
}

/** Records the address a worker checked in from, when it changed. */
export async function recordWorkerIp(sql: Sql, workerId: string, ip: string): Promise<void> {
  await sql.query("UPDATE workers SET ipaddr = $2 WHERE id = $1 AND ipaddr IS DISTINCT FROM $2", [workerId, ip]);
}
