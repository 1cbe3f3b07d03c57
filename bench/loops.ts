/**
 * The loops every throughput figure is a ratio of.
 *
 * - {@link minimalLedgerLoop}: what this machine can do at all: claim one job (`UPDATE … SKIP
 *   LOCKED`, autocommit), then `BEGIN`, complete it, one ledger row, one balance update over 100
 *   users, `COMMIT`. Tables of its own, no project code. It is the denominator of every ratio
 *   printed; our own implementation never is.
 * - {@link rawSettlementLoop}: the project's own claim and settlement, no API: spread requesters
 *   (one request per job, requesters in turn from 100) or one hot requester (all jobs one
 *   requester's, as a popular bot or frontend account is).
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../src/infra/db.ts";
import { claimImageJob } from "../src/modules/jobs/jobs.sql.ts";
import { benchUsers, benchWorker, fillRequests } from "./fill.ts";
import { settleClaimedJob } from "./settle.ts";
import { cpuMeter } from "./support.ts";

/** Jobs per second of the minimal ledger loop with `conns` connections. */
export async function minimalLedgerLoop(db: Db, jobs = 2000, conns = 8): Promise<number> {
  await db.exec(`
    DROP TABLE IF EXISTS min_jobs, min_ledger, min_users;
    CREATE TABLE min_users (id int PRIMARY KEY, kudos numeric(20,2) NOT NULL DEFAULT 0);
    CREATE TABLE min_jobs (id bigserial PRIMARY KEY, state text NOT NULL DEFAULT 'waiting', worker int, user_id int);
    CREATE INDEX ON min_jobs (id) WHERE state = 'waiting';
    CREATE TABLE min_ledger (id bigserial PRIMARY KEY, user_id int NOT NULL, job_id bigint NOT NULL,
                             amount numeric(20,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO min_users SELECT g FROM generate_series(0, 99) g;`);
  await db.query("INSERT INTO min_jobs (user_id) SELECT g % 100 FROM generate_series(1, $1) g", [jobs]);
  await db.exec("ANALYZE min_jobs");
  const t = performance.now();
  await Promise.all(
    Array.from({ length: conns }, async (_, w) => {
      for (;;) {
        const rows = await db.query<{ id: string; user_id: number }>(
          `UPDATE min_jobs SET state = 'processing', worker = $1
            WHERE id = (SELECT id FROM min_jobs WHERE state = 'waiting' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, user_id`,
          [w],
        );
        const job = rows[0];
        if (!job) return;
        await db.tx(async (sql) => {
          await sql.query("UPDATE min_jobs SET state = 'ok' WHERE id = $1 AND state = 'processing'", [job.id]);
          await sql.query("INSERT INTO min_ledger (user_id, job_id, amount) VALUES ($1, $2, 10)", [
            job.user_id,
            job.id,
          ]);
          await sql.query("UPDATE min_users SET kudos = kudos + 10 WHERE id = $1", [job.user_id]);
        });
      }
    }),
  );
  const rate = jobs / ((performance.now() - t) / 1000);
  await db.exec("DROP TABLE min_jobs, min_ledger, min_users");
  return rate;
}

/**
 * Jobs per second of the project's claim + settlement with `workers` workers of distinct owners,
 * and the SQL statements each job took (BEGIN/COMMIT counted).
 */
export async function rawSettlementLoop(
  db: Db,
  o: { jobs?: number; workers?: number; hot: boolean },
): Promise<{ rate: number; statements: number; cpu: { node: number; postgres: number } }> {
  const jobs = o.jobs ?? 2000;
  const owners = await benchUsers(db, o.workers ?? 8);
  const ids: string[] = [];
  for (const [i, owner] of owners.entries())
    ids.push(
      await benchWorker(db, {
        userId: owner,
        name: `raw-${o.hot}-${i}-${randomBytes(3).toString("hex")}`,
        models: ["stable_diffusion"],
      }),
    );
  if (o.hot) {
    const [requester] = await benchUsers(db, 1);
    await fillRequests(db, { count: jobs / 20, n: 20, requesters: [requester!], models: [], ageSeconds: 60 });
  } else {
    const requesters = await benchUsers(db, 100);
    await fillRequests(db, { count: jobs, n: 1, requesters, models: [], ageSeconds: 60 });
  }
  const before = db.stats.statements;
  const cpu = cpuMeter();
  const t = performance.now();
  let done = 0;
  await Promise.all(
    ids.map(async (wid, w) => {
      for (;;) {
        const job = await claimImageJob(db, wid, new Date());
        if (!job) return;
        await settleClaimedJob(db, job.id, owners[w]!);
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - t) / 1000);
  const used = cpu.stop(jobs);
  if (done !== jobs) throw new Error(`settled ${done} of ${jobs}`);
  return { rate, statements: (db.stats.statements - before) / jobs, cpu: used };
}
