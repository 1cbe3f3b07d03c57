import { describe, expect, it } from "vitest";
import type { Deps } from "../../../src/deps.ts";
import { DomainError } from "../../../src/errors.ts";
import { popImageJobs, submitImageJob } from "../../../src/modules/jobs/jobs.service.ts";
import { transferKudos } from "../../../src/modules/kudos/kudos.service.ts";
import { createImageRequest } from "../../../src/modules/requests/requests.service.ts";
import { authenticate, type Viewer } from "../../../src/modules/users/users.service.ts";
import { useTestApp } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import { expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { PNG_B64 } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// On Postgres: 8 clients doing 300 operations each, at once. PGlite has one connection, so
// there the same mix runs smaller (it still interleaves, but cannot contend).
const CLIENTS = onPostgres ? 8 : 3;
const OPS = onPostgres ? 300 : 40;

const ctx = useTestApp({ db: (tdb) => (onPostgres ? tdb.connect(CLIENTS + 4) : tdb.db) });

/** A deterministic generator, so a failing run can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Tally {
  requests: number;
  jobsPaid: number;
  duplicates: number;
  transfers: number;
  replays: number;
  refused: Map<string, number>;
  unexpected: unknown[];
  /** What each user sent and received, as the clients saw it succeed. */
  sent: Map<number, number>;
  received: Map<number, number>;
}

async function viewerOf(deps: Deps, apiKey: string): Promise<Viewer> {
  const v = await authenticate(deps.db, apiKey);
  if (!v) throw new Error("bad key");
  return v;
}

describe("the ledger under concurrent load", () => {
  it(`holds exactly with ${CLIENTS} clients submitting, charging and transferring at once`, async () => {
    const deps = ctx.t.deps;
    const requesters = await Promise.all(
      Array.from({ length: 10 }, () => fundedUser(ctx.db, 5_000, { concurrency: 10_000 })),
    );
    const owners = await Promise.all(Array.from({ length: 4 }, () => seedUser(ctx.db)));
    const rViewers = await Promise.all(requesters.map((u) => viewerOf(deps, u.apiKey)));
    const oViewers = await Promise.all(owners.map((u) => viewerOf(deps, u.apiKey)));
    const everyone = [...requesters, ...owners];
    const tally: Tally = {
      requests: 0,
      jobsPaid: 0,
      duplicates: 0,
      transfers: 0,
      replays: 0,
      refused: new Map(),
      unexpected: [],
      sent: new Map(),
      received: new Map(),
    };
    const add = (m: Map<number, number>, k: number, v: number) => m.set(k, (m.get(k) ?? 0) + v);
    const made: { viewer: Viewer; username: string; amount: number; key: string }[] = [];

    const attempt = async (op: () => Promise<void>) => {
      try {
        await op();
      } catch (err) {
        if (err instanceof DomainError) tally.refused.set(err.code, (tally.refused.get(err.code) ?? 0) + 1);
        else tally.unexpected.push(err);
      }
    };

    const client = async (c: number) => {
      const rand = rng(1000 + c);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      for (let i = 0; i < OPS; i++) {
        const roll = rand();
        if (roll < 0.3) {
          await attempt(async () => {
            const steps = 10 + Math.floor(rand() * 21);
            const n = 1 + Math.floor(rand() * 2);
            await createImageRequest(deps, pick(rViewers), { prompt: `load ${c}/${i}`, params: { steps, n } });
            tally.requests++;
          });
        } else if (roll < 0.72) {
          const w = Math.floor(rand() * oViewers.length);
          await attempt(async () => {
            const { jobs } = await popImageJobs(deps, oViewers[w]!, {
              name: `load-w${w}`,
              models: ["stable_diffusion"],
            });
            for (const job of jobs) {
              const input = { id: job.id, seed: "1", image: PNG_B64 };
              if (rand() < 0.25) {
                // a worker retrying its submit while the first is still in flight
                const results = await Promise.allSettled([
                  submitImageJob(deps, oViewers[w]!, input),
                  submitImageJob(deps, oViewers[w]!, input),
                ]);
                for (const r of results) {
                  if (r.status === "fulfilled") tally.jobsPaid++;
                  else if (r.reason instanceof DomainError && r.reason.code === "DuplicateGen") tally.duplicates++;
                  else tally.unexpected.push(r.reason);
                }
              } else {
                await submitImageJob(deps, oViewers[w]!, input);
                tally.jobsPaid++;
              }
            }
          });
        } else {
          const replay = made.length > 0 && rand() < 0.15 ? pick(made) : null;
          const from = replay?.viewer ?? pick([...rViewers, ...oViewers]);
          const to = replay?.username ?? pick(everyone.filter((u) => u.id !== from.userId)).username;
          const amount = replay?.amount ?? 1 + Math.floor(rand() * 20);
          const key = replay?.key ?? `c${c}-${i}`;
          await attempt(async () => {
            const r = await transferKudos(deps, from, { username: to, amount, idempotencyKey: key });
            if (r.replayed) {
              tally.replays++;
              return;
            }
            tally.transfers++;
            made.push({ viewer: from, username: to, amount, key });
            add(tally.sent, from.userId, amount);
            add(tally.received, r.transfer.dest_id, amount);
          });
        }
      }
    };

    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    // no deadlock, no serialization failure, nothing unexpected
    expect(tally.unexpected.map((e) => String(e))).toEqual([]);
    expect(tally.requests).toBeGreaterThan(0);
    expect(tally.jobsPaid).toBeGreaterThan(0);
    expect(tally.transfers).toBeGreaterThan(0);
    expect(tally.replays).toBeGreaterThan(0);

    // the economy balances exactly: every balance is the sum of its rows
    const report = await expectLedgerBalanced(ctx.db);

    // each request taxed once, each job paid once, however many submits raced
    const [counts] = await ctx.db.query<{
      taxes: number;
      rewards: number;
      charges: number;
      doubled: number;
      ok: number;
    }>(
      `SELECT (SELECT count(*)::int FROM kudos_ledger WHERE kind = 'horde_tax') AS taxes,
              (SELECT count(*)::int FROM kudos_ledger WHERE kind = 'generation_reward') AS rewards,
              (SELECT count(*)::int FROM kudos_ledger WHERE kind = 'request_charge') AS charges,
              (SELECT count(*)::int FROM (SELECT job_id FROM kudos_ledger WHERE job_id IS NOT NULL
                 GROUP BY job_id, kind HAVING count(*) > 1) d) AS doubled,
              (SELECT count(*)::int FROM jobs WHERE state = 'ok') AS ok`,
    );
    expect(counts).toEqual({
      taxes: tally.requests,
      rewards: tally.jobsPaid,
      charges: tally.jobsPaid,
      doubled: 0,
      ok: tally.jobsPaid,
    });

    // no lost update: every transfer the clients saw succeed is in the ledger, once
    const moved = await ctx.db.query<{ user_id: number; out: string; in: string }>(
      `SELECT user_id, coalesce(-sum(amount) FILTER (WHERE kind = 'transfer_out'), 0)::text AS out,
              coalesce(sum(amount) FILTER (WHERE kind = 'transfer_in'), 0)::text AS in
         FROM kudos_ledger GROUP BY user_id`,
    );
    for (const u of everyone) {
      const row = moved.find((m) => m.user_id === u.id);
      expect(Number(row?.out ?? 0), `sent by ${u.id}`).toBe(tally.sent.get(u.id) ?? 0);
      expect(Number(row?.in ?? 0), `received by ${u.id}`).toBe(tally.received.get(u.id) ?? 0);
    }
    const [transfers] = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM kudos_transfers");
    expect(transfers!.n).toBe(tally.transfers);
    // no one was taken below the transfer floor by racing transfers
    const [low] = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users u
        WHERE EXISTS (SELECT 1 FROM kudos_transfers t WHERE t.source_id = u.id) AND u.kudos < 25
          AND NOT EXISTS (SELECT 1 FROM kudos_ledger l WHERE l.user_id = u.id AND l.kind IN ('horde_tax', 'request_charge'))`,
    );
    expect(low!.n).toBe(0);
    expect(report.rows).toBeGreaterThan(OPS);
  }, 120_000);
});
