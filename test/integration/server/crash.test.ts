import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { describe, expect, it } from "vitest";
import { takeBackExpiredJobs } from "../../../src/modules/jobs/jobs.service.ts";
import type { CreateImageRequestMutationVariables } from "../../generated/graphql.ts";
import { useTestDb } from "../../support/app.ts";
import { balance, expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { CREATE, PNG_B64, POP, STATUS, SUBMIT } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * kill -9 of the server under load (issue 9, "Claims that don't wait for a disk flush"): the real
 * server (src/main.ts) in a child process on Postgres, requesters creating and workers popping and
 * submitting over HTTP, SIGKILL mid-load, a restart on the same database. Everything the server
 * acknowledged is still there: each request whose id it returned, each submit it answered with a
 * reward (the job finished, its reward row written once), the ledger invariant. A job claimed and
 * not submitted is still held by its worker and submittable, or goes back to the queue when its
 * TTL has run out; a submit for a claim that was lost is refused as AbortedGen and moves no kudos.
 *
 * What this proves and what it cannot: killing the Node process does not lose Postgres's
 * asynchronous commits (`synchronous_commit = off` for claims, `claim_room`), because Postgres
 * itself did not crash and its WAL writer still flushes them. So this test proves that the
 * server's own crash loses nothing acknowledged; it cannot show a Postgres crash within
 * `wal_writer_delay` losing the last claims. That case is simulated here, as in feed-claim.test.ts,
 * by undoing a claim row by hand (what Postgres would recover: the job as it was before the claim).
 *
 * Postgres only: on PGlite the server holds the database in its own process, so there is nothing
 * outside it to survive the kill the way Postgres does.
 */
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SD = ["stable_diffusion"];

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/** Starts src/main.ts on the test database on a free port; resolves once it listens. */
async function startServer(databaseUrl: string): Promise<Server> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "info",
    NODE_ENV: "test",
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "horde-crash-")),
    DATABASE_URL: databaseUrl,
    // every simulated client runs on 127.0.0.1 and answers in milliseconds
    RATE_LIMIT_PER_MINUTE: "0",
    RATE_LIMIT_PER_KEY_PER_MINUTE: "0",
    MAX_WORKERS_PER_IP: "0",
    SUSPICION_MAX_MPS: "0",
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `test-crash-${process.pid}:` } : {}),
  };
  // node --import tsx: one process, so the SIGKILL reaches the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    // read every line: an undrained pipe would block the server
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line) as { url?: string };
      if (entry.url) resolve(entry.url);
    });
    void exited.then(() => reject(new Error(`server exited before listening: ${stderr}`)));
  });
  return { child, url, exited };
}

/** GraphQL operations sent and not yet answered. */
let inFlight = 0;

/** One GraphQL operation over HTTP; a transport failure (the server killed) rejects. */
async function gql<TData, TVars>(
  url: string,
  doc: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  apikey: string,
): Promise<TData> {
  inFlight++;
  let body: { data: TData; errors?: unknown[] };
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", apikey },
      body: JSON.stringify({ query: print(doc), variables }),
    });
    body = (await res.json()) as typeof body;
  } finally {
    inFlight--;
  }
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const createIn = (prompt: string): CreateImageRequestMutationVariables => ({
  input: { prompt, params: { n: 2, width: 64, height: 64 } },
});
const submitIn = (id: string) => ({ input: { id, seed: "1", image: PNG_B64 } });

describe.skipIf(!process.env.DATABASE_URL)("kill -9 of the server under load", () => {
  const ctx = useTestDb();

  it("loses nothing it acknowledged; held claims stay submittable or return after their TTL", async () => {
    const db = ctx.db;
    const requester = await fundedUser(db, 1_000_000);
    const owners = await Promise.all([0, 1, 2].map(() => seedUser(db)));
    const hoarderOwner = await seedUser(db);
    let server = await startServer(ctx.tdb.url!);

    // What the server acknowledged, and which worker claimed what.
    const requests: string[] = [];
    const paid = new Map<string, number>(); // job id → reward answered
    const claimedBy = new Map<string, { name: string; apikey: string }>();
    const unexpected: unknown[] = [];
    const hoarded: string[] = [];
    const hoarder = { name: `hoarder-${hoarderOwner.id}`, apikey: hoarderOwner.apiKey };
    let killed = false;
    let ready!: () => void;
    const readyToKill = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const check = () => {
      if (requests.length >= 10 && paid.size >= 30 && hoarded.length >= 3) ready();
    };

    const requesterLoop = async () => {
      for (let i = 0; !killed; i++) {
        try {
          const r = await gql(server.url, CREATE, createIn(`crash ${i}`), requester.apiKey);
          const p = r.createImageRequest;
          if (p.__typename === "CreateImageRequestPayload" && p.request) requests.push(p.request.id);
          // the requester's cap on images queued (30) is the load's back-pressure, not a failure
          else if (!killed && !(p.__typename === "LimitError" && p.code === "TooManyPrompts")) unexpected.push(p);
        } catch (err) {
          if (!killed) unexpected.push(String(err));
          return; // the server is gone: whatever was in flight was never acknowledged
        }
        check();
      }
    };
    const workerLoop = async (name: string, apikey: string) => {
      while (!killed) {
        try {
          const r = await gql(server.url, POP, { input: { name, models: SD } }, apikey);
          const p = r.popImageJob;
          if (p.__typename !== "PopImageJobPayload") {
            if (!killed) unexpected.push(p);
            continue;
          }
          for (const job of p.jobs) {
            claimedBy.set(job.id, { name, apikey });
            const s = (await gql(server.url, SUBMIT, submitIn(job.id), apikey)).submitImageJob;
            if (s.__typename === "SubmitImageJobPayload") paid.set(job.id, s.reward);
            else if (!killed) unexpected.push(s);
          }
        } catch (err) {
          if (!killed) unexpected.push(String(err));
          return;
        }
        check();
      }
    };
    // Claims jobs and holds them unsubmitted, the claims most at risk in a crash.
    const hoarderLoop = async () => {
      while (!killed && hoarded.length < 3) {
        try {
          const r = await gql(
            server.url,
            POP,
            { input: { name: hoarder.name, models: SD, amount: 3 } },
            hoarder.apikey,
          );
          const p = r.popImageJob;
          if (p.__typename !== "PopImageJobPayload") {
            if (!killed) unexpected.push(p);
            continue;
          }
          for (const job of p.jobs) {
            claimedBy.set(job.id, hoarder);
            hoarded.push(job.id);
          }
        } catch (err) {
          if (!killed) unexpected.push(String(err));
          return;
        }
        check();
      }
    };

    const loops = [
      requesterLoop(),
      requesterLoop(),
      hoarderLoop(),
      ...owners.map((o, i) => workerLoop(`crash-${i}-${o.id}`, o.apiKey)),
    ];
    // Bounded, so a load that never gets there fails with what it reached instead of hanging.
    let timer: NodeJS.Timeout | undefined;
    const progress = () => JSON.stringify({ requests: requests.length, paid: paid.size, hoarded, unexpected });
    try {
      await Promise.race([
        readyToKill,
        Promise.all(loops).then(() => {
          throw new Error(`the load stopped before the kill: ${progress()}`);
        }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the load did not get going: ${progress()}`)), 25_000);
        }),
      ]);
    } catch (err) {
      killed = true;
      server.child.kill("SIGKILL");
      throw err;
    } finally {
      clearTimeout(timer);
    }
    // Mid-load: every other loop is waiting for an answer (its only awaits are HTTP calls), and
    // those requests are never answered.
    const unanswered = inFlight;
    server.child.kill("SIGKILL");
    killed = true;
    expect(unanswered).toBeGreaterThanOrEqual(3);
    await server.exited;
    expect(server.child.signalCode).toBe("SIGKILL");
    await Promise.all(loops);
    expect(unexpected).toEqual([]);

    server = await startServer(ctx.tdb.url!);
    try {
      // Every acknowledged request exists.
      const found = await db.query<{ id: string }>("SELECT id FROM requests WHERE id = ANY($1::uuid[])", [requests]);
      expect(found.map((r) => r.id).sort()).toEqual([...requests].sort());
      for (const id of requests) {
        const r = await gql(server.url, STATUS, { id }, requester.apiKey);
        expect(r.imageRequest?.n, id).toBe(2);
      }

      // Every acknowledged submit: its job finished, its reward written once, as answered.
      const paidIds = [...paid.keys()];
      const finished = await db.query<{ id: string; state: string; reward: string | null; rows: number }>(
        `SELECT j.id, j.state, max(l.amount)::text AS reward, count(l.id)::int AS rows
           FROM jobs j LEFT JOIN kudos_ledger l ON l.job_id = j.id AND l.kind = 'generation_reward'
          WHERE j.id = ANY($1::uuid[]) GROUP BY j.id, j.state`,
        [paidIds],
      );
      expect(finished).toHaveLength(paidIds.length);
      for (const f of finished) {
        expect(f, f.id).toMatchObject({ state: "ok", rows: 1 });
        expect(Number(f.reward)).toBe(paid.get(f.id));
      }
      await expectLedgerBalanced(db);

      // Claimed and not acknowledged: finished (a submit in flight committed) or still held by its worker.
      const open = [...claimedBy.keys()].filter((id) => !paid.has(id));
      const states = await db.query<{ id: string; state: string; worker: string | null }>(
        `SELECT j.id, j.state, w.name AS worker FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id
          WHERE j.id = ANY($1::uuid[])`,
        [open],
      );
      for (const s of states) {
        if (s.state === "ok") continue;
        expect(s, s.id).toMatchObject({ state: "processing", worker: claimedBy.get(s.id)!.name });
      }
      const [lost, kept, expiring] = hoarded;
      const ledgerRows = async () =>
        (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM kudos_ledger"))[0]!.n;
      const money = async () => [
        await ledgerRows(),
        await balance(db, requester.id),
        await balance(db, hoarderOwner.id),
      ];

      // A Postgres crash within wal_writer_delay would lose the claim's commit: undone by hand.
      await db.query(
        `UPDATE jobs SET state = 'waiting', worker_id = NULL, claimed_at = NULL, deadline = NULL, model = NULL,
                seed = NULL, ttl = 0 WHERE id = $1`,
        [lost],
      );
      let before = await money();
      const refused = (await gql(server.url, SUBMIT, submitIn(lost!), hoarder.apikey)).submitImageJob;
      expect(refused).toMatchObject({ __typename: "ConflictError", code: "AbortedGen" });
      expect(await money()).toEqual(before);

      // A claim the crash did not touch is still the worker's, and its submit is paid.
      const ok = (await gql(server.url, SUBMIT, submitIn(kept!), hoarder.apikey)).submitImageJob;
      expect(ok.__typename).toBe("SubmitImageJobPayload");

      // Once the TTL has run out, the requeue sweep hands every claim still held back to the queue,
      // including claims whose pop was in flight at the kill (nobody ever received those).
      const [{ latest }] = (await db.query<{ latest: Date }>(
        "SELECT max(deadline) AS latest FROM jobs WHERE state = 'processing'",
      )) as [{ latest: Date }];
      const held = await db.query<{ id: string }>("SELECT id FROM jobs WHERE state = 'processing'");
      expect(held.map((h) => h.id)).toContain(expiring);
      const released = await db.tx((sql) => takeBackExpiredJobs(sql, new Date(latest.getTime() + 1000)));
      expect(released).toHaveLength(held.length);
      expect(await db.query("SELECT id FROM jobs WHERE state = 'processing'")).toEqual([]);
      before = await money();
      const late = (await gql(server.url, SUBMIT, submitIn(expiring!), hoarder.apikey)).submitImageJob;
      expect(late).toMatchObject({ __typename: "ConflictError", code: "AbortedGen" });
      expect(await money()).toEqual(before);

      // The queue drains on the restarted server: every acknowledged request completes.
      const drainer = await seedUser(db);
      for (let i = 0; i < 500; i++) {
        const p = (await gql(server.url, POP, { input: { name: `drain-${drainer.id}`, models: SD } }, drainer.apiKey))
          .popImageJob;
        if (p.__typename !== "PopImageJobPayload") throw new Error(JSON.stringify(p));
        if (p.jobs.length === 0) break;
        for (const job of p.jobs) {
          const s = (await gql(server.url, SUBMIT, submitIn(job.id), drainer.apiKey)).submitImageJob;
          expect(s.__typename).toBe("SubmitImageJobPayload");
        }
      }
      const left = await db.query<{ state: string; n: number }>(
        "SELECT state, count(*)::int AS n FROM jobs WHERE request_id = ANY($1::uuid[]) GROUP BY state",
        [requests],
      );
      expect(left).toEqual([{ state: "ok", n: requests.length * 2 }]);
      await expectLedgerBalanced(db);
    } finally {
      server.child.kill("SIGKILL");
      await server.exited;
    }
  }, 60_000);
});
