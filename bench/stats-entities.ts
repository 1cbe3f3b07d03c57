/**
 * Per-entity statistics on Postgres (DATABASE_URL): the time and statement count to resolve 1,
 * 10 and 100 workers (and users) with every stats field through the API, and the stats
 * statements' own time, with JOBS (default 100,000) finished jobs in the database. Its own
 * database, dropped at the end.
 *
 *   DATABASE_URL=… npx tsx bench/stats-entities.ts        (JOBS, WORKERS, ROUNDS override)
 *
 * The jobs: half on 100 "busy" workers (500 each), half spread over WORKERS − 100 "quiet" ones,
 * finished evenly over the last 40 days (so three quarters fall in the month window), five models.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../src/infra/db.ts";
import { RECENT_JOBS, WINDOWS } from "../src/modules/stats/entity-stats.rules.ts";
import {
  userContributions,
  userUsage,
  workerActivity,
  workerRecentPerformance,
} from "../src/modules/stats/entity-stats.sql.ts";
import { benchApp, benchDatabase, benchUser, percentile } from "./support.ts";

const JOBS = Number(process.env.JOBS ?? 100_000);
const WORKERS = Number(process.env.WORKERS ?? 1_000);
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const BUSY = 100;

const WORKER_STATS = `requestsFulfilled kudosRewarded kudosDetails { generated uptime } megapixelsteps uptime
  performance uncompletedJobs faultedJobs timedOutJobs lastHour { jobs megapixelsteps }
  lastDay { jobs megapixelsteps } lastMonth { jobs megapixelsteps }
  recentPerformance { jobs megapixelstepsPerSecond } topModels { model jobs }`;
const WORKERS_QUERY = `query($first: Int, $filter: WorkerFilter) {
  workers(first: $first, filter: $filter, orderBy: CONTRIBUTIONS) {
    edges { node { id name owner { id username } stats { ${WORKER_STATS} } } } } }`;
const WORKERS_BARE_QUERY = `query($first: Int, $filter: WorkerFilter) {
  workers(first: $first, filter: $filter, orderBy: CONTRIBUTIONS) { edges { node { id name owner { id username } } } } }`;
const USERS_QUERY = `query($first: Int) { topUsers(by: CONTRIBUTIONS, first: $first) { rank value user {
  id username kudos kudosDetails { generated uptime received given spent awarded }
  stats { contributions requestsFulfilled requestsMade imagesGenerated megapixelstepsReceived } } } }`;

/** Owners, workers (busy first), requests and JOBS finished jobs, in a few set-based statements. */
async function seed(db: Db): Promise<{ busy: string[]; quiet: string[]; owners: number[]; requester: number }> {
  const requester = await benchUser(db);
  const owners: number[] = [];
  for (let i = 0; i < 100; i++) owners.push((await benchUser(db)).id);
  await db.query(
    `INSERT INTO workers (kind, user_id, name, models, megapixelsteps, fulfilments)
     SELECT 'image', ($1::int[])[1 + g % 100], CASE WHEN g <= $2 THEN 'busy_' ELSE 'quiet_' END || g,
            '{m0,m1,m2,m3,m4}', CASE WHEN g <= $2 THEN 1e6 - g ELSE 1000 - g / 10.0 END, 0
       FROM generate_series(1, $3) g`,
    [owners, BUSY, WORKERS],
  );
  const perRequest = 100;
  await db.query(
    `INSERT INTO requests (kind, user_id, prompt, params, n, width, height, steps, job_kudos, priority, expires_at)
     SELECT 'image', $1, 'bench', '{}', $2, 512, 512, 30, 10, 0, now() + interval '1 day'
       FROM generate_series(1, $3)`,
    [requester.id, perRequest, Math.ceil(JOBS / perRequest)],
  );
  // Job g goes to a busy worker when g is even, to a quiet one when odd; finished at now − g × 40 days / JOBS.
  await db.query(
    `WITH w AS (SELECT id, row_number() OVER (ORDER BY name LIKE 'quiet_%', megapixelsteps DESC) - 1 AS n FROM workers),
          r AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM requests)
     INSERT INTO jobs (request_id, idx, state, worker_id, model, claimed_at, submitted_at, pixels, steps, seconds)
     SELECT r.id, g % $3, 'ok', w.id, 'm' || (g % 5),
            now() - make_interval(secs => g * 3456000.0 / $1 + 5 + g % 10),
            now() - make_interval(secs => g * 3456000.0 / $1), 262144, 30, 5 + g % 10
       FROM generate_series(0, $1 - 1) g
       JOIN r ON r.n = g / $3
       JOIN w ON w.n = CASE WHEN g % 2 = 0 THEN (g / 2) % $2 ELSE $2 + (g / 2) % ($4 - $2) END`,
    [JOBS, BUSY, perRequest, WORKERS],
  );
  await db.query(
    `UPDATE requests r SET finished_images = s.n, finished_pixelsteps = s.ps
       FROM (SELECT request_id, count(*)::int AS n, sum(pixels::float8 * steps) AS ps FROM jobs GROUP BY request_id) s
      WHERE r.id = s.request_id`,
  );
  await db.query(
    `UPDATE workers w SET fulfilments = s.n, megapixelsteps = s.mps
       FROM (SELECT worker_id, count(*)::int AS n, sum(pixels::float8 * steps) / 1e6 AS mps FROM jobs GROUP BY worker_id) s
      WHERE w.id = s.worker_id`,
  );
  // What autovacuum does after a bulk of inserts (Postgres 13+): statistics, and the visibility
  // map that lets the stats read the covering index alone.
  await db.exec("VACUUM ANALYZE");
  const ids = async (prefix: string) =>
    (
      await db.query<{ id: string }>(
        `SELECT id FROM workers WHERE name LIKE $1 || '%' ORDER BY megapixelsteps DESC, id LIMIT 100`,
        [prefix],
      )
    ).map((r) => r.id);
  return { busy: await ids("busy_"), quiet: await ids("quiet_"), owners, requester: requester.id };
}

/** p50 and p95 of ROUNDS runs of `fn`, in ms, and the statements one run sends. */
async function measure(db: Db, fn: () => Promise<void>): Promise<{ p50: number; p95: number; statements: number }> {
  await fn(); // warm: plans, pool connections
  const before = db.stats.statements;
  await fn();
  const statements = db.stats.statements - before;
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), statements };
}

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

const fmt = (m: { p50: number; p95: number; statements: number }) =>
  `p50 ${m.p50.toFixed(1)} ms, p95 ${m.p95.toFixed(1)} ms, ${m.statements} statements`;

async function main() {
  const bench = await benchDatabase();
  try {
    const t0 = performance.now();
    const { busy, quiet, owners, requester } = await seed(bench.db);
    const [{ n }] = (await bench.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs")) as [{ n: number }];
    console.log(`seeded ${n} finished jobs on ${WORKERS} workers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const { app, url } = await benchApp(bench.db);
    try {
      for (const [label, filter] of [
        ["busiest workers (500 jobs each)", { name: "busy_" }],
        ["quiet workers (~55 jobs each)", { name: "quiet_" }],
      ] as const) {
        for (const first of [1, 10, 100]) {
          const m = await measure(bench.db, () => gql(url, WORKERS_QUERY, { first, filter }));
          console.log(`API: ${first} ${label} with every stats field: ${fmt(m)}`);
        }
      }
      const bare = await measure(bench.db, () =>
        gql(url, WORKERS_BARE_QUERY, { first: 100, filter: { name: "busy_" } }),
      );
      console.log(`API: 100 busiest workers without stats (the baseline): ${fmt(bare)}`);
      for (const first of [1, 10, 100]) {
        const m = await measure(bench.db, () => gql(url, USERS_QUERY, { first }));
        console.log(`API: top ${first} users by contributions with every stats field: ${fmt(m)}`);
      }
      const now = new Date();
      const ago = (s: number) => new Date(now.getTime() - s * 1000);
      const at = { now, hour: ago(WINDOWS.hour), day: ago(WINDOWS.day), month: ago(WINDOWS.month) };
      for (const [label, ids] of [
        ["100 busiest", busy],
        ["100 quiet", quiet],
        ["100 unknown", busy.map(() => randomUUID())],
      ] as const) {
        const sql = {
          "windows and top models": () => workerActivity(bench.db, ids, at),
          "recent performance": () => workerRecentPerformance(bench.db, ids, now, RECENT_JOBS),
        };
        for (const [name, fn] of Object.entries(sql)) {
          const m = await measure(bench.db, async () => void (await fn()));
          console.log(`SQL: ${name} for ${label} workers: ${fmt(m)}`);
        }
      }
      if (process.env.EXPLAIN) {
        const plan = await bench.db.query<{ "QUERY PLAN": string }>(
          `EXPLAIN (ANALYZE, BUFFERS) SELECT worker_id, model, count(*) FILTER (WHERE submitted_at > $3)::int,
             count(*) FILTER (WHERE submitted_at > $4)::int, count(*)::int,
             sum(pixels::float8 * steps) FILTER (WHERE submitted_at > $3),
             sum(pixels::float8 * steps) FILTER (WHERE submitted_at > $4), sum(pixels::float8 * steps)
             FROM jobs WHERE worker_id = ANY($1::uuid[]) AND state IN ('ok', 'censored', 'csam')
              AND submitted_at > $5 AND submitted_at <= $2 GROUP BY worker_id, model`,
          [busy, at.now, at.hour, at.day, at.month],
        );
        console.log(plan.map((r) => r["QUERY PLAN"].replace(/'\{[^}]*\}'/, "'{…}'")).join("\n"));
      }
      const u = await measure(bench.db, async () => void (await userContributions(bench.db, owners)));
      console.log(`SQL: contributions of 100 users: ${fmt(u)}`);
      const usage = await measure(bench.db, async () => void (await userUsage(bench.db, owners)));
      console.log(`SQL: usage of 100 users: ${fmt(usage)}`);
      // the worst case of a live usage figure: one user who requested every job in the database
      const heavy = await measure(bench.db, async () => void (await userUsage(bench.db, [requester])));
      console.log(`SQL: usage of the one user who requested all ${n} jobs: ${fmt(heavy)}`);
    } finally {
      await app.stop();
    }
  } finally {
    await bench.drop();
  }
}

await main();
