import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { connectPostgres, type Db, openPglite } from "../../src/infra/db.ts";

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
    /** Every Postgres database of this test run is named with it; the run's teardown drops them. */
    testDbPrefix: string;
    pgliteSnapshot: string;
  }
}

/** A fresh name for a Postgres database of this test run (dropped at the end of the run). */
export function testDbName(tag = ""): string {
  return `${inject("testDbPrefix")}${tag}${randomBytes(6).toString("hex")}`;
}

/** True when the suite runs against a real Postgres (DATABASE_URL set). */
export const onPostgres = Boolean(process.env.DATABASE_URL);

export interface TestDb {
  db: Db;
  /** The connection URL (Postgres only), for a second app instance on the same database. */
  url: string | null;
  /** Opens another pool on the same database (Postgres only). */
  connect(poolSize?: number): Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file: a template clone, or a PGlite snapshot. */
export async function createTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = testDbName();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDb")}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    const dbUrl = u.toString();
    const opened: Db[] = [];
    const connect = (size = 10) => {
      const d = connectPostgres(dbUrl, size);
      opened.push(d);
      return d;
    };
    const db = connect();
    return {
      db,
      url: dbUrl,
      connect,
      async drop() {
        for (const d of opened) await d.close().catch(() => {});
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const snapshot = new Blob([readFileSync(inject("pgliteSnapshot"))]);
  const db = await openPglite("memory://", snapshot);
  return {
    db,
    url: null,
    connect() {
      throw new Error("PGlite has one connection; this test needs DATABASE_URL");
    },
    drop: () => db.close(),
  };
}
