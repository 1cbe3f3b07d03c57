import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type DocumentNode, print } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll } from "vitest";
import WebSocket from "ws";
import { type App, createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createDeps, type Deps } from "../../src/deps.ts";
import type { Clock } from "../../src/infra/clock.ts";
import type { Db } from "../../src/infra/db.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { createTestDb, onPostgres, type TestDb } from "./db.ts";

/** What {@link TestApp.gql} answers: the HTTP status and the parsed GraphQL body. */
export interface GqlResult<T> {
  status: number;
  data: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * A mutation result as tests read it: the success payload's fields, plus `code`, `message` and
 * (for a ValidationError whose document selects it) `field` when it is an error. (A test asserts `__typename` or `outcome` before it reads the rest.)
 */
export type Outcome<U extends { __typename: string }> = Omit<
  Extract<U, { __typename: `${string}Payload` }>,
  "__typename"
> & {
  __typename: U["__typename"];
  code?: string;
  message?: string;
  field?: string | null;
};

/** A root field's value as tests read it: a payload-or-error union becomes its {@link Outcome}. */
type Readable<V> = [Extract<V, { __typename: `${string}Payload` }>] extends [never]
  ? V
  : Outcome<Extract<V, { __typename: string }>> | Extract<V, null | undefined>;

/** A typed document's data with every payload-or-error union made {@link Readable}. */
export type ReadableData<T> = { [K in keyof T]: Readable<T[K]> };

type GqlOptions = { apikey?: string; headers?: Record<string, string> };

export interface TestApp {
  app: App;
  deps: Deps;
  url: string;
  wsUrl: string;
  /**
   * POSTs one GraphQL operation; returns the parsed body and the HTTP status. Given a typed
   * document from test/generated (`npm run generate`), the variables and the data are typed
   * (mutation results as {@link Outcome}s).
   */
  gql<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    opts?: GqlOptions,
  ): Promise<GqlResult<ReadableData<TData>>>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    opts?: GqlOptions,
  ): Promise<GqlResult<T>>;
  /** A graphql-ws client; closed with the app. */
  ws(apikey?: string): Client;
  stop(): Promise<void>;
}

/** Starts a real server on port 0 over the given database. */
export async function startTestApp(
  db: Db,
  opts: { env?: Record<string, string>; clock?: Clock; tasks?: boolean } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "horde-app-"));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    NODE_ENV: "test",
    RATE_LIMIT_PER_MINUTE: "0",
    RATE_LIMIT_PER_KEY_PER_MINUTE: "0",
    // Every test worker runs on 127.0.0.1 and submits in milliseconds: the per-address worker
    // limit and the UNREASONABLY_FAST suspicion are off unless a test turns them on.
    MAX_WORKERS_PER_IP: "0",
    SUSPICION_MAX_MPS: "0",
    REDIS_PREFIX: `test-${Math.random().toString(36).slice(2)}:`,
    ...opts.env,
  });
  const deps = await createDeps(config, {
    db,
    clock: opts.clock,
    logger: createLogger(config.logLevel),
  });
  const app = createApp(deps, { tasks: opts.tasks ?? false });
  const { port } = await app.start(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}/graphql`;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  const clients: Client[] = [];
  return {
    app,
    deps,
    url,
    wsUrl,
    async gql(document: string | DocumentNode, variables?: Record<string, unknown>, o: GqlOptions = {}) {
      const query = typeof document === "string" ? document : print(document);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(o.apikey ? { apikey: o.apikey } : {}),
          ...o.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data: any; errors?: any[] };
      return { status: res.status, data: body.data, errors: body.errors };
    },
    ws(apikey) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: apikey ? { apikey } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) await c.dispose();
      await app.stop();
      await deps.bus.close();
    },
  };
}

/** Collects a subscription's events; `next()` awaits the next one (never a sleep). */
export function subscribe<T = Record<string, any>>(
  client: Client,
  document: string | TypedDocumentNode<T, any>,
  variables: Record<string, unknown> = {},
) {
  const query = typeof document === "string" ? document : print(document);
  const events: { data?: T; errors?: unknown[] }[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  let error: unknown = null;
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (v) => {
        events.push(v as { data?: T; errors?: unknown[] });
        wake();
      },
      error: (e) => {
        error = e;
        done = true;
        wake();
      },
      complete: () => {
        done = true;
        wake();
      },
    },
  );
  let read = 0;
  return {
    events,
    get done() {
      return done;
    },
    get error() {
      return error;
    },
    /** Resolves with the next event, or rejects when the stream ends first or after `ms`. */
    async next(ms = 10_000): Promise<{ data?: T; errors?: unknown[] }> {
      const deadline = Date.now() + ms;
      while (read >= events.length) {
        if (done) throw new Error(`subscription ended: ${error ? JSON.stringify(error) : "complete"}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no event within the time limit");
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left).unref();
        });
      }
      return events[read++]!;
    },
    /** Resolves when the server completes the subscription. */
    async completed(ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!done) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("subscription did not complete in time");
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left).unref();
        });
      }
    },
    unsubscribe,
  };
}

/** What {@link useTestApp} takes: the server's settings, plus which connection it runs on. */
export interface UseTestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  tasks?: boolean;
  /** The connection the server uses; default the test database's own (`tdb.db`). */
  db?: (tdb: TestDb) => Db;
}

/**
 * Registers the usual per-file hooks: a fresh database and a server over it before the file's
 * tests, stopped and dropped after them. Read `t` and `tdb` inside tests or hooks (they are set
 * by the time any test runs). Called inside a `describe`, the hooks are that block's.
 */
export function useTestApp(opts: UseTestAppOptions = {}) {
  const db = useTestDb();
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(opts.db ? opts.db(db.tdb) : db.db, opts);
  });
  afterAll(async () => {
    await t?.stop();
  });
  return {
    get t(): TestApp {
      if (!t) throw new Error("useTestApp: read t inside a test or hook");
      return t;
    },
    get tdb(): TestDb {
      return db.tdb;
    },
    get db(): Db {
      return db.tdb.db;
    },
  };
}

/**
 * The database half of {@link useTestApp}, for files that start their own servers (several, or
 * none): a fresh database before the file's tests, dropped after them.
 */
export function useTestDb() {
  let tdb: TestDb | undefined;
  beforeAll(async () => {
    tdb = await createTestDb();
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  return {
    get tdb(): TestDb {
      if (!tdb) throw new Error("useTestDb: read tdb inside a test or hook");
      return tdb;
    },
    get db(): Db {
      return this.tdb.db;
    },
  };
}

/**
 * {@link useTestApp} for files that need several servers on one database (instances sharing a
 * queue): `count` servers, each on a connection of its own on Postgres (`pool` connections
 * each), or all on the one PGlite connection.
 */
export function useTestApps(count: number, opts: Omit<UseTestAppOptions, "db"> & { pool?: number } = {}) {
  const db = useTestDb();
  const apps: TestApp[] = [];
  beforeAll(async () => {
    for (let i = 0; i < count; i++) {
      const conn = onPostgres ? db.tdb.connect(opts.pool) : db.db;
      apps.push(await startTestApp(conn, opts));
    }
  });
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });
  return {
    /** The servers, in start order (empty until the file's hooks have run). */
    apps,
    get tdb(): TestDb {
      return db.tdb;
    },
    get db(): Db {
      return db.tdb.db;
    },
  };
}
