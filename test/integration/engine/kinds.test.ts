import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  claimJobs,
  commonMightTake,
  defineKind,
  submitJob,
  type WorkerDeclaration,
} from "../../../src/modules/jobs/jobs.service.ts";
import { afterReleased } from "../../../src/modules/jobs/jobs.settle.ts";
import { requeueExpiredJobs } from "../../../src/modules/jobs/jobs.sql.ts";
import { storeRequest } from "../../../src/modules/requests/requests.service.ts";
import type { NewRequest } from "../../../src/modules/requests/requests.sql.ts";
import { rollUp } from "../../../src/modules/stats/horde-stats.service.ts";
import { authenticate, type Viewer } from "../../../src/modules/users/users.service.ts";
import { checkInWorker } from "../../../src/modules/workers/workers.service.ts";
import { useTestApp } from "../../support/app.ts";
import { balance } from "../../support/kudos.ts";
import { count } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * The one engine (issue 12) with every kind: a worker only ever gets its own kind's jobs, an
 * alchemy job is one form for a worker that does it, a form faults alone, and a text settlement
 * goes through the same ledger and statistics as an image one. The kinds here are the engine's
 * view only (columns, guess, policy); the text and alchemy modules' own suites cover their
 * validation and prices.
 */
defineKind<WorkerDeclaration>({
  kind: "text",
  faults: "request",
  workerColumns: (d) => ({ models: d.models, max_length: 512, max_context_length: 4096 }),
  mightTake: commonMightTake,
});
defineKind<WorkerDeclaration>({
  kind: "alchemy",
  faults: "job",
  workerColumns: (d) => ({ models: d.models, max_tiles: 80 }),
  mightTake: commonMightTake,
});

describe("one engine for image, text and alchemy", () => {
  const ctx = useTestApp();
  let requester: Viewer;
  let owner: Viewer;
  let requesterKey: string;
  beforeAll(async () => {
    const r = await seedUser(ctx.db, { kudos: 1000 });
    requesterKey = r.apiKey;
    const o = await seedUser(ctx.db, { trusted: true });
    requester = (await authenticate(ctx.db, r.apiKey))!;
    owner = (await authenticate(ctx.db, o.apiKey))!;
  });
  beforeEach(async () => {
    await ctx.db.query("DELETE FROM jobs");
    await ctx.db.query("DELETE FROM requests");
  });

  const declaration = (kind: WorkerDeclaration["kind"], name: string, models: string[]): WorkerDeclaration => ({
    kind,
    name,
    models,
    nsfw: false,
    amount: 1,
    threads: 1,
    bridgeAgent: "test:1:test",
    maxConcurrentJobs: 5,
  });

  async function worker(kind: WorkerDeclaration["kind"], name: string, models: string[]) {
    const d = declaration(kind, name, models);
    const columns = { models, ...(kind === "image" ? { max_pixels: 1024 * 1024 } : {}) };
    const w = await checkInWorker(ctx.t.deps, owner, d, {
      columns: {
        ...columns,
        ...(kind === "text" ? { max_length: 512, max_context_length: 4096 } : {}),
        ...(kind === "alchemy" ? { max_tiles: 80 } : {}),
      },
      speed: kind === "image" ? 1e6 : 1,
    });
    return { w, d };
  }

  function row(kind: NewRequest["kind"], extra: Partial<NewRequest> = {}): NewRequest {
    const now = ctx.t.deps.clock.now();
    return {
      kind,
      userId: requester.userId,
      sharedKeyId: null,
      prompt: `a ${kind} request`,
      params: {},
      models: [],
      n: 1,
      nsfw: false,
      trustedWorkers: false,
      slowWorkers: true,
      workerIds: [],
      workerBlacklist: false,
      jobTtl: 150,
      shared: false,
      jobKudos: 0,
      expiresAt: new Date(now.getTime() + 20 * 60_000),
      now,
      ...extra,
    };
  }

  const money = { taxCents: 100, totalCents: 100, upfront: null };

  it("never hands a worker another kind's job, whatever is first in the queue", async () => {
    await storeRequest(ctx.t.deps, requester, row("image", { width: 512, height: 512, steps: 20, n: 2 }), money, false);
    await storeRequest(ctx.t.deps, requester, row("text", { maxLength: 80, maxContextLength: 1024 }), money, false);
    await storeRequest(
      ctx.t.deps,
      requester,
      row("alchemy", { imageTiles: 1, models: ["caption"], jobs: [{ model: "caption", payload: null }] }),
      money,
      false,
    );
    const text = await worker("text", "engine-text", ["koboldcpp/tiny"]);
    const image = await worker("image", "engine-image", ["stable_diffusion"]);
    const alchemy = await worker("alchemy", "engine-alchemy", ["caption"]);

    const t1 = await claimJobs(ctx.t.deps, text.w, text.d, { want: 5, limit: 5 });
    expect(t1.jobs.map((j) => j.kind)).toEqual(["text"]);
    expect(t1.jobs[0]).toMatchObject({ max_length: 80, max_context_length: 1024, seed: null });
    expect((await claimJobs(ctx.t.deps, text.w, text.d, { want: 5, limit: 5 })).jobs).toEqual([]);

    const a1 = await claimJobs(ctx.t.deps, alchemy.w, alchemy.d, { want: 1, limit: 5 });
    expect(a1.jobs.map((j) => [j.kind, j.model])).toEqual([["alchemy", "caption"]]);

    const images = [];
    for (let i = 0; i < 3; i++)
      images.push(...(await claimJobs(ctx.t.deps, image.w, image.d, { want: 1, limit: 5 })).jobs);
    expect(images.map((j) => j.kind)).toEqual(["image", "image"]);
  });

  it("a worker name keeps its kind: another kind's check-in with it is refused", async () => {
    await worker("text", "engine-fixed-kind", ["koboldcpp/tiny"]);
    await expect(worker("image", "engine-fixed-kind", ["stable_diffusion"])).rejects.toMatchObject({
      code: "PolymorphicNameConflict",
    });
  });

  it("gives an alchemy worker only the forms it does, and a form faults alone after its fourth drop", async () => {
    const forms = [
      { model: "caption", payload: null },
      { model: "GFPGAN", payload: { facefixer_strength: 0.5 } },
    ];
    const { requestId: id } = await storeRequest(
      ctx.t.deps,
      requester,
      row("alchemy", { imageTiles: 4, models: ["caption", "GFPGAN"], jobs: forms }),
      money,
      false,
    );
    const captioner = await worker("alchemy", "engine-captioner", ["caption"]);
    const fixer = await worker("alchemy", "engine-fixer", ["GFPGAN"]);
    const got = await claimJobs(ctx.t.deps, fixer.w, fixer.d, { want: 2, limit: 5 });
    expect(got.jobs.map((j) => [j.model, j.payload])).toEqual([["GFPGAN", { facefixer_strength: 0.5 }]]);

    // four drops by TTL: back in the queue (still GFPGAN) three times, faulted by the fourth
    for (let drop = 1; drop <= 4; drop++) {
      if (drop > 1) expect((await claimJobs(ctx.t.deps, fixer.w, fixer.d, { want: 1, limit: 5 })).jobs).toHaveLength(1);
      await ctx.db.query(
        "UPDATE jobs SET deadline = now() - interval '1 s' WHERE state = 'processing' AND model = 'GFPGAN'",
      );
      await afterReleased(ctx.t.deps, await requeueExpiredJobs(ctx.db, new Date()));
      const state = await ctx.db.query<{ state: string; model: string }>(
        "SELECT state, model FROM jobs WHERE request_id = $1 AND model = 'GFPGAN'",
        [id],
      );
      expect(state).toEqual([{ state: drop < 4 ? "waiting" : "faulted", model: "GFPGAN" }]);
    }
    // the request goes on: its caption is still there for a captioner, and is not faulted
    expect(await count(ctx.db, "SELECT 1 FROM requests WHERE id = $1 AND NOT faulted", [id])).toBe(1);
    const caption = await claimJobs(ctx.t.deps, captioner.w, captioner.d, { want: 1, limit: 5 });
    expect(caption.jobs.map((j) => j.model)).toEqual(["caption"]);
  });

  it("settles a text job through the ledger and counts its tokens in the worker's and the horde's statistics", async () => {
    const { requestId: id } = await storeRequest(
      ctx.t.deps,
      requester,
      row("text", { maxLength: 120, maxContextLength: 1024 }),
      money,
      false,
    );
    const text = await worker("text", "engine-settle-text", ["koboldcpp/tiny"]);
    const [job] = (await claimJobs(ctx.t.deps, text.w, text.d, { want: 1, limit: 5 })).jobs;
    const before = await balance(ctx.db, requester.userId);
    const { reward } = await submitJob(
      ctx.t.deps,
      owner,
      { kind: "text", jobId: job!.id, state: "ok", genMetadata: null, result: "once upon a time" },
      (basis) => {
        expect(basis).toMatchObject({ kind: "text", max_length: 120 });
        return { price: 4, reward: 4, escrow: 0, charge: 5, burned: 0, things: 42 };
      },
    );
    expect(reward).toBe(4);
    expect(await balance(ctx.db, requester.userId)).toBe(before - 5);
    const [settled] = await ctx.db.query<{ result: unknown; things: number; state: string }>(
      "SELECT result, things, state FROM jobs WHERE id = $1",
      [job!.id],
    );
    expect(settled).toEqual({ result: "once upon a time", things: 42, state: "ok" });
    const [w] = await ctx.db.query<{ tokens: number; megapixelsteps: number; forms: number }>(
      "SELECT tokens, megapixelsteps, forms::int AS forms FROM workers WHERE id = $1",
      [text.w.id],
    );
    expect(w).toEqual({ tokens: 42, megapixelsteps: 0, forms: 0 });
    expect(await count(ctx.db, "SELECT 1 FROM kudos_ledger WHERE job_id = $1", [job!.id])).toBe(2);
    expect(await count(ctx.db, "SELECT 1 FROM requests WHERE id = $1 AND finished_images = 1", [id])).toBe(1);

    // a second submit is a duplicate; an image submit of a text job is refused by kind
    await expect(
      submitJob(
        ctx.t.deps,
        owner,
        { kind: "text", jobId: job!.id, state: "ok", genMetadata: null, result: "again" },
        () => ({ price: 1, reward: 1, escrow: 0, charge: 1, burned: 0, things: 1 }),
      ),
    ).rejects.toMatchObject({ code: "DuplicateGen" });

    const status = await ctx.t.gql(
      "{ hordeStatus { pastMinuteTexts pastMinuteTokens pastMinuteImages queuedTextJobs } }",
    );
    expect(status.data?.hordeStatus).toEqual({
      pastMinuteTexts: 1,
      pastMinuteTokens: 42,
      pastMinuteImages: 0,
      queuedTextJobs: 0,
    });
    await rollUp(ctx.db, new Date(Date.now() + 60_000));
    const stats = await ctx.t.gql(
      "{ textStats { hour { requests tokens } models { name total } } alchemyStats { hour { forms } } }",
    );
    expect(stats.data).toEqual({
      textStats: { hour: { requests: 1, tokens: 42 }, models: [{ name: "koboldcpp/tiny", total: 1 }] },
      alchemyStats: { hour: { forms: 0 } },
    });
    const ledger = await ctx.t.gql(
      "{ me { kudosHistory(first: 2) { edges { node { kind workKind } } } } }",
      {},
      { apikey: requesterKey },
    );
    expect(ledger.data?.me.kudosHistory.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { kind: "REQUEST_CHARGE", workKind: "text" },
      { kind: "HORDE_TAX", workKind: "text" },
    ]);
  });

  it("refuses to settle a job as another kind", async () => {
    await storeRequest(ctx.t.deps, requester, row("text", { maxLength: 80, maxContextLength: 1024 }), money, false);
    const text = await worker("text", "engine-wrong-kind", ["koboldcpp/tiny"]);
    const [job] = (await claimJobs(ctx.t.deps, text.w, text.d, { want: 1, limit: 5 })).jobs;
    await expect(
      submitJob(
        ctx.t.deps,
        owner,
        { kind: "image", jobId: job!.id, state: "ok", genMetadata: null, imageKey: null },
        () => ({ price: 1, reward: 1, escrow: 0, charge: 1, burned: 0, things: null }),
      ),
    ).rejects.toMatchObject({ code: "WrongKind" });
    expect(await count(ctx.db, "SELECT 1 FROM jobs WHERE id = $1 AND state = 'processing'", [job!.id])).toBe(1);
  });
});
