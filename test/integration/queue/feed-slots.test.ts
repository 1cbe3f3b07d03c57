import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { closeDeps, createDeps } from "../../../src/deps.ts";
import { createLogger } from "../../../src/infra/logger.ts";
import { openFeed } from "../../../src/modules/jobs/jobs.feed.ts";
import { authenticate } from "../../../src/modules/users/users.service.ts";
import { checkInImageWorker } from "../../../src/modules/workers/workers.service.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import { createRequest, FEED, nextPark, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * A feed's slots are the database's count of what its worker holds, not only what the feed
 * itself handed out; and the errors a feed or the pool used to swallow reach the log.
 */
const ctx = useTestApp();
const SD = ["stable_diffusion"];

async function held(workerName: string): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM jobs j JOIN workers w ON w.id = j.worker_id
      WHERE w.name = $1 AND j.state = 'processing'`,
    [workerName],
  );
  return row!.n;
}

describe("a worker's feed and its HTTP pops share one limit", () => {
  it("a feed counts the jobs its worker popped over HTTP while it was open", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const rival = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const name = `shared-limit-${owner.id}`;

    // the feed is open and idle, allowed two jobs at once
    const parked = nextPark(ctx.t.deps);
    const feed = subscribe(ctx.t.ws(owner.apiKey), FEED, { input: { name, models: SD, maxConcurrentJobs: 2 } });
    await parked;
    // the same worker pops one job over HTTP: its feed hears nothing of it (the request is
    // queued without a wake-up, or the feed would take it first)
    const bus = ctx.t.deps.bus;
    const publish = bus.publish;
    bus.publish = (() => {}) as typeof bus.publish;
    try {
      await createRequest(ctx.t, requester.apiKey, { prompt: "popped", params: { width: 64, height: 64 } });
    } finally {
      bus.publish = publish;
    }
    const popped = await pop(ctx.t, owner.apiKey, { name, models: SD });
    expect(popped.jobs).toHaveLength(1);

    // two more jobs: the feed may take one of them, not both
    await createRequest(ctx.t, requester.apiKey, { prompt: "pushed", params: { n: 2, width: 64, height: 64 } });
    await feed.next();
    // whoever asks next finds the other job still waiting
    const other = await pop(ctx.t, rival.apiKey, { name: `rival-${rival.id}`, models: SD });
    expect(other.jobs).toHaveLength(1);
    expect(await held(name)).toBe(2);
    expect(feed.events).toHaveLength(1);
    feed.unsubscribe();
  });
});

describe("errors that used to be swallowed are logged", () => {
  it("a feed that cannot hand back undelivered jobs says so", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "a batch", params: { n: 2, width: 64, height: 64 } });
    const viewer = (await authenticate(ctx.db, owner.apiKey))!;
    const { worker, declaration } = await checkInImageWorker(ctx.t.deps, viewer, {
      name: `clumsy-${owner.id}`,
      models: SD,
      amount: 2,
      maxConcurrentJobs: 2,
    } as never);
    const feed = await openFeed(ctx.t.deps, worker, declaration);
    expect((await feed.next()).done).toBe(false); // one delivered, one claimed and kept back

    const logged = vi.spyOn(ctx.t.deps.logger, "error");
    const db = ctx.t.deps.db;
    const query = db.query;
    db.query = ((text: string, params?: readonly unknown[]) =>
      text.includes("SET state = 'waiting'")
        ? Promise.reject(new Error("connection lost"))
        : query.call(db, text, params)) as typeof db.query;
    try {
      await feed.return();
    } finally {
      db.query = query;
    }
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ err: "connection lost", worker: worker.id, jobs: [expect.any(String)] }),
      expect.stringMatching(/could not hand undelivered jobs back/),
    );
    logged.mockRestore();
    // the job stays with the worker until its TTL runs out, as the log says
    expect(await held(`clumsy-${owner.id}`)).toBe(2);
  });

  it.skipIf(!onPostgres)("an idle pooled Postgres connection that fails is logged", async () => {
    const logger = createLogger("silent");
    let reported!: (args: unknown[]) => void;
    const warned = new Promise<unknown[]>((resolve) => {
      reported = resolve;
    });
    vi.spyOn(logger, "warn").mockImplementation(((...args: unknown[]) => reported(args)) as never);
    const config = loadConfig({
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "horde-pool-")),
      DATABASE_URL: ctx.tdb.url!,
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
    });
    const deps = await createDeps(config, { logger });
    try {
      const [row] = await deps.db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const admin = new pg.Client({ connectionString: ctx.tdb.url! });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend($1)", [row!.pid]);
      await admin.end();
      const [fields, message] = await warned;
      expect(fields).toMatchObject({ err: expect.stringMatching(/terminat/i) });
      expect(message).toMatch(/idle pooled connection failed/);
    } finally {
      await closeDeps(deps);
    }
  });
});
