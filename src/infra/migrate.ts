import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Db } from "./db.ts";

/** Where the SQL migrations live: prisma/migrations/<stamp>_<name>/migration.sql. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

// Any fixed 64-bit number; every instance must use the same one.
const MIGRATION_LOCK = 7_245_311_001;

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/** Lists migration folders in the order they apply (their names start with a timestamp). */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<{ name: string; sql: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(`${dir}/${name}/migration.sql`, "utf8") })),
  );
}

/**
 * Applies pending migrations, each in its own transaction under an advisory lock, so two
 * instances starting together apply each migration once: the second waits for the lock, then
 * sees the migration recorded and skips it. A migration whose file changed after it was applied
 * stops start-up rather than leaving the schema in an unknown state.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  await db
    .exec(`CREATE TABLE IF NOT EXISTS _migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
    .catch(async (err) => {
      // Two instances racing on CREATE TABLE IF NOT EXISTS can collide on the catalog; the table
      // exists either way.
      const rows = await db.query(`SELECT to_regclass('_migrations') AS t`);
      if (!rows[0]?.t) throw err;
    });
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const m of await listMigrations(dir)) {
    const checksum = createHash("sha256").update(m.sql).digest("hex");
    const applied = await db.tx(async (sql) => {
      await sql.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      const done = await sql.query<{ checksum: string }>("SELECT checksum FROM _migrations WHERE name = $1", [m.name]);
      if (done[0]) {
        if (done[0].checksum !== checksum) {
          throw new Error(`Migration ${m.name} was changed after it was applied; add a new migration instead`);
        }
        return false;
      }
      await sql.exec(m.sql);
      await sql.query("INSERT INTO _migrations (name, checksum) VALUES ($1, $2)", [m.name, checksum]);
      return true;
    });
    (applied ? result.applied : result.skipped).push(m.name);
  }
  return result;
}
