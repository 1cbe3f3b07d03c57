import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type App, createApp } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createDeps, type Deps } from "../../../src/deps.ts";
import { createRedisBus } from "../../../src/infra/pubsub.ts";
import { feedHub } from "../../../src/modules/jobs/jobs.feed.ts";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import { startTasks } from "../../../src/tasks/index.ts";
import { MeDocument } from "../../generated/graphql.ts";
import { type ReadableData, subscribe } from "../../support/app.ts";
import { createTestDb, type TestDb } from "../../support/db.ts";
import { CREATE, FEED, nextPark, SUBMIT, WATCH } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Redis stopped and restarted under two instances on one Postgres (docs/FAILURE-MODES.md,
 * "Redis drops"). The test runs its own redis-server on a free port, so it can kill it; two
 * instances need Postgres.
 */
const hasRedisServer = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** The sweep interval of both instances; "within one sweep" is asserted against it. */
const SWEEP_MS = 400;
/** Slack for a claim, a WebSocket frame and a busy machine on top of a sweep interval. */
const SLACK_MS = 3_000;
/** "Within a few seconds" of Redis coming back: ioredis waits 2 s at most between attempts. */
const RECONNECT_MS = 6_000;

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** A redis-server of the test's own, with nothing persisted, that the test may kill and restart. */
function redisServer(port: number) {
  let proc: ChildProcess | null = null;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const p = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      proc = p;
      await new Promise<void>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
        p.stdout?.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("Ready to accept connections")) {
            clearTimeout(timer);
            resolve();
          }
        });
        p.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited (${code}): ${out}`));
        });
      });
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((resolve) => p.once("exit", resolve));
      p.kill("SIGKILL");
      await exited;
    },
  };
}

type LogLine = { level: number; msg: string } & Record<string, unknown>;

/** A logger whose lines the test can await (pino levels: 30 info, 40 warn, 50 error). */
function capturedLogger() {
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const logger = pino(
    { level: "info", base: undefined },
    {
      write(s: string) {
        lines.push(JSON.parse(s) as LogLine);
        for (const w of waiters) w();
      },
    },
  );
  return {
    logger,
    lines,
    /** Resolves with the first line from index `from` on that matches, or rejects after `ms`. */
    until(match: (l: LogLine) => boolean, from: number, ms: number, what: string): Promise<LogLine> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find(match);
          if (!hit) return;
          cleanup();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no log line "${what}" within ${ms} ms`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

const connectedLine = (l: LogLine) => l.msg.startsWith("redis: connected");

interface Instance {
  deps: Deps;
  app: App;
  logs: ReturnType<typeof capturedLogger>;
  gql<TData, TVars extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVars>,
    variables: TVars,
    apikey?: string,
  ): Promise<ReadableData<TData>>;
  ws(apikey: string): Client;
  stop(): Promise<void>;
}

const PNG = makePng(64, 64).toString("base64");

describe.skipIf(!process.env.DATABASE_URL || !hasRedisServer)(
  "two instances while Redis goes away and comes back",
  () => {
    let tdb: TestDb;
    let redis: ReturnType<typeof redisServer>;
    const prefix = `test-outage-${randomBytes(4).toString("hex")}:`;
    const instances: Instance[] = [];
    let a: Instance;
    let b: Instance;

    /** An instance as main.ts builds it (without background tasks: the tests start them when they mean to). */
    async function instance(): Promise<Instance> {
      const logs = capturedLogger();
      const config = loadConfig({
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "horde-outage-")),
        NODE_ENV: "test",
        LOG_LEVEL: "info",
        RATE_LIMIT_PER_MINUTE: "0",
        RATE_LIMIT_PER_KEY_PER_MINUTE: "0",
        REDIS_URL: redis.url,
        REDIS_PREFIX: prefix,
        SWEEP_INTERVAL_MS: String(SWEEP_MS),
      });
      const deps = await createDeps(config, { db: tdb.connect(), logger: logs.logger });
      const app = createApp(deps, { tasks: false });
      const { port } = await app.start(0, "127.0.0.1");
      const clients: Client[] = [];
      const inst: Instance = {
        deps,
        app,
        logs,
        async gql(document, variables, apikey) {
          const query = print(document);
          const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json", ...(apikey ? { apikey } : {}) },
            body: JSON.stringify({ query, variables }),
          });
          // the document types the data; never lets it stand for whatever the caller asked for
          const body = (await res.json()) as { data: never; errors?: unknown[] };
          if (body.errors) throw new Error(JSON.stringify(body.errors));
          return body.data;
        },
        ws(apikey) {
          const c = createClient({
            url: `ws://127.0.0.1:${port}/graphql`,
            webSocketImpl: WebSocket,
            connectionParams: { apikey },
            retryAttempts: 0,
            lazy: true,
          });
          clients.push(c);
          return c;
        },
        async stop() {
          for (const c of clients) await c.dispose();
          await app.stop();
          await deps.bus.close();
        },
      };
      instances.push(inst);
      return inst;
    }

    /** A worker's feed on `on`, parked and waiting: one job at a time (maxConcurrentJobs 1). */
    async function parkedFeed(on: Instance, apikey: string, name: string) {
      const parked = nextPark(on.deps);
      const feed = subscribe(on.ws(apikey), FEED, { input: { name, models: ["stable_diffusion"] } });
      await within(parked, SLACK_MS, `feed ${name} to park`);
      return feed;
    }

    async function createRequest(on: Instance, apikey: string, n: number): Promise<string> {
      const input = { prompt: "through the outage", params: { n, width: 64, height: 64 } };
      const p = (await on.gql(CREATE, { input }, apikey)).createImageRequest;
      if (p.__typename !== "CreateImageRequestPayload") throw new Error(`create failed: ${JSON.stringify(p)}`);
      return p.request!.id;
    }

    async function submit(on: Instance, apikey: string, jobId: string): Promise<void> {
      const p = (await on.gql(SUBMIT, { input: { id: jobId, seed: "1", image: PNG } }, apikey)).submitImageJob;
      expect(p.__typename).toBe("SubmitImageJobPayload");
    }

    async function requestOf(jobId: string): Promise<string | undefined> {
      const [row] = await tdb.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [jobId]);
      return row?.request_id;
    }

    /** The next job pushed to `feed`, which must arrive within `ms`; returns its id and how long it took. */
    async function nextJob(feed: ReturnType<typeof subscribe<Record<string, any>>>, ms: number) {
      const t0 = Date.now();
      const event = await feed.next(ms);
      return { id: event.data!.imageJobAssigned.id as string, took: Date.now() - t0 };
    }

    beforeAll(async () => {
      tdb = await createTestDb();
      redis = redisServer(await freePort());
      await redis.start();
      a = await instance();
      b = await instance();
      expect(a.deps.bus.connected && b.deps.bus.connected).toBe(true);
    }, 30_000);
    afterAll(async () => {
      for (const i of instances) await i.stop().catch(() => {});
      await redis?.stop();
      await tdb?.drop();
    });

    it("with Redis up, an instance hears its own event once, and the other instance's too", async () => {
      const heardOnA: unknown[] = [];
      const offA = a.deps.bus.subscribe("requestChanged", (p) => heardOnA.push(p));
      const onB = new Promise<void>((resolve) => {
        const off = b.deps.bus.subscribe("requestChanged", () => {
          off();
          resolve();
        });
      });
      a.deps.bus.publish("requestChanged", { id: "from-a", ended: false });
      await onB;
      // B answers only after it heard A's event through Redis, so Redis sent that event to A's
      // subscriber connection before B's: when B's arrives, an echo of A's own would have too.
      const fromB = new Promise<void>((resolve) => {
        const off = a.deps.bus.subscribe("requestChanged", (p) => {
          if (p.id !== "from-b") return;
          off();
          resolve();
        });
      });
      b.deps.bus.publish("requestChanged", { id: "from-b", ended: false });
      await fromB;
      offA();
      expect(heardOnA).toEqual([
        { id: "from-a", ended: false },
        { id: "from-b", ended: false },
      ]);
    });

    it("a failed SUBSCRIBE is reported, and ready() waits until it succeeds", async () => {
      const admin = new Redis(redis.url);
      try {
        await admin.call("ACL", "SETUSER", "default", "-subscribe");
        const errors: string[] = [];
        let reportedFailure!: () => void;
        const failed = new Promise<void>((resolve) => {
          reportedFailure = resolve;
        });
        const bus = createRedisBus(redis.url, `${prefix}acl:`, (err) => {
          errors.push(err.message);
          if (/SUBSCRIBE failed/.test(err.message)) reportedFailure();
        });
        let ready = false;
        const becameReady = bus.ready().then(() => {
          ready = true;
        });
        await failed;
        expect(ready).toBe(false);
        expect(bus.connected).toBe(false);
        await admin.call("ACL", "SETUSER", "default", "+subscribe");
        await becameReady; // the retry goes through once SUBSCRIBE is allowed again
        expect(bus.connected).toBe(true);
        expect(errors.filter((m) => /SUBSCRIBE failed/.test(m))).toHaveLength(1);
        await bus.close();
      } finally {
        await admin.call("ACL", "SETUSER", "default", "+subscribe").catch(() => {});
        admin.disconnect();
      }
    });

    describe("with Redis stopped", () => {
      let owner: { id: number; apiKey: string };
      let requester: { apiKey: string };
      let feed: ReturnType<typeof subscribe<Record<string, any>>>;

      beforeAll(async () => {
        owner = await seedUser(tdb.db);
        requester = await seedUser(tdb.db, { kudos: 1000 });
        const fromA = a.logs.lines.length;
        const fromB = b.logs.lines.length;
        await redis.stop();
        await a.logs.until((l) => l.msg.startsWith("redis: connection lost"), fromA, 5_000, "A lost Redis");
        await b.logs.until((l) => l.msg.startsWith("redis: connection lost"), fromB, 5_000, "B lost Redis");
      });

      it("an instance's own events reach its feeds at once, without Redis or the sweep", async () => {
        feed = await parkedFeed(a, owner.apiKey, `outage-${owner.id}`);
        const id = await createRequest(a, requester.apiKey, 2);
        const first = await nextJob(feed, SLACK_MS); // A's own jobsAvailable
        expect(await requestOf(first.id)).toBe(id);
        const parked = nextPark(a.deps);
        await submit(a, owner.apiKey, first.id);
        const second = await nextJob(feed, SLACK_MS); // A's own workerSlotFreed
        expect(await requestOf(second.id)).toBe(id);
        await submit(a, owner.apiKey, second.id);
        await within(parked, SLACK_MS, "the feed to park again");
      });

      it("the sweep brings another instance's jobs within one interval, and frees a slot a submit elsewhere freed", async () => {
        const tasks = startTasks(a.deps);
        try {
          const id = await createRequest(b, requester.apiKey, 2);
          const first = await nextJob(feed, SWEEP_MS + SLACK_MS);
          expect(await requestOf(first.id)).toBe(id);
          expect(first.took).toBeLessThan(SWEEP_MS + SLACK_MS);
          // submitted on B: A hears nothing, but its sweep finds the slot free in the database
          await submit(b, owner.apiKey, first.id);
          const second = await nextJob(feed, SWEEP_MS + SLACK_MS);
          expect(await requestOf(second.id)).toBe(id);
          // the same again for the last slot, so the feed ends parked and waiting
          const parked = nextPark(a.deps);
          await submit(b, owner.apiKey, second.id);
          await within(parked, SWEEP_MS + SLACK_MS, "the feed to find its slot free and park");
        } finally {
          await tasks.stop();
        }
      });

      it("a client on A following a request finished on B sees it end within one sweep", async () => {
        const tasks = startTasks(a.deps);
        try {
          const id = await createRequest(b, requester.apiKey, 1);
          const watch = subscribe(a.ws(requester.apiKey), WATCH, { id });
          expect((await watch.next(SLACK_MS)).data!.imageRequestUpdated.done).toBe(false);
          const job = await nextJob(feed, SWEEP_MS + SLACK_MS);
          const parked = nextPark(a.deps);
          await submit(b, owner.apiKey, job.id); // its requestChanged never reaches A
          let state = (await watch.next(SWEEP_MS + SLACK_MS)).data!.imageRequestUpdated;
          while (!state.done) state = (await watch.next(SWEEP_MS + SLACK_MS)).data!.imageRequestUpdated;
          expect(state.finished).toBe(1);
          await watch.completed(SLACK_MS);
          await within(parked, SWEEP_MS + SLACK_MS, "the feed to find its slot free and park");
        } finally {
          await tasks.stop();
        }
      });

      it("once Redis is back, wake-ups cross instances again within a few seconds, with no sweep", async () => {
        const fromA = a.logs.lines.length;
        const fromB = b.logs.lines.length;
        expect(feedHub(a.deps).parkedCount).toBe(1);
        await redis.start();
        await a.logs.until(connectedLine, fromA, RECONNECT_MS, "A connected again");
        await b.logs.until(connectedLine, fromB, RECONNECT_MS, "B connected again");
        const id = await createRequest(b, requester.apiKey, 2);
        const first = await nextJob(feed, SLACK_MS); // B's jobsAvailable, through Redis
        expect(await requestOf(first.id)).toBe(id);
        await submit(b, owner.apiKey, first.id);
        const second = await nextJob(feed, SLACK_MS); // B's workerSlotFreed, through Redis
        expect(await requestOf(second.id)).toBe(id);
        await submit(b, owner.apiKey, second.id);
        feed.unsubscribe();
      });
    });

    it("an instance started while Redis is unreachable starts, warns, and connects when Redis comes", async () => {
      await redis.stop();
      const t0 = Date.now();
      const c = await instance();
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(c.logs.lines.some((l) => l.level === 40 && /unreachable at start/.test(l.msg))).toBe(true);
      expect(c.deps.bus.connected).toBe(false);
      // it serves meanwhile
      const owner = await seedUser(tdb.db);
      expect((await c.gql(MeDocument, {}, owner.apiKey)).me).toBeTruthy();

      const fromB = b.logs.lines.length;
      await redis.start();
      await c.logs.until(connectedLine, 0, RECONNECT_MS, "C connected");
      await b.logs.until(connectedLine, fromB, RECONNECT_MS, "B connected again");
      const heard = new Promise((resolve) => {
        const off = c.deps.bus.subscribe("requestChanged", (p) => {
          off();
          resolve(p);
        });
      });
      b.deps.bus.publish("requestChanged", { id: "b-to-c", ended: false });
      expect(await heard).toEqual({ id: "b-to-c", ended: false });
    }, 30_000);
  },
);
