import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client.ts";
import { LockHeldError, lockFile } from "./dir-lock.ts";
import { usableDir } from "./dirs.ts";
import { StartupError } from "./startup-error.ts";

/**
 * `name`: on Postgres, the statement is prepared once per connection under this name and its
 * plan reused, for hot statements whose planning costs as much as running them (the claim, the
 * settlement). The text must never change under one name. PGlite ignores it.
 */
export interface QueryOptions {
  name?: string;
}

/** Something that runs SQL: the pool, or one transaction's connection. */
export interface Sql {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements with no parameters (migrations). */
  exec(text: string): Promise<void>;
}

/**
 * The database as the services see it: raw SQL for hot paths and transactions, and a Prisma
 * client over the same connections for the Pothos read paths. Works the same on Postgres and on
 * the embedded PGlite.
 */
export interface Db extends Sql {
  readonly kind: "postgres" | "pglite";
  readonly prisma: PrismaClient;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Counts statements sent since start, Prisma's included; tests and benchmarks use it to guard
   * against N+1.
   */
  readonly stats: { statements: number };
  close(): Promise<void>;
}

// numeric arrives as a string from both drivers, so money is never a float on the way out of the
// database. int8 (counts, sums of integers) is a number on PGlite; make Postgres agree.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

type Stats = { statements: number };
// biome-ignore lint/suspicious/noExplicitAny: a driver adapter's methods, passed through unchanged
type AnyFn = (...args: any[]) => any;

/** The methods of Prisma's driver adapters that send one statement each. */
const STATEMENT_METHODS = new Set<PropertyKey>(["queryRaw", "executeRaw", "executeScript", "commit", "rollback"]);

/**
 * Counts the statements a Prisma driver adapter (or one of its transactions) sends: queries,
 * scripts, and the BEGIN/COMMIT/ROLLBACK of its transactions, as the raw SQL paths count theirs.
 * A proxy over the adapter object, so the adapter's own code and state are untouched.
 */
function countStatements<T extends object>(queryable: T, stats: Stats): T {
  return new Proxy(queryable, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      const fn = value as AnyFn;
      if (STATEMENT_METHODS.has(prop)) {
        return (...args: unknown[]) => {
          stats.statements++;
          return fn.apply(target, args);
        };
      }
      if (prop === "startTransaction") {
        return async (...args: unknown[]) => {
          stats.statements++;
          return countStatements(await fn.apply(target, args), stats);
        };
      }
      return fn.bind(target);
    },
  });
}

/** Wraps a Prisma driver adapter factory so every adapter it connects counts its statements. */
function countingAdapter<F extends { connect(): Promise<object> }>(factory: F, stats: Stats): F {
  return new Proxy(factory, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === "connect") return async () => countStatements(await target.connect(), stats);
      return typeof value === "function" ? (value as AnyFn).bind(target) : value;
    },
  });
}

/**
 * Connects to Postgres with a pool shared by raw SQL and Prisma. `onPoolError` hears an idle
 * pooled connection that failed (Postgres restarted, a proxy cut it): the pool drops it and opens
 * another when needed, so this is for the log; queries in flight report their own errors.
 * Without a listener such an error would end the process, so there is always one.
 */
export function connectPostgres(url: string, poolSize: number, onPoolError: (err: Error) => void = () => {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes });
  pool.on("error", (err) => onPoolError(err));
  const stats = { statements: 0 };
  const prisma = new PrismaClient({ adapter: countingAdapter(new PrismaPg(pool), stats) });
  const run = async <T>(
    client: pg.Pool | pg.PoolClient,
    text: string,
    params?: readonly unknown[],
    opts?: QueryOptions,
  ) => {
    stats.statements++;
    const res = await client.query({ text, values: params as unknown[] | undefined, name: opts?.name });
    return res.rows as T[];
  };
  return {
    kind: "postgres",
    prisma,
    stats,
    query: (text, params, opts) => run(pool, text, params, opts),
    async exec(text) {
      stats.statements++;
      await pool.query(text);
    },
    async tx(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        stats.statements++;
        await client.query("BEGIN");
        const result = await fn({
          query: (text, params, opts) => run(client, text, params, opts),
          async exec(text) {
            stats.statements++;
            await client.query(text);
          },
        });
        stats.statements++;
        await client.query("COMMIT");
        return result;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

/**
 * Opens the embedded PGlite database in `dataDir` (or in memory for `memory://`). A directory is
 * locked for as long as it is open: two processes on one directory each keep their own copy in
 * memory and overwrite each other's files, which loses data silently. Failures are
 * {@link StartupError}s naming `DATA_DIR`.
 */
export async function openPglite(dataDir: string, loadFrom?: Blob): Promise<Db> {
  let release = () => {};
  if (dataDir !== "memory://") {
    try {
      usableDir(dataDir);
    } catch (err) {
      throw new StartupError("DATA_DIR", (err as Error).message);
    }
    try {
      release = lockFile(`${dataDir}.lock`);
    } catch (err) {
      if (err instanceof LockHeldError) {
        throw new StartupError("DATA_DIR", `the database in ${dataDir} is in use by another server, ${err.message}`);
      }
      throw new StartupError("DATA_DIR", `cannot lock ${dataDir}: ${(err as Error).message}`);
    }
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir === "memory://" ? {} : { dataDir }),
      ...(loadFrom ? { loadDataDir: loadFrom } : {}),
    });
  } catch (err) {
    release();
    throw new StartupError("DATA_DIR", `cannot open the embedded database in ${dataDir}: ${oneLine(err)}`);
  }
  const db = wrapPglite(pglite);
  const close = db.close;
  return {
    ...db,
    async close() {
      await close();
      release();
    },
  };
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

/** Wraps an open PGlite instance; PGlite has one connection, so transactions queue. */
export function wrapPglite(pglite: PGlite): Db {
  const stats = { statements: 0 };
  const prisma = new PrismaClient({ adapter: countingAdapter(new PrismaPGlite(pglite), stats) });
  return {
    kind: "pglite",
    prisma,
    stats,
    async query<T>(text: string, params?: readonly unknown[]) {
      stats.statements++;
      const res = await pglite.query<T>(text, params as unknown[] | undefined);
      return res.rows;
    },
    async exec(text) {
      stats.statements++;
      await pglite.exec(text);
    },
    tx(fn) {
      stats.statements += 2;
      return pglite.transaction((t) =>
        fn({
          async query<T>(text: string, params?: readonly unknown[]) {
            stats.statements++;
            const res = await t.query<T>(text, params as unknown[] | undefined);
            return res.rows;
          },
          async exec(text: string) {
            stats.statements++;
            await t.exec(text);
          },
        }),
      );
    },
    async close() {
      await prisma.$disconnect().catch(() => {});
      if (pglite.closed) return;
      // PGlite's close() does not wait for a statement in progress, and closing under one left
      // the process spinning for ever (a client that aborted its request just before shutdown
      // leaves its statement running). Close inside the lock every query and transaction takes.
      await pglite._runExclusiveTransaction(() => pglite.close());
    },
  };
}
