import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type App, createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createDeps, type Deps } from "../src/deps.ts";
import { connectPostgres, type Db } from "../src/infra/db.ts";
import { migrate } from "../src/infra/migrate.ts";
import { hashKey, newApiKey } from "../src/modules/users/users.rules.ts";

/** A throwaway, migrated Postgres database for one benchmark run (DATABASE_URL is the server). */
export async function benchDatabase(poolSize = 20): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    console.error("Benchmarks run on Postgres: set DATABASE_URL (e.g. postgresql://horde:horde@127.0.0.1:5432/horde)");
    process.exit(2);
  }
  const name = `horde_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const db = connectPostgres(u.toString(), poolSize);
  await migrate(db);
  return {
    db,
    url: u.toString(),
    async drop() {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Starts the app in this process on a free port, background tasks off. */
export async function benchApp(
  db: Db,
  env: Record<string, string> = {},
): Promise<{ app: App; deps: Deps; url: string; wsUrl: string }> {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "horde-bench-")),
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
    RATE_LIMIT_PER_MINUTE: "0",
    RATE_LIMIT_PER_KEY_PER_MINUTE: "0",
    // every benchmark client is on 127.0.0.1: `scale` opens up to 20,000 subscriptions from it
    MAX_SUBSCRIPTIONS_PER_IP: "0",
    // ... and hosts every benchmark worker, each of which "generates" at once: the per-address
    // worker limit and the UNREASONABLY_FAST check would pause them mid-run
    MAX_WORKERS_PER_IP: "0",
    SUSPICION_MAX_MPS: "0",
    ...env,
  });
  const deps = await createDeps(config, { db });
  const app = createApp(deps, { tasks: false });
  const { port } = await app.start(0, "127.0.0.1");
  return { app, deps, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
}

/** Inserts a user with enough kudos and room for many workers; returns its key. */
export async function benchUser(
  db: Db,
  o: { kudos?: number; workerInvited?: number } = {},
): Promise<{ id: number; apiKey: string }> {
  const apiKey = newApiKey();
  const rows = await db.query<{ id: number }>(
    `INSERT INTO users (username, api_key_hash, kudos, worker_invited, concurrency)
     VALUES ($1, $2, $3, $4, 1000000) RETURNING id`,
    [`bench_${randomBytes(4).toString("hex")}`, hashKey(apiKey), o.kudos ?? 1_000_000, o.workerInvited ?? 20_000],
  );
  return { id: rows[0]!.id, apiKey };
}

/** p-th percentile (0–100) of a sample, in the sample's unit. */
export function percentile(sample: number[], p: number): number {
  const s = [...sample].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** CPU time, in ms, used so far by each Postgres process of this machine (backends included), by pid. */
function postgresCpuMs(): Map<string, number> {
  const used = new Map<string, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    } catch {
      continue; // exited between the listing and the read
    }
    const close = stat.lastIndexOf(")");
    if (stat.slice(stat.indexOf("(") + 1, close) !== "postgres") continue;
    const fields = stat.slice(close + 2).split(" "); // from field 3 (state) on
    used.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND); // utime + stime
  }
  return used;
}

/**
 * Starts counting CPU time: this process's (every thread: the server, its in-process clients,
 * libvips' threads) and the Postgres processes'. `stop(jobs)` gives each in ms per job. This is
 * what bounds a loop on two cores: the sum of both against the 2 × wall time available. A
 * Postgres process counts from the start (or its own start) to the stop; one that ended in
 * between is not counted (its time is gone from /proc), so Postgres' figure is a lower bound.
 */
export function cpuMeter(): { stop(jobs: number): { node: number; postgres: number } } {
  const node0 = process.cpuUsage();
  const pg0 = postgresCpuMs();
  return {
    stop(jobs) {
      const n = process.cpuUsage(node0);
      let postgres = 0;
      for (const [pid, ms] of postgresCpuMs()) postgres += ms - (pg0.get(pid) ?? 0);
      return { node: (n.user + n.system) / 1000 / jobs, postgres: postgres / jobs };
    },
  };
}

export function fmt(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

// One keep-alive agent for every benchmark client. node:http rather than fetch: the clients run
// in the server's process, and fetch (undici, web streams) cost ≈ 1.3 ms of CPU per job more
// there, CPU taken from the server being measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs a GraphQL operation over a keep-alive connection; returns `data`, throws on `errors`. */
export function post(url: string, query: string, variables: Record<string, unknown>, apikey?: string): Promise<any> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(apikey ? { apikey } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString()) as { data?: any; errors?: unknown[] };
            if (answer.errors) reject(new Error(JSON.stringify(answer.errors)));
            else resolve(answer.data);
          } catch (err) {
            reject(new Error(`HTTP ${res.statusCode}: ${(err as Error).message}`));
          }
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
