import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import {
  MyRequestsDocument,
  TopUsersDocument,
  TopWorkersDocument,
  UsersWithStatsDocument,
  WorkersWithStatsDocument,
} from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Every list with statistics resolves in the same number of statements (Prisma's counted) for
 * 1, 10 and 100 items with every stats field selected: workers, users, both leaderboards and a
 * user's own requests with their generations.
 */

// A clock that stands still: the queue ranking (read at most once a second) is then read once,
// by the warm-up, and not again in the middle of the counted reads.
const ctx = useTestApp({ clock: new ManualClock() });
let requesterKey = "";
let afterUser = "";

beforeAll(async () => {
  const requester = await seedUser(ctx.db, { kudos: 1000 });
  requesterKey = requester.apiKey;
  // 110 users, each with one worker that finished three jobs (two models) for the requester's
  // 110 requests, and one request of their own with a finished job.
  await ctx.db.exec(`
    INSERT INTO users (username, api_key_hash, kudos)
      SELECT 'counted_' || g, 'hash_counted_' || g, g FROM generate_series(1, 110) g;
    INSERT INTO workers (kind, user_id, name, models, megapixelsteps, fulfilments, speed)
      SELECT 'image', id, 'counted_worker_' || id, '{stable_diffusion,Deliberate}', 3, 3, 1e6 + id
        FROM users WHERE username LIKE 'counted_%';
    INSERT INTO requests (kind, user_id, prompt, params, n, width, height, steps, job_kudos, priority, expires_at,
        created_at)
      SELECT 'image', ${requester.id}, 'p', '{}', 3, 512, 512, 30, 10, 0, now() + interval '1 hour',
             now() - make_interval(secs => g)
        FROM generate_series(1, 110) g;
    INSERT INTO requests (kind, user_id, prompt, params, n, width, height, steps, job_kudos, priority, expires_at)
      SELECT 'image', id, 'p', '{}', 1, 512, 512, 30, 10, 0, now() + interval '1 hour'
        FROM users WHERE username LIKE 'counted_%';
  `);
  await ctx.db.exec(`
    INSERT INTO jobs (request_id, idx, state, worker_id, model, claimed_at, submitted_at, pixels, steps, seconds)
      SELECT r.id, k, 'ok', w.id, CASE WHEN k = 0 THEN 'Deliberate' ELSE 'stable_diffusion' END,
             now() - make_interval(mins => k + 2), now() - make_interval(mins => k + 1), 262144, 30, 60
        FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS rn FROM requests WHERE user_id = ${requester.id}) r
        JOIN (SELECT id, row_number() OVER (ORDER BY name) AS rn FROM workers WHERE name LIKE 'counted_worker_%') w
          ON w.rn = r.rn
        CROSS JOIN generate_series(0, 2) k;
    INSERT INTO jobs (request_id, idx, state, worker_id, model, claimed_at, submitted_at, pixels, steps, seconds)
      SELECT r.id, 0, 'ok', w.id, 'stable_diffusion', now() - interval '2 minutes', now() - interval '1 minute',
             262144, 30, 60
        FROM requests r JOIN users u ON u.id = r.user_id AND u.username LIKE 'counted_%'
        JOIN workers w ON w.user_id = u.id;
    UPDATE requests r SET finished_images = s.n, finished_pixelsteps = s.ps
      FROM (SELECT request_id, count(*) AS n, sum(pixels::float8 * steps) AS ps FROM jobs GROUP BY request_id) s
     WHERE r.id = s.request_id;
  `);
  const [first] = await ctx.db.query<{ id: number }>("SELECT min(id) AS id FROM users WHERE username LIKE 'counted_%'");
  afterUser = Buffer.from(`GPC:N:${first!.id - 1}`).toString("base64");
});

async function statementsFor<TData, TVars extends Record<string, unknown>>(
  doc: TypedDocumentNode<TData, TVars>,
  vars: TVars,
  apikey?: string,
) {
  const before = ctx.db.stats.statements;
  const r = await ctx.t.gql(doc, vars, { apikey });
  expect(r.errors).toBeUndefined();
  return { statements: ctx.db.stats.statements - before, data: r.data };
}

/** Runs `read` at 1, 10 and 100 items and expects the same statement count each time. */
async function expectConstant(read: (first: number) => Promise<number>) {
  const counts: number[] = [];
  for (const first of [1, 10, 100]) counts.push(await read(first));
  expect(counts[1], `statements at 1, 10, 100: ${counts.join(", ")}`).toBe(counts[0]);
  expect(counts[2], `statements at 1, 10, 100: ${counts.join(", ")}`).toBe(counts[0]);
  return counts[0]!;
}

describe("statement counts with every stats field", () => {
  it("a page of workers", async () => {
    const n = await expectConstant(async (first) => {
      const { statements, data } = await statementsFor(WorkersWithStatsDocument, {
        first,
        filter: { name: "counted_worker_" },
        orderBy: "CONTRIBUTIONS",
      });
      const edges = data.workers.edges;
      expect(edges).toHaveLength(first);
      for (const e of edges) {
        expect(e.node.stats.lastHour.jobs).toBe(4);
        expect(e.node.stats.topModels).toEqual([
          { model: "stable_diffusion", jobs: 3 },
          { model: "Deliberate", jobs: 1 },
        ]);
        expect(e.node.stats.recentPerformance?.jobs).toBe(4);
      }
      return statements;
    });
    // the list (with owners) and one statement per stats group: windows, recent, top models
    expect(n).toBeLessThanOrEqual(6);
  });

  it("a page of users", async () => {
    const n = await expectConstant(async (first) => {
      const { statements, data } = await statementsFor(UsersWithStatsDocument, { first, after: afterUser });
      expect(data.users.edges).toHaveLength(first);
      for (const e of data.users.edges) {
        expect(e.node.stats).toMatchObject({
          contributions: 3,
          requestsFulfilled: 3,
          requestsMade: 1,
          imagesGenerated: 1,
        });
      }
      return statements;
    });
    expect(n).toBeLessThanOrEqual(6);
  });

  it("the user leaderboards", async () => {
    for (const by of ["KUDOS", "CONTRIBUTIONS"] as const) {
      await expectConstant(async (first) => {
        const { statements, data } = await statementsFor(TopUsersDocument, { by, first });
        expect(data.topUsers).toHaveLength(first);
        return statements;
      });
    }
  });

  it("the worker leaderboards", async () => {
    for (const by of ["MEGAPIXELSTEPS", "JOBS"] as const) {
      await expectConstant(async (first) => {
        const { statements, data } = await statementsFor(TopWorkersDocument, { by, first });
        expect(data.topWorkers).toHaveLength(first);
        return statements;
      });
    }
  });

  it("a user's own requests with their generations and queue standing", async () => {
    await statementsFor(MyRequestsDocument, { first: 1 }, requesterKey);
    await expectConstant(async (first) => {
      const { statements, data } = await statementsFor(MyRequestsDocument, { first }, requesterKey);
      const edges = data.me.requests?.edges ?? [];
      expect(edges).toHaveLength(first);
      for (const e of edges) expect(e.node.generations).toHaveLength(3);
      // finished requests ask whether an online worker (the seeded ones) could serve them: one batch for the page
      for (const e of edges) expect(e.node.isPossible).toBe(true);
      return statements;
    });
  });
});
