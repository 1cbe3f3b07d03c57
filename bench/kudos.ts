/**
 * The kudos economy under load, on Postgres (DATABASE_URL): transfers/s, accepted requests/s
 * (each pays its horde tax through the ledger) and submits/s (each settles a job: reward, charge),
 * with 8 concurrent clients calling the services, then the ledger invariant over everything they
 * wrote, and one uptime sweep over 10,000 online workers. Its own database, dropped at the end.
 *
 *   npx tsx bench/kudos.ts            (CLIENTS, TRANSFERS, JOBS override the sizes)
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config.ts";
import { closeDeps, createDeps, type Deps } from "../src/deps.ts";
import type { Db } from "../src/infra/db.ts";
import { popImageJobs, submitImageJob } from "../src/modules/jobs/jobs.service.ts";
import { checkLedgerInvariant } from "../src/modules/kudos/kudos.invariant.ts";
import { rewardUptime, transferKudos } from "../src/modules/kudos/kudos.service.ts";
import { applyLedger } from "../src/modules/kudos/kudos.sql.ts";
import { createImageRequest } from "../src/modules/requests/requests.service.ts";
import { makePng } from "../src/modules/requests/test-images.ts";
import { hashKey, newApiKey } from "../src/modules/users/users.rules.ts";
import { authenticate, type Viewer } from "../src/modules/users/users.service.ts";
import { benchDatabase, percentile } from "./support.ts";

const CLIENTS = Number(process.env.CLIENTS ?? 8);
const TRANSFERS = Number(process.env.TRANSFERS ?? 6000);
const JOBS = Number(process.env.JOBS ?? 4000);
const PNG = makePng(64, 64).toString("base64");

/** Users funded through the ledger (a moderator award), so the invariant holds for them. */
async function users(db: Db, count: number, kudos: number): Promise<Viewer[]> {
  const out: Viewer[] = [];
  for (let i = 0; i < count; i++) {
    const key = newApiKey();
    const [row] = await db.query<{ id: number }>(
      "INSERT INTO users (username, api_key_hash, concurrency, worker_invited) VALUES ($1, $2, 1000000, 100) RETURNING id",
      [`kb_${i}_${key.slice(0, 6)}`, hashKey(key)],
    );
    if (kudos > 0) {
      await db.tx((sql) => applyLedger(sql, [{ userId: row!.id, kind: "moderator_award", amount: kudos }], new Date()));
    }
    out.push((await authenticate(db, key))!);
  }
  return out;
}

/** Runs `total` operations on `CLIENTS` concurrent clients; returns ops/s and latencies (ms). */
async function run(total: number, op: (client: number, i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        await op(c, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function line(what: string, r: { perSecond: number; p50: number; p99: number }) {
  console.log(
    `  ${what.padEnd(28)} ${r.perSecond.toFixed(0).padStart(6)}/s   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms`,
  );
}

async function transfers(deps: Deps) {
  // Senders give only to users after them in the list, so nobody ever sends straight back
  // (TooFastKudosTransfers) and every transfer moves kudos: 40 users, contending on their rows.
  const people = await users(deps.db, 40, 1_000_000);
  let refused = 0;
  const r = await run(TRANSFERS, async (c, i) => {
    const a = (i * 7 + c) % (people.length - 1);
    const b = a + 1 + ((i * 13) % (people.length - 1 - a));
    try {
      await transferKudos(deps, people[a]!, {
        username: `x#${people[b]!.userId}`,
        amount: 1 + (i % 20),
        idempotencyKey: `t${i}`,
      });
    } catch {
      refused++;
    }
  });
  line(`transfers (${TRANSFERS})`, r);
  if (refused) console.log(`  (${refused} transfers refused)`);
}

async function requestsAndSubmits(deps: Deps) {
  const requesters = await users(deps.db, 20, 1_000_000);
  const owners = await users(deps.db, CLIENTS, 0);
  const perRequest = 20;
  const accepted = await run(Math.ceil(JOBS / perRequest), async (_c, i) => {
    await createImageRequest(deps, requesters[i % requesters.length]!, {
      prompt: `bench ${i}`,
      params: { steps: 20, n: perRequest },
    });
  });
  line(`requests accepted (n=${perRequest})`, accepted);

  // Every worker claims its share first (not timed), then all submit at once.
  const held: string[][] = owners.map(() => []);
  for (let w = 0; w < owners.length; w++) {
    while (held[w]!.length < JOBS / owners.length) {
      const { jobs } = await popImageJobs(deps, owners[w]!, {
        name: `bench-w${w}`,
        models: ["stable_diffusion"],
        amount: 20,
        maxPixels: 4096 * 4096,
      });
      if (jobs.length === 0) break;
      held[w]!.push(...jobs.map((j) => j.id));
    }
  }
  const claimed = held.flat().length;
  // Client c submits worker c's jobs.
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    held.map(async (ids, w) => {
      for (const id of ids) {
        const t0 = performance.now();
        await submitImageJob(deps, owners[w]!, { id, seed: "1", image: PNG });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  line(`submits (${claimed})`, {
    perSecond: claimed / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  });
}

async function invariant(deps: Deps) {
  const t0 = performance.now();
  const report = await checkLedgerInvariant(deps.db);
  const ms = performance.now() - t0;
  console.log(
    `  invariant: ${report.ok ? "holds" : "BROKEN"} over ${report.rows} ledger rows and ${report.users} users in ${ms.toFixed(0)} ms`,
  );
  console.log(
    `    balances ${report.balances} = ledger ${report.ledger} = minted ${report.minted} - burned ${report.burned} (transfers net ${report.transfersNet})`,
  );
  if (!report.ok) {
    console.log(`    problems: ${report.problems.join("; ")}`);
    process.exitCode = 1;
  }
}

async function uptime(deps: Deps) {
  const owners = await users(deps.db, 100, 0);
  const t0 = Date.now();
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  await deps.db.query(
    `INSERT INTO workers (kind, user_id, name, models, last_check_in)
     SELECT 'image', ($1::int[])[1 + g % 100], 'uptime-' || g, ARRAY['stable_diffusion'], $2
       FROM generate_series(0, 9999) g`,
    [owners.map((o) => o.userId), at(0)],
  );
  const sweep = async (minutes: number) => {
    await deps.db.query("UPDATE workers SET last_check_in = $1 WHERE name LIKE 'uptime-%'", [at(minutes)]);
    const start = performance.now();
    const paid = await deps.db.tx((sql) => rewardUptime(sql, at(minutes)));
    return { ms: performance.now() - start, paid: paid.workers };
  };
  await sweep(0); // starts counting
  const quiet = await sweep(1);
  await deps.db.query("UPDATE workers SET uptime = 599 WHERE name LIKE 'uptime-%'");
  const due = await sweep(2);
  console.log(
    `  uptime sweep, 10,000 online workers: ${quiet.ms.toFixed(0)} ms with none due, ${due.ms.toFixed(0)} ms paying all ${due.paid}`,
  );
}

const bench = await benchDatabase(CLIENTS + 4);
const deps = await createDeps(
  loadConfig({
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "horde-bench-")),
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
    // its workers "generate" at once: the UNREASONABLY_FAST check paused them mid-run, with a
    // warning line each (the submits were already counted, so no figure changed)
    SUSPICION_MAX_MPS: "0",
  }),
  { db: bench.db },
);
try {
  console.log(`kudos economy, ${CLIENTS} concurrent clients, ledger on (Postgres):`);
  await transfers(deps);
  await requestsAndSubmits(deps);
  await invariant(deps);
  await uptime(deps);
  await invariant(deps);
} finally {
  await closeDeps(deps).catch(() => {});
  await bench.drop();
}
