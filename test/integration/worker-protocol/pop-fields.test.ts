import { beforeEach, describe, expect, it } from "vitest";
import { type PopImageJobInput, PopWithSkippedDocument, WorkerDeclaredDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { createRequest, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Issue 12: the reference's other pop fields (§3.3) with their rules: extraSlowWorker,
 * limitMaxSteps, requireUpfrontKudos, allowSdxlControlnet, priorityUsernames.
 */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

let seq = 0;

async function popAs(apikey: string, input: PopImageJobInput) {
  const r = await ctx.t.gql(PopWithSkippedDocument, { input }, { apikey });
  const p = r.data?.popImageJob;
  if (!p) throw new Error(JSON.stringify(r));
  return p;
}

/** A worker of a fresh owner; `pop()` pops with its declaration and returns the payload. */
async function worker(declare: Partial<PopImageJobInput> = {}) {
  const owner = await seedUser(ctx.db);
  const input: PopImageJobInput = { name: `pf-${++seq}-${owner.id}`, models: ["stable_diffusion"], ...declare };
  const pop = async () => {
    const p = await popAs(owner.apiKey, input);
    if (p.__typename !== "PopImageJobPayload") throw new Error(JSON.stringify(p));
    return p;
  };
  return { owner, input, pop };
}

async function requestRow(jobId: string) {
  const [row] = await ctx.db.query<{ id: string; job_ttl: number; job_kudos: string }>(
    "SELECT r.id, r.job_ttl, r.job_kudos::text FROM requests r JOIN jobs j ON j.request_id = r.id WHERE j.id = $1",
    [jobId],
  );
  return row!;
}

describe("extraSlowWorker", () => {
  it("an extra-slow worker only gets requests that allow extra-slow workers, with 3× the TTL", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const slow = await worker({ extraSlowWorker: true });
    await createRequest(ctx.t, requester.apiKey, { prompt: "normal" });
    const skipped = await slow.pop();
    expect(skipped.jobs).toEqual([]);
    expect(skipped.skipped?.extraSlowWorker).toBe(1);

    await createRequest(ctx.t, requester.apiKey, { prompt: "patient", extraSlowWorkers: true });
    const got = await slow.pop();
    expect(got.jobs).toHaveLength(1);
    const row = await requestRow(got.jobs[0]!.id);
    expect(got.jobs[0]!.ttl).toBe(3 * row.job_ttl);
  });

  it("its pop keeps the request from expiring for 60 minutes (the AI Horde's refresh); another's pop does not", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const slowId = await createRequest(ctx.t, requester.apiKey, { prompt: "slow", extraSlowWorkers: true });
    const fastId = await createRequest(ctx.t, requester.apiKey, { prompt: "fast", extraSlowWorkers: true });
    const expiry = async (id: string) =>
      (await ctx.db.query<{ at: Date }>("SELECT expires_at AS at FROM requests WHERE id = $1", [id]))[0]!.at.getTime();
    const before = await expiry(fastId);
    const slow = await worker({ extraSlowWorker: true });
    const t0 = ctx.t.deps.clock.now().getTime();
    expect((await slow.pop()).jobs).toHaveLength(1);
    const t1 = ctx.t.deps.clock.now().getTime();
    const kept = await expiry(slowId);
    expect(kept).toBeGreaterThanOrEqual(t0 + 3600_000);
    expect(kept).toBeLessThanOrEqual(t1 + 3600_000);
    expect((await (await worker()).pop()).jobs).toHaveLength(1);
    expect(await expiry(fastId)).toBe(before);
  });

  it("its submit keeps the request an hour too (the AI Horde's refresh on a settled job)", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(ctx.t, requester.apiKey, {
      prompt: "slow",
      params: { n: 2 },
      extraSlowWorkers: true,
    });
    const slow = await worker({ extraSlowWorker: true });
    const got = await slow.pop();
    expect(got.jobs).toHaveLength(1);
    await ctx.db.query("UPDATE requests SET expires_at = now() WHERE id = $1", [id]);
    const t0 = ctx.t.deps.clock.now().getTime();
    expect((await submit(ctx.t, slow.owner.apiKey, { id: got.jobs[0]!.id })).__typename).toBe("SubmitImageJobPayload");
    const [row] = await ctx.db.query<{ at: Date }>("SELECT expires_at AS at FROM requests WHERE id = $1", [id]);
    expect(row!.at.getTime()).toBeGreaterThanOrEqual(t0 + 3600_000);
  });

  it("a request allowing extra-slow workers is still served by any worker, at the normal TTL", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "patient", extraSlowWorkers: true });
    const got = await (await worker()).pop();
    expect(got.jobs).toHaveLength(1);
    expect(got.jobs[0]!.ttl).toBe((await requestRow(got.jobs[0]!.id)).job_ttl);
  });

  it("defaults to false on both sides, and the worker shows what it declared", async () => {
    const slow = await worker({ extraSlowWorker: true, limitMaxSteps: true, allowSdxlControlnet: true });
    const plain = await worker();
    await slow.pop();
    await plain.pop();
    const rows = await ctx.db.query<{ id: string; name: string }>("SELECT id, name FROM workers WHERE name = ANY($1)", [
      [slow.input.name, plain.input.name],
    ]);
    const shown = async (name: string) => {
      const id = rows.find((r) => r.name === name)!.id;
      const r = await ctx.t.gql(WorkerDeclaredDocument, { id });
      const w = r.data!.worker!;
      return [w.extraSlowWorker, w.limitMaxSteps, w.sdxlControlnet];
    };
    expect(await shown(slow.input.name)).toEqual([true, true, true]);
    expect(await shown(plain.input.name)).toEqual([false, false, false]);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "default" });
    const [req] = await ctx.db.query<{ extra_slow_workers: boolean }>(
      "SELECT extra_slow_workers FROM requests WHERE id = $1",
      [id],
    );
    expect(req!.extra_slow_workers).toBe(false);
  });
});

describe("limitMaxSteps", () => {
  it("skips requests whose accurate steps exceed the average of the model's min and max steps (20/40 by default)", async () => {
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const limited = await worker({ limitMaxSteps: true, models: ["stable_diffusion", "DreamShaper XL"], threads: 3 });
    // stable_diffusion has no step requirements: the average of 20 and 40 is 30
    await createRequest(ctx.t, requester.apiKey, { prompt: "31", models: ["stable_diffusion"], params: { steps: 31 } });
    // k_heun is second-order: 16 steps are 32 accurate steps
    await createRequest(ctx.t, requester.apiKey, {
      prompt: "heun",
      models: ["stable_diffusion"],
      params: { steps: 16, samplerName: "k_heun" },
    });
    // DreamShaper XL: min 4, max 10, so 7 at most
    await createRequest(ctx.t, requester.apiKey, { prompt: "8", models: ["DreamShaper XL"], params: { steps: 8 } });
    const none = await limited.pop();
    expect(none.jobs).toEqual([]);
    expect(none.skipped?.stepCount).toBe(3);

    await createRequest(ctx.t, requester.apiKey, { prompt: "30", models: ["stable_diffusion"], params: { steps: 30 } });
    await createRequest(ctx.t, requester.apiKey, { prompt: "7", models: ["DreamShaper XL"], params: { steps: 7 } });
    expect((await limited.pop()).jobs).toHaveLength(1);
    expect((await limited.pop()).jobs).toHaveLength(1);
    expect((await limited.pop()).jobs).toEqual([]);

    // a worker without the limit takes the long ones
    const free = await worker({ models: ["stable_diffusion", "DreamShaper XL"], threads: 3 });
    for (let i = 0; i < 3; i++) expect((await free.pop()).jobs).toHaveLength(1);
  });
});

describe("requireUpfrontKudos", () => {
  it("skips a requester whose kudos minus the floor (25) do not cover a job; trusted requesters always pass", async () => {
    const poor = await seedUser(ctx.db, { kudos: 0 });
    const poorTrusted = await seedUser(ctx.db, { kudos: 0, trusted: true });
    const careful = await worker({ requireUpfrontKudos: true });
    await createRequest(ctx.t, poor.apiKey, { prompt: "poor" });
    const none = await careful.pop();
    expect(none.jobs).toEqual([]);
    expect(none.skipped?.kudos).toBe(1);

    await createRequest(ctx.t, poorTrusted.apiKey, { prompt: "trusted" });
    const got = await careful.pop();
    expect(got.jobs).toHaveLength(1);

    // the poor request waits for a worker that does not ask
    expect((await (await worker()).pop()).jobs).toHaveLength(1);
  });

  it("draws the line at exactly kudos − 25 = the job's price", async () => {
    const requester = await seedUser(ctx.db, { kudos: 0 });
    const careful = await worker({ requireUpfrontKudos: true });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "edge" });
    const [r] = await ctx.db.query<{ job_kudos: string }>("SELECT job_kudos::text FROM requests WHERE id = $1", [id]);
    const price = Number(r!.job_kudos);
    expect(price).toBeGreaterThan(0);
    await ctx.db.query("UPDATE users SET kudos = $2 WHERE id = $1", [requester.id, (price + 24.99).toFixed(2)]);
    expect((await careful.pop()).jobs).toEqual([]);
    await ctx.db.query("UPDATE users SET kudos = $2 WHERE id = $1", [requester.id, (price + 25).toFixed(2)]);
    expect((await careful.pop()).jobs).toHaveLength(1);
  });
});

describe("priorityUsernames", () => {
  it.each([["alice"], ["alice#"], ["alice#bob"], ["alice#-3"]])(
    "refuses %j with InvalidPriorityUsername and registers nothing",
    async (entry) => {
      const owner = await seedUser(ctx.db);
      const p = await popAs(owner.apiKey, {
        name: `prio-${owner.id}`,
        models: ["stable_diffusion"],
        priorityUsernames: [entry],
      });
      expect(p.__typename === "ValidationError" ? p.code : p.__typename).toBe("InvalidPriorityUsername");
      expect(await ctx.db.query("SELECT 1 FROM workers WHERE user_id = $1", [owner.id])).toHaveLength(0);
    },
  );

  it("serves those users' requests first, like the owner's own; other workers keep queue order", async () => {
    const rich = await seedUser(ctx.db, { kudos: 5000 });
    const friend = await seedUser(ctx.db, { kudos: 0 });
    const first = await createRequest(ctx.t, rich.apiKey, { prompt: "first in the queue" });
    const friends = await createRequest(ctx.t, friend.apiKey, { prompt: "a friend's" });
    const loyal = await worker({ priorityUsernames: [`${friend.username}#${friend.id}`] });
    const got = await loyal.pop();
    const [row] = await ctx.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [
      got.jobs[0]!.id,
    ]);
    expect(row!.request_id).toBe(friends);
    const other = await (await worker()).pop();
    const [row2] = await ctx.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [
      other.jobs[0]!.id,
    ]);
    expect(row2!.request_id).toBe(first);
  });

  it("stores the ids named (the name part is not checked: ids are what identify users)", async () => {
    const a = await seedUser(ctx.db);
    const w = await worker({ priorityUsernames: [`${a.username}#${a.id}`, `someone else#${a.id}`, "ghost#999999"] });
    await w.pop();
    const [row] = await ctx.db.query<{ priority_user_ids: number[] }>(
      "SELECT priority_user_ids FROM workers WHERE name = $1",
      [w.input.name],
    );
    expect(row!.priority_user_ids).toEqual([a.id, 999999]);
  });
});
