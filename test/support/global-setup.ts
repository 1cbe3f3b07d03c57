import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { connectPostgres, wrapPglite } from "../../src/infra/db.ts";
import { migrate } from "../../src/infra/migrate.ts";

/**
 * Builds the migrated template once per run: a Postgres template database when DATABASE_URL is
 * set, else a PGlite data-directory snapshot. Each test file then clones it (test/support/db.ts).
 */
export default async function setup({ provide }: { provide: (k: string, v: string) => void }) {
  const url = process.env.DATABASE_URL;
  if (url) {
    // Every database of this run starts with this prefix, so runs side by side on one server
    // (two people, or CI and a person) never drop each other's databases.
    const prefix = `horde_test_${process.pid}_`;
    const template = `${prefix}tpl`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await dropOrphans(admin);
    await admin.query(`CREATE DATABASE ${template}`);
    const u = new URL(url);
    u.pathname = `/${template}`;
    const db = connectPostgres(u.toString(), 2);
    await migrate(db);
    await db.close();
    provide("templateDb", template);
    provide("testDbPrefix", prefix);
    return async () => {
      // Clones made by files that crashed are dropped with the template.
      const rows = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 ORDER BY datname = $2",
        [prefix, template],
      );
      for (const r of rows.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      await admin.end();
    };
  }
  const pglite = await PGlite.create();
  const db = wrapPglite(pglite);
  await migrate(db);
  const dump = await pglite.dumpDataDir("none");
  const dir = path.join(os.tmpdir(), "horde-test");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  provide("pgliteSnapshot", file);
  return () => rmSync(file, { force: true });
}

/** Drops the test databases of runs whose process is gone (killed before their teardown ran). */
async function dropOrphans(admin: pg.Client) {
  const rows = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'horde\\_test\\_%'",
  );
  for (const { datname } of rows.rows) {
    const pid = Number(/^horde_test_(\d+)_/.exec(datname)?.[1]);
    if (pid && !alive(pid)) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
