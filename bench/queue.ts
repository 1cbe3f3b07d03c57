/**
 * Benchmarks of the image queue's hot paths, on Postgres (DATABASE_URL), each printing figures:
 *
 *   npx tsx bench/queue.ts latency      request created → job event at a subscribed worker
 *   npx tsx bench/queue.ts throughput   8 workers: the minimal ledger loop (the denominator), raw
 *                                       claim + settlement (spread, hot requester), HTTP, WebSocket
 *   npx tsx bench/queue.ts queue-size   claim, pickup, create, queue reads at 10 / 1,000 / 10,000
 *   npx tsx bench/queue.ts loops        the minimal loop and the raw loops only
 *   npx tsx bench/queue.ts progress     submit → requester's subscription event
 *   npx tsx --expose-gc bench/queue.ts scale   1,000, 10,000, 20,000 idle feeds: memory, latency, SQL
 *
 * Figures from these machines are in bench/README.md.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import type { Db, QueryOptions } from "../src/infra/db.ts";
import { feedHub } from "../src/modules/jobs/jobs.feed.ts";
import { createImageRequest } from "../src/modules/requests/requests.service.ts";
import { makePng } from "../src/modules/requests/test-images.ts";
import { authenticate } from "../src/modules/users/users.service.ts";
import { minimalLedgerLoop, rawSettlementLoop } from "./loops.ts";
import { queueSizeRun, rareWorkerRun } from "./queue-size.ts";
import { benchApp, benchDatabase, benchUser, cpuMeter, fmt, percentile, post } from "./support.ts";

const PNG = makePng(64, 64).toString("base64");
const FEED = `subscription($input: PopImageJobInput!) { imageJobAssigned(input: $input) { id params { seed } } }`;
const SUBMIT = `mutation($input: SubmitImageJobInput!) { submitImageJob(input: $input) { __typename ... on SubmitImageJobPayload { reward } ... on Error { code message } } }`;
const POP = `mutation($input: PopImageJobInput!) { popImageJob(input: $input) { __typename ... on PopImageJobPayload { jobs { id params { seed } } } ... on Error { code message } } }`;
const now = () => performance.timeOrigin + performance.now();

function wsClient(url: string, apikey: string, retryAttempts = 0) {
  return createClient({ url, webSocketImpl: WebSocket, connectionParams: { apikey }, lazy: false, retryAttempts });
}

async function setup(poolSize = 20) {
  const bdb = await benchDatabase(poolSize);
  const server = await benchApp(bdb.db);
  const owner = await benchUser(bdb.db);
  const requester = await benchUser(bdb.db);
  const requesterViewer = (await authenticate(bdb.db, requester.apiKey))!;
  // Small, one-step images: a benchmark worker submits within milliseconds, and a 512×512,
  // 20-step job done that fast is UNREASONABLY_FAST (the trust rules pause such a worker).
  const create = (n = 1) =>
    createImageRequest(server.deps, requesterViewer, {
      prompt: "bench",
      params: { n, steps: 1, width: 64, height: 64 },
    }).then((r) => r.requestId!);
  return {
    ...server,
    bdb,
    owner,
    requester,
    create,
    async close() {
      await server.app.stop();
      await server.deps.bus.close();
      await bdb.drop();
    },
  };
}

/**
 * Counts the claim statements sent through `db.query` from now on: `n` all of them, `hinted` those
 * of one request's job (claim_hinted_job, a parked feed woken by a new request), the rest walks
 * of the queue (claim_next_job).
 */
function countClaims(db: Db): { n: number; hinted: number } {
  const counted = { n: 0, hinted: 0 };
  const query = db.query.bind(db);
  db.query = ((text: string, params?: readonly unknown[], opts?: QueryOptions) => {
    const hinted = text.includes("claim_hinted_job(");
    if (hinted || text.includes("claim_next_job(")) counted.n++;
    if (hinted) counted.hinted++;
    return query(text, params, opts);
  }) as Db["query"];
  return counted;
}

function report(name: string, sample: number[]) {
  console.log(
    `${name}: n=${sample.length} p50 ${fmt(percentile(sample, 50))}  p99 ${fmt(percentile(sample, 99))}  max ${fmt(Math.max(...sample))}`,
  );
}

async function latency(count = 1000) {
  const s = await setup();
  const client = wsClient(s.wsUrl, s.owner.apiKey);
  const committed = new Map<string, number>();
  s.deps.bus.subscribe("jobsAvailable", (h) => committed.set(h.requestId, now()));
  const sample: number[] = [];
  let resolveJob: ((j: { id: string; at: number }) => void) | null = null;
  client.subscribe<any>(
    { query: FEED, variables: { input: { name: "lat-worker", models: ["stable_diffusion"] } } },
    {
      next: (m) => resolveJob?.({ ...m.data.imageJobAssigned, at: now() }),
      error: (e) => console.error(e),
      complete: () => {},
    },
  );
  await new Promise((r) => setTimeout(r, 300));
  const claims = countClaims(s.deps.db);
  const statementsBefore = s.deps.db.stats.statements;
  for (let i = 0; i < count; i++) {
    const got = new Promise<{ id: string; at: number }>((r) => {
      resolveJob = r;
    });
    const id = await s.create();
    const job = await got;
    sample.push(job.at - committed.get(id)!);
    await post(s.url, SUBMIT, { input: { id: job.id, seed: "1", image: PNG } }, s.owner.apiKey);
  }
  const perJob = (s.deps.db.stats.statements - statementsBefore) / count;
  report("pickup latency (commit of a new request → job event at the worker's socket)", sample);
  console.log(
    `SQL statements per job (create + claim + submit, including BEGIN/COMMIT): ${perJob.toFixed(1)}, of which claims ${(claims.n / count).toFixed(1)}: the feed's claim of the request that woke it (${(claims.hinted / count).toFixed(1)} per job), and its walk of the queue after the submit freed its slot`,
  );
  await client.dispose();
  await s.close();
}

async function prefill(s: Awaited<ReturnType<typeof setup>>, jobs: number) {
  for (let i = 0; i < jobs / 20; i++) await s.create(20);
}

/** How long `run` takes, in ms. */
async function timedLoop(run: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

/**
 * The API loop of `throughput`: `workers` workers take and submit `jobs` jobs, over HTTP
 * (popImageJob, then submitImageJob) or over WebSocket (each holds a feed and submits on the
 * same socket). Resolves when all are submitted.
 */
async function apiLoop(kind: "http" | "ws", url: string, wsUrl: string, apikey: string, workers: number, jobs: number) {
  if (kind === "http") {
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (;;) {
          const d = await post(url, POP, { input: { name: `tp-${w}`, models: ["stable_diffusion"] } }, apikey);
          const job = d.popImageJob.jobs[0];
          if (!job) return;
          const r = await post(url, SUBMIT, { input: { id: job.id, seed: job.params.seed, image: PNG } }, apikey);
          if (r.submitImageJob.__typename !== "SubmitImageJobPayload") throw new Error(JSON.stringify(r));
        }
      }),
    );
    return;
  }
  let done = 0;
  const clients = Array.from({ length: workers }, () => wsClient(wsUrl, apikey));
  await new Promise<void>((finish, fail) => {
    clients.forEach((c, w) => {
      c.subscribe<any>(
        { query: FEED, variables: { input: { name: `tp-${w}`, models: ["stable_diffusion"] } } },
        {
          next: (m) => {
            const job = m.data.imageJobAssigned;
            c.subscribe<any>(
              { query: SUBMIT, variables: { input: { id: job.id, seed: job.params.seed, image: PNG } } },
              {
                next: (r) => {
                  if (r.data?.submitImageJob?.__typename !== "SubmitImageJobPayload")
                    fail(new Error(JSON.stringify(r)));
                },
                error: fail,
                complete: () => {
                  if (++done === jobs) finish();
                },
              },
            );
          },
          error: fail,
          complete: () => {},
        },
      );
    });
  });
  for (const c of clients) await c.dispose();
}

/** {@link apiLoop} in a child process; the time from its start signal to its end, in ms. */
async function apiLoopInChild(
  kind: "http" | "ws",
  url: string,
  wsUrl: string,
  apikey: string,
  workers: number,
  jobs: number,
): Promise<number> {
  const child = fork(
    fileURLToPath(import.meta.url),
    ["api-child", kind, url, wsUrl, apikey, String(workers), String(jobs)],
    { execArgv: ["--import", "tsx"] },
  );
  try {
    return await new Promise<number>((resolve, reject) => {
      let t = 0;
      child.on("message", (m: { ready?: boolean; done?: boolean; error?: string }) => {
        if (m.ready) {
          t = performance.now();
          child.send({ go: true });
        } else if (m.done) resolve(performance.now() - t);
        else if (m.error) reject(new Error(m.error));
      });
      child.on("exit", (code) => reject(new Error(`API client process exited (${code})`)));
    });
  } finally {
    child.kill();
  }
}

/** The child side of {@link apiLoopInChild}: ready once loaded, runs the loop on "go". */
async function apiChild(args: string[]) {
  const [kind, url, wsUrl, apikey, workers, jobs] = args;
  process.on("message", (m: { go?: boolean }) => {
    if (!m.go) return;
    apiLoop(kind as "http" | "ws", url!, wsUrl!, apikey!, Number(workers), Number(jobs)).then(
      () => process.send?.({ done: true }),
      (err: Error) => process.send?.({ error: err.message }),
    );
  });
  process.send?.({ ready: true });
  await new Promise(() => {}); // until the parent kills it
}

async function throughput(jobs = 2000, workers = 8) {
  const s = await setup(workers + 4);
  const db = s.deps.db;
  // register the workers through the API once, so every mode uses the same worker rows
  for (let w = 0; w < workers; w++) {
    const d = await post(s.url, POP, { input: { name: `tp-${w}`, models: ["stable_diffusion"] } }, s.owner.apiKey);
    if (d.popImageJob.__typename !== "PopImageJobPayload") throw new Error(JSON.stringify(d));
  }
  // BENCH_ONLY=http|ws runs that API loop alone (for a CPU profile of it); ratios then print NaN.
  const only = process.env.BENCH_ONLY;
  const none = { rate: Number.NaN, statements: Number.NaN, cpu: { node: Number.NaN, postgres: Number.NaN } };
  // The physical limit and the project's raw claim + settlement, in this process, same database.
  const minimal = only ? Number.NaN : await minimalLedgerLoop(db, jobs, workers);
  const spread = only ? none : await rawSettlementLoop(db, { jobs, workers, hot: false });
  const hot = only ? none : await rawSettlementLoop(db, { jobs, workers, hot: true });

  // The API loops. Their clients run in this process (as every figure in bench/README.md was
  // taken); BENCH_CLIENTS=process runs them in one of their own, as real workers are, which on
  // two cores measured slower (HTTP 0.36–0.40 of the raw hot loop against 0.46, WS 0.54–0.57
  // against 0.66, 2026-12-02): a message between processes waits for the other to be scheduled.
  const inline = process.env.BENCH_CLIENTS !== "process";
  const apiRun = async (kind: "http" | "ws") => {
    await prefill(s, jobs);
    const st = db.stats.statements;
    const cpu = cpuMeter();
    const ms = inline
      ? await timedLoop(() => apiLoop(kind, s.url, s.wsUrl, s.owner.apiKey, workers, jobs))
      : await apiLoopInChild(kind, s.url, s.wsUrl, s.owner.apiKey, workers, jobs);
    return { rate: jobs / (ms / 1000), statements: (db.stats.statements - st) / jobs, cpu: cpu.stop(jobs) };
  };
  const http = !only || only === "http" ? await apiRun("http") : none;
  const ws = !only || only === "ws" ? await apiRun("ws") : none;

  const ratio = (x: number, of: number) => `${x.toFixed(0)} jobs/s = ${(x / of).toFixed(2)}`;
  console.log(`throughput, ${workers} connections or workers, ${jobs} jobs each:`);
  console.log(`  minimal ledger loop (the denominator)          ${minimal.toFixed(0)} jobs/s`);
  console.log(
    `  raw claim + settlement, spread requesters      ${ratio(spread.rate, minimal)} of the minimal loop (${spread.statements.toFixed(1)} statements/job)`,
  );
  console.log(
    `  raw claim + settlement, one hot requester      ${ratio(hot.rate, minimal)} of the minimal loop (${hot.statements.toFixed(1)} statements/job)`,
  );
  console.log(
    `  API over HTTP (pop + submit, one requester)    ${ratio(http.rate, minimal)} of the minimal loop, ${(http.rate / hot.rate).toFixed(2)} of the raw hot loop (${http.statements.toFixed(1)} statements/job)`,
  );
  console.log(
    `  API over WS (feed + submit, one requester)     ${ratio(ws.rate, minimal)} of the minimal loop, ${(ws.rate / hot.rate).toFixed(2)} of the raw hot loop (${ws.statements.toFixed(1)} statements/job)`,
  );
  // What bounds each loop on this machine: CPU per job, this process (server, in-process
  // clients, libvips) and Postgres; with 2 cores, 1,000 / (sum / 2) jobs/s is the ceiling.
  const cpuLine = (name: string, c: { node: number; postgres: number }) =>
    console.log(
      `  CPU per job, ${name.padEnd(18)} this process ${c.node.toFixed(2)} ms, Postgres ${c.postgres.toFixed(2)} ms`,
    );
  cpuLine("raw spread", spread.cpu);
  cpuLine("raw hot", hot.cpu);
  cpuLine("API over HTTP", http.cpu);
  cpuLine("API over WS", ws.cpu);
  await s.close();
}

async function progress(count = 300) {
  const s = await setup();
  const worker = wsClient(s.wsUrl, s.owner.apiKey);
  const watcher = wsClient(s.wsUrl, s.requester.apiKey);
  let resolveJob: ((j: any) => void) | null = null;
  worker.subscribe<any>(
    { query: FEED, variables: { input: { name: "prog-worker", models: ["stable_diffusion"] } } },
    { next: (m) => resolveJob?.(m.data.imageJobAssigned), error: (e) => console.error(e), complete: () => {} },
  );
  const sample: number[] = [];
  for (let i = 0; i < count; i++) {
    const gotJob = new Promise<any>((r) => {
      resolveJob = r;
    });
    const id = await s.create();
    const job = await gotJob;
    let t0 = 0;
    const finished = new Promise<number>((resolve) => {
      watcher.subscribe<any>(
        { query: `subscription($id: ID!) { imageRequestUpdated(id: $id) { finished } }`, variables: { id } },
        {
          next: (m) => {
            if (t0 && m.data.imageRequestUpdated.finished === 1) resolve(now());
          },
          error: (e) => console.error(e),
          complete: () => {},
        },
      );
    });
    await new Promise((r) => setTimeout(r, 5)); // let the subscription take its first snapshot
    t0 = now();
    await post(s.url, SUBMIT, { input: { id: job.id, seed: "1", image: PNG } }, s.owner.apiKey);
    sample.push((await finished) - t0);
  }
  report("client progress latency (submit sent → requester's event showing it finished)", sample);
  await worker.dispose();
  await watcher.dispose();
  await s.close();
}

/** One `scale` round: how many idle feeds, and how many share a WebSocket. */
interface ScaleRound {
  feeds: number;
  perSocket: number;
}

/** This process's limit on open files (sockets included), as /proc says. */
function openFileLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    return Number(line?.split(/\s+/)[3] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/**
 * The default rounds: 1,000 and 10,000 feeds, each on its own socket, as a real worker holds
 * one; then 20,000. Every socket is a file descriptor in this process, and on these machines a
 * process may hold 20,000 (a hard limit it cannot raise), so 20,000 feeds on their own sockets
 * cannot be opened here: that round is as many as the limit leaves room for, and 20,000 at two
 * subscriptions per socket (graphql-ws multiplexes; a bridge running two workers does that).
 */
function defaultRounds(): ScaleRound[] {
  const limit = openFileLimit();
  const room = Number.isFinite(limit) ? Math.min(20_000, Math.floor((limit - 200) / 100) * 100) : 20_000;
  const rounds = [
    { feeds: 1000, perSocket: 1 },
    { feeds: 10_000, perSocket: 1 },
    { feeds: room, perSocket: 1 },
  ];
  if (room < 20_000) rounds.push({ feeds: 20_000, perSocket: 2 });
  return rounds;
}

// Scale: idle feeds held open by child processes (each under its own open-file limit); memory
// measured in this (server) process.
async function scale(rounds: ScaleRound[] = defaultRounds(), samples = 200) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.log("(run with --expose-gc for exact heap figures)");
  console.log(`open-file limit of this process: ${openFileLimit()}`);
  for (const { feeds: size, perSocket } of rounds) {
    const s = await setup(20);
    const hub = feedHub(s.deps);
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const rss0 = process.memoryUsage().rss;
    // workers are not told request ids: arrivals are matched to requests through the jobs table
    const arrivals: { jobId: string; at: number }[] = [];
    let resets = 0;
    const perChild = 8000 * perSocket;
    const children = Array.from({ length: Math.ceil(size / perChild) }, (_, c) => {
      const first = c * perChild;
      const count = Math.min(perChild, size - first);
      const child = fork(
        fileURLToPath(import.meta.url),
        ["feeds-child", s.wsUrl, s.owner.apiKey, String(first), String(count), String(perSocket)],
        { execArgv: ["--import", "tsx"] },
      );
      child.on("message", (m: any) => {
        if (m.job) arrivals.push({ jobId: m.jobId, at: m.at });
        if (m.reset) resets++;
      });
      return child;
    });
    const t = performance.now();
    // a feed whose socket was reset while thousands connect retries (see feedsChild); a run that
    // still cannot park them all says how far it got instead of waiting for ever
    const connectDeadline = performance.now() + 300_000;
    while (hub.parkedCount < size) {
      const exited = children.filter((c) => c.exitCode !== null).length;
      if (performance.now() > connectDeadline || exited > 0) {
        throw new Error(`only ${hub.parkedCount} of ${size} feeds parked (${exited} client processes exited)`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const connectSecs = (performance.now() - t) / 1000;
    gc?.();
    await new Promise((r) => setTimeout(r, 500));
    gc?.();
    const heap1 = process.memoryUsage().heapUsed;
    const rss1 = process.memoryUsage().rss;
    const committed = new Map<string, number>();
    s.deps.bus.subscribe("jobsAvailable", (h) => committed.set(h.requestId, now()));
    const statementsBefore = s.deps.db.stats.statements;
    const lat: number[] = [];
    const created: string[] = [];
    for (let i = 0; i < samples; i++) {
      const id = await s.create();
      while (arrivals.length <= i) await new Promise((r) => setImmediate(r));
      created.push(id);
      lat.push(arrivals[i]!.at - committed.get(id)!);
    }
    const perJob = (s.deps.db.stats.statements - statementsBefore) / samples;
    for (const [i, id] of created.entries()) {
      const rows = await s.deps.db.query("SELECT 1 FROM jobs WHERE id = $1 AND request_id = $2", [
        arrivals[i]!.jobId,
        id,
      ]);
      if (rows.length === 0) throw new Error("a job arrived for another request than the one just made");
    }
    const sockets = Math.ceil(size / perSocket);
    console.log(
      `${size} idle feeds on ${sockets} sockets (${perSocket} per socket; ${children.length} client processes; connected in ${connectSecs.toFixed(1)} s, ${resets} sockets reset on the way and retried):`,
    );
    console.log(
      `  server heap per subscription ${((heap1 - heap0) / size / 1024).toFixed(1)} KB, RSS per subscription ${((rss1 - rss0) / size / 1024).toFixed(1)} KB`,
    );
    report("  pickup latency", lat);
    console.log(`  SQL statements per job (create + claim): ${perJob.toFixed(1)}`);
    for (const c of children) c.kill();
    await s.close();
  }
}

/**
 * A client process: `count` idle feeds named from `first`, `perSocket` subscriptions per socket.
 * At most {@link CONNECTING} sockets are connecting at once, as a fleet whose workers come back
 * with some jitter; each retries as graphql-ws clients do (with backoff) if its socket is reset.
 */
async function feedsChild(wsUrl: string, apikey: string, first: number, count: number, perSocket: number) {
  const clients = [];
  let connecting = 0;
  for (let i = 0; i < count; i += perSocket) {
    while (connecting >= CONNECTING) await new Promise((r) => setTimeout(r, 5));
    connecting++;
    let settled = false;
    const settle = () => {
      if (!settled) connecting--;
      settled = true;
    };
    const c = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { apikey },
      lazy: false,
      retryAttempts: 20,
      // lazy clients print what stops them; here the parent counts them instead
      onNonLazyError: () => {},
      on: { connected: settle, closed: settle, error: () => process.send?.({ reset: true }) },
    });
    clients.push(c);
    for (let k = i; k < Math.min(count, i + perSocket); k++) {
      c.subscribe<any>(
        { query: FEED, variables: { input: { name: `idle-${first + k}`, models: ["stable_diffusion"] } } },
        {
          next: (m) => process.send?.({ job: true, jobId: m.data.imageJobAssigned.id, at: now() }),
          error: () => {},
          complete: () => {},
        },
      );
    }
  }
}

/** Sockets a `scale` client process has connecting at once. */
const CONNECTING = 200;

/** `queue-size`: claim, pickup, creation and queue reads at 10, 1,000 and 10,000 live requests. */
async function queueSizes(sizes = [10, 1000, 10000]) {
  const figures = [];
  for (const size of sizes) figures.push(await queueSizeRun(size));
  const f = (x: { p50: number; p99: number }) => `${x.p50.toFixed(2)} / ${x.p99.toFixed(2)}`;
  console.log(
    "live requests | claim p50/p99 ms | pickup p50/p99 ms | statements per pickup | create p50/p99 ms | queue read p50/p99 ms",
  );
  for (const x of figures)
    console.log(
      `${x.size} | ${f(x.claim)} | ${f(x.pickup)} | ${x.statementsPerPickup.toFixed(1)} | ${f(x.create)} | ${f(x.queueRead)}`,
    );
  const first = figures[0]!;
  const last = figures[figures.length - 1]!;
  console.log(`claim time ${last.size} vs ${first.size}: ${(last.claim.p50 / first.claim.p50).toFixed(2)}x`);
  console.log(
    `pickup warm-up (the first 20 of a fresh server, not in the table): ${figures.map((x) => `${x.size}: first ${x.warmUp.first.toFixed(1)} ms, slowest ${x.warmUp.max.toFixed(1)} ms`).join(" · ")}`,
  );
  const rare = await rareWorkerRun();
  console.log(
    `rare-model worker facing 10,000 waiting requests it cannot serve: claim p50 ${rare.none.toFixed(2)} ms with nothing for it, ${rare.last.toFixed(2)} ms when its one request is last`,
  );
}

/**
 * `loops`: the minimal ledger loop and the raw settlement loops only, in `rounds` rounds, each
 * raw loop's ratio taken against the minimal loop run just before it (on a loaded machine the
 * denominator moves from one minute to the next).
 */
async function loops(jobs = 1000, workers = 8, rounds = 3) {
  const bdb = await benchDatabase(workers + 4);
  try {
    for (let r = 1; r <= rounds; r++) {
      const m1 = await minimalLedgerLoop(bdb.db, jobs, workers);
      const spread = await rawSettlementLoop(bdb.db, { jobs, workers, hot: false });
      const m2 = await minimalLedgerLoop(bdb.db, jobs, workers);
      const hot = await rawSettlementLoop(bdb.db, { jobs, workers, hot: true });
      console.log(
        `round ${r}: minimal ${m1.toFixed(0)} → raw spread ${spread.rate.toFixed(0)} jobs/s = ${(spread.rate / m1).toFixed(2)}; minimal ${m2.toFixed(0)} → raw hot ${hot.rate.toFixed(0)} jobs/s = ${(hot.rate / m2).toFixed(2)} (${hot.statements.toFixed(1)} statements/job) [load ${(await import("node:os")).loadavg()[0]!.toFixed(1)}]`,
      );
    }
  } finally {
    await bdb.drop();
  }
}

const [mode = "all", ...rest] = process.argv.slice(2);
if (mode === "api-child") {
  await apiChild(rest);
} else if (mode === "feeds-child") {
  await feedsChild(rest[0]!, rest[1]!, Number(rest[2]), Number(rest[3]), Number(rest[4] ?? 1));
} else {
  if (mode === "latency" || mode === "all") await latency(Number(process.env.BENCH_COUNT ?? 1000));
  if (mode === "throughput" || mode === "all") await throughput();
  if (mode === "progress" || mode === "all") await progress();
  // BENCH_ROUNDS=10000x1,20000x2: feeds × subscriptions per socket, instead of the default rounds
  const rounds = process.env.BENCH_ROUNDS?.split(",").map((r) => {
    const [feeds, perSocket] = r.split("x").map(Number);
    return { feeds: feeds!, perSocket: perSocket ?? 1 };
  });
  if (mode === "scale" || mode === "all") await scale(rounds);
  if (mode === "scale-1000") await scale([{ feeds: 1000, perSocket: 1 }], 50);
  if (mode === "queue-size" || mode === "all") await queueSizes();
  if (mode === "loops") await loops();
  process.exit(0);
}
