import { mkdirSync, writeFileSync } from "node:fs";
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
    const template = `horde_test_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const u = new URL(url);
    u.pathname = `/${template}`;
    const db = connectPostgres(u.toString(), 2);
    await migrate(db);
    await db.close();
    provide("templateDb", template);
    return async () => {
      // Clones made by files that crashed are dropped with the template.
      const rows = await admin.query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'horde_test_%' AND datname <> $1",
        [template],
      );
      for (const r of rows.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
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
}
