/**
 * `bench/stats-horde.ts`: the horde-wide statistics with 100,000 finished jobs (issue 10).
 *
 * The database holds 100,000 finished image jobs spread over the last 40 days across the bundled
 * models (1,000 of them in the last minute), 2,000 waiting jobs and 200 online workers. Measured,
 * after one roll-up: `hordeStatus`, `models` and `imageStats` with every field, over HTTP
 * (server in this process) and as the bare statements, with the statements each sends; and the
 * roll-up itself, the first one (a backfill of all 100,000 jobs) and a steady one (one interval
 * of new jobs).
 */
import { BUNDLED_MODELS } from "../src/modules/models/models.rules.ts";
import { listModels } from "../src/modules/models/models.service.ts";
import { readImageTotals } from "../src/modules/stats/horde-stats.sql.ts";
import { readHordeStatus } from "../src/modules/stats/horde-status.sql.ts";
import { rollUpStats } from "../src/tasks/stats-rollup.ts";
import { benchApp, benchDatabase, benchUser, fmt, percentile, post } from "./support.ts";

const JOBS = 100_000;
const RUNS = 200;

const HORDE_STATUS = `{ hordeStatus { queuedRequests queuedJobs queuedMegapixelsteps processingJobs workersOnline
  threadsOnline textWorkersOnline textThreadsOnline interrogatorsOnline interrogatorThreadsOnline pastMinuteImages
  pastMinuteMegapixelsteps maintenance inviteOnly raid at } }`;
const MODELS = `{ models { name type baseline nsfw inpainting description workerCount count jobs queued eta performance
  generations { day month total } } }`;
const IMAGE_STATS = `{ imageStats { minute { images pixelsteps } hour { images pixelsteps } day { images pixelsteps }
  month { images pixelsteps } total { images pixelsteps } rolledUpTo models(state: all) { name day month total } } }`;

type Db = Awaited<ReturnType<typeof benchDatabase>>["db"];

/** 100,000 finished jobs over 40 days (1,000 in the last minute), 2,000 waiting, 200 workers. */
async function fill(db: Db, userId: number): Promise<void> {
  const models = BUNDLED_MODELS.map((m) => m.name);
  await db.query(
    `INSERT INTO workers (kind, user_id, name, models, threads, last_check_in)
     SELECT 'image', $1, 'stats-bench-' || g,
            ARRAY[($2::text[])[1 + g % cardinality($2::text[])], ($2::text[])[1 + (g + 1) % cardinality($2::text[])]],
            1 + g % 3, now()
       FROM generate_series(1, 200) g`,
    [userId, models],
  );
  await db.query(
    `INSERT INTO requests (kind, user_id, prompt, params, models, n, width, height, steps, job_kudos, priority, expires_at)
     SELECT 'image', $1, 'bench', '{}', ARRAY[($2::text[])[1 + g % cardinality($2::text[])]], 20, 512, 512, 30, 10, 0,
            now() + interval '1 day'
       FROM generate_series(0, 99) g`,
    [userId, models],
  );
  await db.query(
    `INSERT INTO jobs (request_id, idx)
     SELECT r.id, g FROM requests r, generate_series(0, 19) g WHERE r.prompt = 'bench'`,
  );
  await db.query(
    `INSERT INTO requests (kind, user_id, prompt, params, n, width, height, steps, job_kudos, priority, expires_at)
     VALUES ('image', $1, 'history', '{}', 1, 512, 512, 30, 10, 0, now() + interval '1 day')`,
    [userId],
  );
  const worker = await db.query<{ id: string }>("SELECT id FROM workers LIMIT 1");
  // jobs 0–998 in the last minute, the rest spread evenly over 40 days
  await db.query(
    `INSERT INTO jobs (request_id, idx, state, worker_id, model, claimed_at, submitted_at, pixels, steps, seconds)
     SELECT r.id, g, 'ok', $1::uuid, ($2::text[])[1 + g % cardinality($2::text[])], t - interval '5 s', t, 262144, 30, 5
       FROM requests r, generate_series(0, $3 - 1) g,
            LATERAL (SELECT CASE WHEN g < 1000 THEN now() - make_interval(secs => g * 0.059)
                                 ELSE now() - make_interval(secs => g * 40 * 86400.0 / $3) END AS t) tt
      WHERE r.prompt = 'history'`,
    [worker[0]!.id, models, JOBS],
  );
  await db.exec("ANALYZE");
}

async function time(label: string, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await fn();
  const sample: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    sample.push(performance.now() - t0);
  }
  console.log(
    `${label.padEnd(44)} median ${fmt(percentile(sample, 50))}  p95 ${fmt(percentile(sample, 95))}  max ${fmt(Math.max(...sample))}`,
  );
}

/** The server-side execution time of the statements `fn` sends (EXPLAIN ANALYZE), in ms. */
async function executionTime(db: Db, fn: (sql: Db) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  const explaining = {
    ...db,
    async query(text: string, params?: readonly unknown[]) {
      const rows = await db.query<{ "QUERY PLAN": [{ "Execution Time": number }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
        params,
      );
      times.push(rows[0]!["QUERY PLAN"][0]["Execution Time"]);
      return [{}];
    },
  } as unknown as Db;
  const sample: number[] = [];
  for (let i = 0; i < 50; i++) {
    times.length = 0;
    await fn(explaining);
    sample.push(times.reduce((a, b) => a + b, 0));
  }
  return percentile(sample, 50);
}

async function main(): Promise<void> {
  const bench = await benchDatabase();
  const { db } = bench;
  const { app, deps, url } = await benchApp(db);
  try {
    const user = await benchUser(db);
    const t0 = performance.now();
    await fill(db, user.id);
    console.log(`filled ${JOBS.toLocaleString()} finished jobs in ${fmt(performance.now() - t0)}`);

    let t = performance.now();
    const first = await rollUpStats(deps);
    console.log(`first roll-up (backfill): ${first?.images} images folded in ${fmt(performance.now() - t)}`);
    t = performance.now();
    const steady = await rollUpStats(deps);
    console.log(
      `next roll-up (one interval of new jobs): ${steady?.images} images folded in ${fmt(performance.now() - t)}`,
    );

    for (const [label, query] of [
      ["{ __typename } (the HTTP path alone)", "{ __typename }"],
      ["hordeStatus", HORDE_STATUS],
      ["models (every field)", MODELS],
      ["imageStats (every field)", IMAGE_STATS],
    ] as const) {
      const before = db.stats.statements;
      const data = await post(url, query, {});
      const statements = db.stats.statements - before;
      const size = Array.isArray(data.models) ? ` (${data.models.length} models)` : "";
      await time(`HTTP ${label}${size}, ${statements} statement(s)`, () => post(url, query, {}));
    }
    await time("statement: readHordeStatus", () => readHordeStatus(db, new Date()));
    await time("statement: readImageTotals", () => readImageTotals(db, new Date()));
    await time("service: listModels (1 statement)", () => listModels(deps, "image"));
    const inDb = {
      hordeStatus: await executionTime(db, (sql) => readHordeStatus(sql, new Date())),
      models: await executionTime(db, (sql) => listModels({ ...deps, db: sql }, "image")),
      imageTotals: await executionTime(db, (sql) => readImageTotals(sql, new Date())),
    };
    console.log(
      `execution in Postgres (EXPLAIN ANALYZE, median of 50): hordeStatus ${fmt(inDb.hordeStatus)}, models ${fmt(inDb.models)}, imageStats totals ${fmt(inDb.imageTotals)}`,
    );
  } finally {
    await app.stop();
    await deps.bus.close();
    await bench.drop();
  }
}

await main();
