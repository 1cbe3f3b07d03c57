import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../../src/infra/db.ts";
import { claimNextJob } from "../../../src/modules/jobs/jobs.sql.ts";
import { createTestDb, onPostgres, type TestDb } from "../../support/db.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * The claim is one statement (issue 9): it counts the jobs the worker holds under the worker's
 * lock and enforces its cap itself, and only its own transaction commits asynchronously.
 */
describe("the one-statement claim and the worker's cap", () => {
  let tdb: TestDb;
  let requester: number;
  let owner: number;
  beforeAll(async () => {
    tdb = await createTestDb();
    requester = (await seedUser(tdb.db, { kudos: 100 })).id;
    owner = (await seedUser(tdb.db)).id;
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  beforeEach(async () => {
    await tdb.db.query("DELETE FROM jobs");
    await tdb.db.query("DELETE FROM requests");
    await tdb.db.query("DELETE FROM workers");
  });

  /** One request of `n` waiting jobs. */
  async function queue(n: number): Promise<string> {
    const rows = await tdb.db.query<{ id: string }>(
      `WITH r AS (
         INSERT INTO requests (kind, user_id, prompt, params, models, n, width, height, steps, job_kudos, priority,
                               expires_at)
         VALUES ('image', $1, 'p', '{}', '{}', $2, 512, 512, 20, 10, 25, now() + interval '1 hour') RETURNING id
       ), j AS (INSERT INTO jobs (request_id, idx) SELECT r.id, i FROM r, generate_series(0, $2 - 1) i)
       SELECT id FROM r`,
      [requester, n],
    );
    return rows[0]!.id;
  }

  async function worker(): Promise<string> {
    const rows = await tdb.db.query<{ id: string }>(
      "INSERT INTO workers (kind, user_id, name, models) VALUES ('image', $1, $2, $3) RETURNING id",
      [owner, `w-${Math.random().toString(36).slice(2)}`, ["stable_diffusion"]],
    );
    return rows[0]!.id;
  }

  const held = async (w: string) =>
    (
      await tdb.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM jobs WHERE worker_id = $1 AND state = 'processing'",
        [w],
      )
    )[0]!.n;

  it("says how much room the worker had, and takes nothing once it is at its cap", async () => {
    await queue(5);
    const w = await worker();
    const first = await claimNextJob(tdb.db, w, new Date(), 2);
    expect(first.job).not.toBeNull();
    expect(first.room).toBe(2);
    const second = await claimNextJob(tdb.db, w, new Date(), 2);
    expect(second.job).not.toBeNull();
    expect(second.room).toBe(1);
    expect(await claimNextJob(tdb.db, w, new Date(), 2)).toEqual({ job: null, room: 0 });
    expect(await held(w)).toBe(2);
    // a lower cap than what it holds is no room, not a negative one
    expect(await claimNextJob(tdb.db, w, new Date(), 1)).toEqual({ job: null, room: 0 });
  });

  it("answers an empty queue and an unknown worker with no job", async () => {
    const w = await worker();
    expect(await claimNextJob(tdb.db, w, new Date(), 3)).toEqual({ job: null, room: 3 });
    await queue(1);
    expect(await claimNextJob(tdb.db, "00000000-0000-4000-8000-000000000000", new Date(), 3)).toEqual({
      job: null,
      room: 0,
    });
  });

  it("commits the claim's transaction asynchronously, and nothing after it", async () => {
    await queue(1);
    const w = await worker();
    const inside = await tdb.db.tx(async (sql) => {
      await claimNextJob(sql, w, new Date(), 1);
      return (await sql.query<{ s: string }>("SELECT current_setting('synchronous_commit') AS s"))[0]!.s;
    });
    expect(inside).toBe("off");
    const after = await tdb.db.tx(
      async (sql) => (await sql.query<{ s: string }>("SELECT current_setting('synchronous_commit') AS s"))[0]!.s,
    );
    expect(after).toBe("on");
  });

  describe.skipIf(!onPostgres)("on Postgres, under concurrent claims", () => {
    let opened: Db[] | null = null;
    /** Two pools of their own: the claims really run side by side. */
    const pools = (): Db[] => {
      opened ??= [tdb.connect(4), tdb.connect(4)];
      return opened;
    };

    it("16 simultaneous claims of one worker capped at 3 take exactly 3 jobs, 10 times over", async () => {
      for (let round = 0; round < 10; round++) {
        await tdb.db.query("DELETE FROM jobs");
        await queue(20);
        const w = await worker();
        const claims = await Promise.all(
          Array.from({ length: 16 }, (_, i) => claimNextJob(pools()[i % 2]!, w, new Date(), 3)),
        );
        const taken = claims.flatMap((c) => (c.job ? [c.job.id] : []));
        expect(taken).toHaveLength(3);
        expect(new Set(taken).size).toBe(3);
        expect(await held(w)).toBe(3);
      }
    });

    it("8 workers capped at 2 each over 12 jobs: every job once, no worker past its cap", async () => {
      await queue(12);
      const ws = await Promise.all(Array.from({ length: 8 }, () => worker()));
      const claims = await Promise.all(
        ws.flatMap((w, i) => Array.from({ length: 4 }, () => claimNextJob(pools()[i % 2]!, w, new Date(), 2))),
      );
      const taken = claims.flatMap((c) => (c.job ? [c.job.id] : []));
      expect(new Set(taken).size).toBe(taken.length);
      expect(taken).toHaveLength(12);
      for (const w of ws) expect(await held(w)).toBeLessThanOrEqual(2);
    });
  });
});
