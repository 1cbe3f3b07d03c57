import type { Deps } from "../deps.ts";
import type { Sql } from "../infra/db.ts";

/**
 * Runs `fn` in a transaction holding a transaction-scoped advisory lock (namespace 2, `key`), or
 * skips it when another instance holds the lock: N instances do each shared sweep once per
 * interval. Returns null when skipped.
 */
export async function exclusive<T>(
  deps: Pick<Deps, "db">,
  key: number,
  fn: (sql: Sql) => Promise<T>,
): Promise<T | null> {
  return deps.db.tx(async (sql) => {
    const rows = await sql.query<{ got: boolean }>("SELECT pg_try_advisory_xact_lock(2, $1) AS got", [key]);
    return rows[0]?.got ? fn(sql) : null;
  });
}
