/**
 * `bench/kinds.ts` (issue 12): the one claim for every kind. Three queues share the jobs table
 * and its index (which leads with the kind); each kind's worker claims from its own. Measured at
 * two sizes (10 and 10,000 live requests of EACH kind, all waiting), for an image, a text and an
 * alchemy worker: the claim statement alone, in a transaction rolled back (the queue keeps its
 * shape). The denominator, measured in the same run on the same connection: the machine's
 * minimal claim, `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)` on the same
 * table, rolled back the same way. A ratio near the 10-request one at 10,000 means no kind's
 * queue slows another's.
 *
 * Run: DATABASE_URL=… npx tsx bench/kinds.ts
 */
import type { Db } from "../src/infra/db.ts";
import { claimImageJob, type Kind } from "../src/modules/jobs/jobs.sql.ts";
import { benchUsers, fillRequests } from "./fill.ts";
import { benchDatabase, fmt, percentile } from "./support.ts";

const ROLLBACK = new Error("rollback");
const CLAIMS = 300;

/** Runs `fn` in a transaction that is always rolled back; returns its duration in ms. */
async function rolledBack(db: Db, fn: (sql: Db) => Promise<unknown>): Promise<number> {
  let ms = 0;
  await db
    .tx(async (sql) => {
      const t = performance.now();
      await fn(sql as unknown as Db);
      ms = performance.now() - t;
      throw ROLLBACK;
    })
    .catch((e) => {
      if (e !== ROLLBACK) throw e;
    });
  return ms;
}

async function p50(db: Db, fn: (sql: Db) => Promise<unknown>): Promise<number> {
  const sample: number[] = [];
  for (let i = 0; i < CLAIMS; i++) sample.push(await rolledBack(db, fn));
  return percentile(sample, 50);
}

/** `count` live text requests (1 job each) and alchemy requests (2 forms each), waiting. */
async function fillOtherKinds(db: Db, count: number, requesters: number[]): Promise<void> {
  await db.query(
    `WITH r AS (
       INSERT INTO requests (kind, user_id, prompt, params, models, n, max_length, max_context_length, job_kudos,
                             priority, expires_at, created_at, updated_at)
       SELECT 'text', ($2::int[])[1 + (g - 1) % cardinality($2::int[])], 'bench', '{}', '{}', 1, 80, 1024, 0, 10,
              now() + interval '1 hour', now() - interval '1 hour' + g * interval '1 ms', now()
         FROM generate_series(1, $1) g RETURNING id, created_at
     )
     INSERT INTO jobs (request_id, idx, created_at) SELECT id, 0, created_at FROM r`,
    [count, requesters],
  );
  await db.query(
    `WITH r AS (
       INSERT INTO requests (kind, user_id, prompt, params, models, n, image_tiles, job_kudos, priority, expires_at,
                             created_at, updated_at)
       SELECT 'alchemy', ($2::int[])[1 + (g - 1) % cardinality($2::int[])], '', '{}', '{caption,GFPGAN}', 2, 1, 0, 10,
              now() + interval '1 hour', now() - interval '1 hour' + g * interval '1 ms', now()
         FROM generate_series(1, $1) g RETURNING id, created_at
     )
     INSERT INTO jobs (request_id, idx, model, created_at)
     SELECT id, f.i - 1, f.form, created_at FROM r, unnest('{caption,GFPGAN}'::text[]) WITH ORDINALITY f (form, i)`,
    [count, requesters],
  );
}

async function workerOf(db: Db, userId: number, kind: Kind, models: string[]): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO workers (kind, user_id, name, models, max_pixels, max_length, max_context_length, max_tiles,
                          speed, last_check_in)
     VALUES ($1::worker_kind, $2, 'bench-' || $1::text || '-' || gen_random_uuid(), $3, 1048576, 512, 4096, 80,
             CASE $1::text WHEN 'image' THEN 1e6 WHEN 'text' THEN 10 ELSE 1 END, now())
     RETURNING id`,
    [kind, userId, models],
  );
  return rows[0]!.id;
}

async function measure(db: Db, size: number, workers: Record<Kind, string>) {
  const minimal = await p50(db, (sql) =>
    sql.query(
      `UPDATE jobs SET state = 'processing' WHERE id = (
         SELECT id FROM jobs WHERE state = 'waiting' LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`,
    ),
  );
  const out: Record<string, number> = { minimal };
  for (const kind of ["image", "text", "alchemy"] as const) {
    out[kind] = await p50(db, async (sql) => {
      const job = await claimImageJob(sql, workers[kind], new Date(), kind);
      if (!job || job.kind !== kind) throw new Error(`${kind}: claimed ${job?.kind ?? "nothing"}`);
    });
  }
  console.log(
    `| ${size} | ${fmt(minimal)} | ${(["image", "text", "alchemy"] as const)
      .map((k) => `${fmt(out[k]!)} (${(out[k]! / minimal).toFixed(1)}×)`)
      .join(" | ")} |`,
  );
  return out;
}

async function main(): Promise<void> {
  const { db, drop } = await benchDatabase(4);
  try {
    const requesters = await benchUsers(db, 50);
    const [owner] = await benchUsers(db, 1);
    const workers: Record<Kind, string> = {
      image: await workerOf(db, owner!, "image", ["stable_diffusion"]),
      text: await workerOf(db, owner!, "text", ["koboldcpp/tiny"]),
      alchemy: await workerOf(db, owner!, "alchemy", ["GFPGAN"]),
    };
    console.log(`claim p50 per kind (statement alone, rolled back; ${CLAIMS} claims each); ratio to the minimal claim`);
    console.log("| live requests of each kind | minimal claim | image | text | alchemy |");
    console.log("|---|---|---|---|---|");
    let done = 0;
    const sizes = [10, 10_000];
    const results: Record<string, number>[] = [];
    for (const size of sizes) {
      const add = size - done;
      await fillRequests(db, { count: add, n: 4, requesters, models: ["stable_diffusion"], ageSeconds: 3600 });
      await fillOtherKinds(db, add, requesters);
      await db.query("ANALYZE jobs");
      await db.query("ANALYZE requests");
      done = size;
      results.push(await measure(db, size, workers));
    }
    const [small, large] = results;
    for (const kind of ["image", "text", "alchemy"]) {
      const growth = large![kind]! / large!.minimal! / (small![kind]! / small!.minimal!);
      console.log(`${kind}: ratio at 10,000 ÷ ratio at 10 = ${growth.toFixed(2)}`);
    }
  } finally {
    await drop();
  }
}

await main();
