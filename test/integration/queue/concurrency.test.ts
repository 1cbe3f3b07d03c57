import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../src/infra/db.ts";
import { claimImageJob } from "../../../src/modules/jobs/jobs.sql.ts";
import { type TestApp, useTestApps } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import { CREATE, createRequest, outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * The claim is exactly-once under real concurrency. PGlite has one connection, so claims there
 * run one after another and prove nothing: these tests need Postgres.
 */
describe.skipIf(!onPostgres)("exactly-once claims on Postgres", () => {
  const ctx = useTestApps(2, { pool: 4 });
  let a: TestApp;
  let b: TestApp;
  let poolA: Db;
  let poolB: Db;
  beforeAll(() => {
    [a, b] = ctx.apps as [TestApp, TestApp];
    poolA = a.deps.db;
    poolB = b.deps.db;
  });

  /** Queues `total` jobs over a few requests from several requesters. */
  async function queueJobs(total: number): Promise<string[]> {
    const ids: string[] = [];
    let left = total;
    while (left > 0) {
      const n = Math.min(left, 20);
      const requester = await seedUser(ctx.db, { kudos: 1_000 });
      ids.push(await createRequest(a, requester.apiKey, { prompt: `batch of ${n}`, params: { n, steps: 10 } }));
      left -= n;
    }
    return ids;
  }

  async function workers(count: number, prefix: string) {
    const owner = await seedUser(ctx.db, { trusted: true });
    const out: { id: string; name: string; apiKey: string }[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${prefix}-${owner.id}-${i}`;
      await pop(a, owner.apiKey, { name, models: ["stable_diffusion"] });
      const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
      out.push({ id: w!.id, name, apiKey: owner.apiKey });
    }
    return out;
  }

  it("8 workers claiming through two connection pools take each of 50 jobs exactly once", async () => {
    await resetQueue(ctx.db);
    const ws = await workers(8, "sql");
    const requests = await queueJobs(50);
    const claimed = await Promise.all(
      ws.map(async (w, i) => {
        const pool = i % 2 === 0 ? poolA : poolB;
        const mine: string[] = [];
        for (;;) {
          const job = await claimImageJob(pool, w.id, new Date());
          if (!job) return { worker: w.id, jobs: mine };
          mine.push(job.id);
        }
      }),
    );
    const all = claimed.flatMap((c) => c.jobs);
    expect(all).toHaveLength(50);
    expect(new Set(all).size).toBe(50);
    // more than one worker took part: the claims really ran side by side
    expect(claimed.filter((c) => c.jobs.length > 0).length).toBeGreaterThan(1);

    const rows = await ctx.db.query<{ id: string; worker_id: string; state: string }>(
      "SELECT id, worker_id, state FROM jobs WHERE request_id = ANY($1::uuid[])",
      [requests],
    );
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.state === "processing")).toBe(true);
    const owner = new Map(claimed.flatMap((c) => c.jobs.map((j) => [j, c.worker] as const)));
    for (const r of rows) expect(r.worker_id).toBe(owner.get(r.id));
  });

  it("8 workers claiming side by side over 50 one-image requests never come back empty while jobs wait", async () => {
    await resetQueue(ctx.db);
    const ws = await workers(8, "many");
    const requester = await seedUser(ctx.db, { kudos: 10_000, concurrency: 100 });
    const requests: string[] = [];
    for (let i = 0; i < 50; i++) requests.push(await createRequest(a, requester.apiKey, { prompt: `single ${i}` }));
    const claimed = await Promise.all(
      ws.map(async (w, i) => {
        const pool = i % 2 === 0 ? poolA : poolB;
        const mine: string[] = [];
        for (;;) {
          const job = await claimImageJob(pool, w.id, new Date());
          if (!job) return mine;
          mine.push(job.id);
        }
      }),
    );
    const all = claimed.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(50);
  });

  it("requests created at once never take a requester past their concurrency", async () => {
    await resetQueue(ctx.db);
    const user = await seedUser(ctx.db, { kudos: 1_000, concurrency: 3 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? a : b).gql(CREATE, { input: { prompt: `at once ${i}` } }, { apikey: user.apiKey }),
      ),
    );
    const outcomes = results.map((r) => r.data.createImageRequest.code ?? r.data.createImageRequest.__typename);
    expect(outcomes.filter((o) => o === "CreateImageRequestPayload")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "TooManyPrompts")).toHaveLength(5);
  });

  it("first pops at once under new names never take an untrusted owner past 3 workers", async () => {
    const owner = await seedUser(ctx.db);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        pop(i % 2 === 0 ? a : b, owner.apiKey, { name: `race-${owner.id}-${i}`, models: ["stable_diffusion"] }),
      ),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "PopImageJobPayload")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "TooManyWorkers")).toHaveLength(5);
    const rows = await ctx.db.query("SELECT 1 FROM workers WHERE user_id = $1", [owner.id]);
    expect(rows).toHaveLength(3);
  });

  it("8 workers popping and submitting through two app instances settle each of 40 jobs exactly once", async () => {
    await resetQueue(ctx.db);
    const ws = await workers(8, "api");
    const requests = await queueJobs(40);
    const results = await Promise.all(
      ws.map(async (w, i) => {
        const app = i % 2 === 0 ? a : b;
        const mine: string[] = [];
        for (;;) {
          const p = await pop(app, w.apiKey, { name: w.name, models: ["stable_diffusion"] });
          if (p.jobs.length === 0) return mine;
          for (const j of p.jobs) {
            mine.push(j.id);
            // submit on the other instance: any instance may settle any job
            expect(outcome(await submit(i % 2 === 0 ? b : a, w.apiKey, { id: j.id }))).toBe("SubmitImageJobPayload");
          }
        }
      }),
    );
    const all = results.flat();
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
    const [c] = await ctx.db.query<{ ok: number; rewards: number; charges: number }>(
      `SELECT (SELECT count(*)::int FROM jobs WHERE request_id = ANY($1::uuid[]) AND state = 'ok') AS ok,
              (SELECT count(*)::int FROM kudos_ledger WHERE request_id = ANY($1::uuid[])
                 AND kind = 'generation_reward') AS rewards,
              (SELECT count(*)::int FROM kudos_ledger WHERE request_id = ANY($1::uuid[])
                 AND kind = 'request_charge') AS charges`,
      [requests],
    );
    expect(c).toEqual({ ok: 40, rewards: 40, charges: 40 });
  });
});
