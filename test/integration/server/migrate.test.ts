import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPostgres, type Db, wrapPglite } from "../../../src/infra/db.ts";
import { listMigrations, migrate } from "../../../src/infra/migrate.ts";
import { testDbName } from "../../support/db.ts";

/** A migrations directory of our own: name → SQL. */
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "horde-migrations-"));
  for (const [name, sql] of Object.entries(files)) writeMigration(dir, name, sql);
  return dir;
}

function writeMigration(dir: string, name: string, sql: string) {
  mkdirSync(path.join(dir, name), { recursive: true });
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
}

async function recorded(db: Db): Promise<string[]> {
  const rows = await db.query<{ name: string }>("SELECT name FROM _migrations ORDER BY name");
  return rows.map((r) => r.name);
}

async function tableExists(db: Db, name: string): Promise<boolean> {
  const rows = await db.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [name]);
  return rows[0]?.t != null;
}

describe.skipIf(!process.env.DATABASE_URL)("migrate on Postgres", () => {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const created: string[] = [];
  const opened: Db[] = [];

  /** A brand-new empty database (from template1, not the migrated test template). */
  async function freshDb(): Promise<string> {
    const name = testDbName("mig_");
    await admin.query(`CREATE DATABASE ${name}`);
    created.push(name);
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${name}`;
    return u.toString();
  }

  function open(url: string): Db {
    const db = connectPostgres(url, 2);
    opened.push(db);
    return db;
  }

  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const db of opened) await db.close();
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("applies each migration exactly once when two instances migrate a fresh database at the same time", async () => {
    const url = await freshDb();
    const [one, two] = [open(url), open(url)];
    const [r1, r2] = await Promise.all([migrate(one), migrate(two)]);
    const all = (await listMigrations()).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    expect([...r1.applied, ...r2.applied].sort()).toEqual(all);
    expect([...r1.skipped, ...r2.skipped].sort()).toEqual(all);
    const rows = await one.query<{ name: string; n: number }>(
      "SELECT name, count(*)::int AS n FROM _migrations GROUP BY name ORDER BY name",
    );
    expect(rows).toEqual(all.map((name) => ({ name, n: 1 })));
    expect(await tableExists(one, "users")).toBe(true);
    // A third run finds nothing to do.
    expect(await migrate(one)).toEqual({ applied: [], skipped: all });
  });

  it("stops with an error naming a migration whose file changed after it was applied", async () => {
    const db = open(await freshDb());
    const dir = migrationsDir({ "20260101000000_first": "CREATE TABLE first_t (id int);" });
    await migrate(db, dir);
    writeMigration(dir, "20260101000000_first", "CREATE TABLE first_t (id int, extra text);");
    writeMigration(dir, "20260102000000_second", "CREATE TABLE second_t (id int);");
    await expect(migrate(db, dir)).rejects.toThrow(/20260101000000_first was changed after it was applied/);
    // Nothing after the changed migration ran.
    expect(await tableExists(db, "second_t")).toBe(false);
    expect(await recorded(db)).toEqual(["20260101000000_first"]);
  });

  it("rolls a failing migration back completely: no table, no record, earlier ones kept", async () => {
    const db = open(await freshDb());
    const dir = migrationsDir({
      "20260101000000_good": "CREATE TABLE good_t (id int);",
      "20260102000000_broken":
        "CREATE TABLE half_t (id int);\nINSERT INTO half_t VALUES (1);\nSELECT no_such_function();",
      "20260103000000_after": "CREATE TABLE after_t (id int);",
    });
    await expect(migrate(db, dir)).rejects.toThrow(/no_such_function/);
    expect(await tableExists(db, "good_t")).toBe(true);
    expect(await tableExists(db, "half_t")).toBe(false);
    expect(await tableExists(db, "after_t")).toBe(false);
    expect(await recorded(db)).toEqual(["20260101000000_good"]);
    // Once fixed, the next start applies it and what follows.
    writeMigration(dir, "20260102000000_broken", "CREATE TABLE half_t (id int);");
    expect((await migrate(db, dir)).applied).toEqual(["20260102000000_broken", "20260103000000_after"]);
  });
});

describe("migrate on PGlite", () => {
  let db: Db;
  beforeAll(async () => {
    db = wrapPglite(await PGlite.create());
  });
  afterAll(() => db.close());

  it("records every migration on a fresh database, and finds nothing to do the second time", async () => {
    const all = (await listMigrations()).map((m) => m.name);
    expect(await migrate(db)).toEqual({ applied: all, skipped: [] });
    expect(await recorded(db)).toEqual(all);
    expect(await tableExists(db, "users")).toBe(true);
    expect(await migrate(db)).toEqual({ applied: [], skipped: all });
  });

  it("rolls a failing migration back completely on PGlite too", async () => {
    const dir = migrationsDir({
      "20260101000000_broken": "CREATE TABLE pgl_half (id int);\nSELECT no_such_function();",
    });
    await expect(migrate(db, dir)).rejects.toThrow(/no_such_function/);
    expect(await tableExists(db, "pgl_half")).toBe(false);
    expect(await recorded(db)).not.toContain("20260101000000_broken");
  });
});
