import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CLAIM_SQL_SHARED_WITH_MIGRATION,
  CLAIM_WALK,
  claimImageJob,
  claimNextJob,
  NO_CAP,
} from "../../../src/modules/jobs/jobs.sql.ts";
import { createTestDb, type TestDb } from "../../support/db.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * The claim reads the queue from an index of waiting jobs in queue order and checks eligibility
 * on a bounded number of requests (issue 9). What it must still get right: the order, a worker's
 * own requests first, and a job that only this worker can take behind many it cannot.
 */
describe("the claim's walk over the queue index", () => {
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

  it("walks CLAIM_WALK requests, as claim_next_job's SQL says, with a generic plan", async () => {
    const [fn] = await tdb.db.query<{ src: string; config: string[] | null }>(
      "SELECT prosrc AS src, proconfig AS config FROM pg_proc WHERE proname = 'claim_next_job'",
    );
    expect(fn?.src).toContain(`walk.step < ${CLAIM_WALK} AND walk.found < 4`);
  });

  it.each(["claim_next_job", "claim_hinted_job"])(
    "%s holds the request fields, the seed and the update of jobs.sql.ts's request-targeted claim, as they are now",
    async (proname) => {
      const [fn] = await tdb.db.query<{ src: string; config: string[] }>(
        "SELECT prosrc AS src, proconfig AS config FROM pg_proc WHERE proname = $1",
        [proname],
      );
      const words = (sql: string) => sql.replace(/\s+/g, " ").trim();
      for (const [name, part] of Object.entries(CLAIM_SQL_SHARED_WITH_MIGRATION)) {
        expect(words(fn!.src), name).toContain(words(part));
      }
      // what only the two functions hold, word for word in each: eligibility, the model, the TTL
      for (const part of [
        "claim_eligible(",
        `SELECT m FROM unnest((me.w).models) m WHERE cardinality(r.models) = 0 OR m = ANY (r.models)
         ORDER BY random() LIMIT 1`,
        "r.job_ttl * CASE WHEN (me.w).extra_slow THEN 3 ELSE 1 END",
      ]) {
        expect(words(fn!.src)).toContain(words(part));
      }
      expect(fn!.config).toEqual(["plan_cache_mode=force_generic_plan", "enable_seqscan=off"]);
    },
  );

  /** `count` requests of 2 jobs, `ageSeconds` old (1 ms apart, oldest first); returns their ids. */
  async function queue(
    count: number,
    o: { models: string[]; ageSeconds: number; priority?: number; userId?: number; nsfw?: boolean },
  ): Promise<string[]> {
    const rows = await tdb.db.query<{ id: string }>(
      `WITH r AS (
         INSERT INTO requests (kind, user_id, prompt, params, models, n, width, height, steps, nsfw, job_kudos,
                               priority, expires_at, created_at)
         SELECT 'image', $2, 'p', '{}', $3, 2, 512, 512, 20, $6, 10, $5, now() + interval '1 hour',
                now() - make_interval(secs => $4) + g * interval '1 ms'
           FROM generate_series(1, $1) g RETURNING id, created_at
       ), j AS (INSERT INTO jobs (request_id, idx) SELECT r.id, i FROM r, generate_series(0, 1) i)
       SELECT id FROM r ORDER BY created_at`,
      [count, o.userId ?? requester, o.models, o.ageSeconds, (o.priority ?? 25).toFixed(2), o.nsfw ?? false],
    );
    return rows.map((r) => r.id);
  }

  async function worker(models: string[], userId = owner): Promise<string> {
    const rows = await tdb.db.query<{ id: string }>(
      "INSERT INTO workers (kind, user_id, name, models) VALUES ('image', $1, $2, $3) RETURNING id",
      [userId, `w-${Math.random().toString(36).slice(2)}`, models],
    );
    return rows[0]!.id;
  }

  it("copies the request's queue place, models and requester onto every job, a FAULTED job's replacement included", async () => {
    const [id] = await queue(1, { models: ["a"], ageSeconds: 10 });
    await tdb.db.query("INSERT INTO jobs (request_id, idx) VALUES ($1, 2)", [id]);
    const rows = await tdb.db.query<{ same: boolean }>(
      `SELECT j.queue_rank = 5 * extract(epoch FROM r.created_at) - r.priority
              AND j.request_created_at = r.created_at AND j.models = r.models AND j.user_id = r.user_id AS same
         FROM jobs j JOIN requests r ON r.id = j.request_id`,
    );
    expect(rows.map((r) => r.same)).toEqual([true, true, true]);
  });

  it("a rare-model worker gets the one request it can serve behind many more than the walk reads", async () => {
    await queue(CLAIM_WALK * 3, { models: ["common"], ageSeconds: 60 });
    const [rare] = await queue(1, { models: ["rare"], ageSeconds: 1 });
    const w = await worker(["rare"]);
    const job = await claimImageJob(tdb.db, w, new Date());
    expect(job?.request_id).toBe(rare);
    expect(job?.model).toBe("rare");
  });

  it("a worker gets a request behind many it may not take for a reason other than the model", async () => {
    await queue(CLAIM_WALK * 3, { models: [], ageSeconds: 60, nsfw: true });
    const [plain] = await queue(1, { models: [], ageSeconds: 1 });
    const job = await claimImageJob(tdb.db, await worker(["any"]), new Date());
    expect(job?.request_id).toBe(plain);
  });

  it("serves in queue order, skipping requests whose jobs are all claimed, and the owner's own first", async () => {
    const w = await worker(["m"]);
    const [first, second] = await queue(2, { models: [], ageSeconds: 30 });
    await tdb.db.query("UPDATE jobs SET state = 'processing', worker_id = $2 WHERE request_id = $1", [first, w]);
    const got = await claimImageJob(tdb.db, w, new Date());
    expect(got?.request_id).toBe(second);
    const [own] = await queue(1, { models: [], ageSeconds: 0, userId: owner });
    expect((await claimImageJob(tdb.db, w, new Date()))?.request_id).toBe(own);
  });

  it("a claim hinted at one request takes its job, by the same rules for the model, seed and TTL", async () => {
    const w = await worker(["m", "n"]);
    const [head] = await queue(1, { models: [], ageSeconds: 30 });
    const [hinted] = await queue(1, { models: ["n"], ageSeconds: 10 });
    await tdb.db.query(`UPDATE requests SET params = '{"seed": "42"}', job_ttl = 77 WHERE id = $1`, [hinted]);
    const { job, room } = await claimNextJob(tdb.db, w, new Date(), 5, "image", hinted);
    expect(job).toMatchObject({ request_id: hinted, model: "n", seed: "42", ttl: 77 });
    expect(room).toBe(5);
    // with the worker at its cap, it takes nothing and does not walk the queue either
    expect(await claimNextJob(tdb.db, w, new Date(), 1, "image", head)).toEqual({ job: null, room: 0 });
    expect(await waitingOf(head)).toBe(2);
  });

  it("a hinted claim that finds nothing there walks the queue", async () => {
    const w = await worker(["m"]);
    const [head] = await queue(1, { models: [], ageSeconds: 30 });
    const [elsewhere] = await queue(1, { models: ["elsewhere"], ageSeconds: 20 });
    const [textual] = await queue(1, { models: [], ageSeconds: 10 });
    await tdb.db.query("UPDATE requests SET kind = 'text' WHERE id = $1", [textual]);
    await tdb.db.query("UPDATE jobs SET kind = 'text' WHERE request_id = $1", [textual]);
    // a request this worker cannot serve, one of another kind, one whose jobs are all taken, none
    const claim = (hint: string) => claimNextJob(tdb.db, w, new Date(), NO_CAP, "image", hint);
    expect((await claim(elsewhere!)).job?.request_id).toBe(head);
    expect((await claim(textual!)).job?.request_id).toBe(head);
    expect((await claim(head!)).job).toBeNull();
    expect((await claim(randomUUID())).job).toBeNull();
    expect(await waitingOf(elsewhere)).toBe(2);
    expect(await waitingOf(textual)).toBe(2);
  });

  async function waitingOf(requestId: string | undefined): Promise<number> {
    const [r] = await tdb.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE request_id = $1 AND state = 'waiting'",
      [requestId],
    );
    return r!.n;
  }

  it("finds nothing, and claims nothing, when no request fits", async () => {
    await queue(CLAIM_WALK + 5, { models: ["common"], ageSeconds: 60 });
    expect(await claimImageJob(tdb.db, await worker(["rare"]), new Date())).toBeNull();
    expect(
      Number((await tdb.db.query<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE state <> 'waiting'"))[0]!.n),
    ).toBe(0);
  });
});
