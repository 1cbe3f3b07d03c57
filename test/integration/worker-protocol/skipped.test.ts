import { beforeEach, describe, expect, it } from "vitest";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import {
  type PopImageJobInput,
  PopWithSkippedDocument,
  type SkippedCountsFragment,
  WorkerDeclaredDocument,
} from "../../generated/graphql.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { CREATE_KEY } from "../../support/kudos.ts";
import { createRequest, FEED, outcome, pop, resetQueue, waitFor } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Issue 12: an empty pop says why nothing fits, with the AI Horde's `skipped` counts by reason,
 * and an idle feed's owner can ask the same of the worker (Worker.skipped).
 */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

const PNG = makePng(64, 64).toString("base64");
const OPAQUE_PNG = makePng(64, 64, { alpha: false }).toString("base64");

let seq = 0;

async function popSkipped(apikey: string, input: PopImageJobInput) {
  const r = await ctx.t.gql(PopWithSkippedDocument, { input }, { apikey });
  const p = r.data?.popImageJob;
  if (p?.__typename !== "PopImageJobPayload") throw new Error(JSON.stringify(r));
  return p;
}

/** A fussy worker: every optional capability off, a blacklist, a step limit, upfront kudos. */
async function fussyWorker() {
  const owner = await seedUser(ctx.db);
  const input: PopImageJobInput = {
    name: `fussy-${++seq}-${owner.id}`,
    models: ["stable_diffusion"],
    blacklist: ["castle"],
    allowImg2img: false,
    allowPainting: false,
    allowPostProcessing: false,
    limitMaxSteps: true,
    requireUpfrontKudos: true,
  };
  const first = await popSkipped(owner.apiKey, input);
  expect(first.jobs).toEqual([]);
  const [row] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [input.name]);
  // a slow worker (below the 0.5 MPS/s that slowWorkers: false asks for)
  await ctx.db.query("UPDATE workers SET speed = 100000 WHERE id = $1", [row!.id]);
  return { id: row!.id, owner, input };
}

/** One request per rule, each failing that rule only (ControlNet's source image also needs img2img). */
async function oneRequestPerRule(otherWorkerId: string) {
  const rich = await seedUser(ctx.db, { kudos: 5000 });
  const poor = await seedUser(ctx.db, { kudos: 0 });
  const p = "a lighthouse";
  const requests: [string, Record<string, unknown>][] = [
    ["models", { prompt: p, models: ["Juggernaut XL"] }],
    ["maxPixels", { prompt: p, params: { width: 768, height: 768 } }],
    ["img2img", { prompt: p, sourceImage: OPAQUE_PNG }],
    ["painting", { prompt: p, sourceImage: PNG, sourceProcessing: "inpainting" }],
    ["nsfw", { prompt: p, nsfw: true }],
    ["lora", { prompt: p, params: { loras: [{ name: "12345" }] } }],
    ["postProcessing", { prompt: p, params: { postProcessing: ["GFPGAN"] } }],
    ["controlnet", { prompt: p, sourceImage: OPAQUE_PNG, params: { controlType: "canny" } }],
    ["performance", { prompt: p, slowWorkers: false }],
    ["untrusted", { prompt: p, trustedWorkers: true }],
    ["blacklist", { prompt: "a CASTLE at dusk" }],
    ["workerId", { prompt: p, workers: [otherWorkerId] }],
    ["stepCount", { prompt: p, models: ["stable_diffusion"], params: { steps: 50 } }],
  ];
  for (const [, input] of requests) await createRequest(ctx.t, rich.apiKey, input);
  await createRequest(ctx.t, poor.apiKey, { prompt: p });
  return requests.length + 1;
}

const ZERO: Omit<SkippedCountsFragment, "requests"> = {
  models: 0,
  workerId: 0,
  maxPixels: 0,
  img2img: 0,
  painting: 0,
  nsfw: 0,
  lora: 0,
  postProcessing: 0,
  controlnet: 0,
  performance: 0,
  untrusted: 0,
  blacklist: 0,
  stepCount: 0,
  kudos: 0,
  extraSlowWorker: 0,
};

describe("popImageJob.skipped", () => {
  it("an empty pop counts, by reason, the waiting requests the worker skips", async () => {
    const other = await seedUser(ctx.db);
    const otherPop = await pop(ctx.t, other.apiKey, { name: `other-${other.id}`, models: ["stable_diffusion"] });
    expect(outcome(otherPop)).toBe("PopImageJobPayload");
    const [otherRow] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE user_id = $1", [other.id]);
    const w = await fussyWorker();
    const total = await oneRequestPerRule(otherRow!.id);

    const r = await popSkipped(w.owner.apiKey, w.input);
    expect(r.jobs).toEqual([]);
    expect(r.skipped).toEqual({
      ...ZERO,
      requests: total,
      models: 1,
      maxPixels: 1,
      img2img: 2, // the img2img request, and the ControlNet one (its source image is img2img)
      painting: 1,
      nsfw: 1,
      lora: 1,
      postProcessing: 1,
      controlnet: 1,
      performance: 1,
      untrusted: 1,
      blacklist: 1,
      workerId: 1,
      stepCount: 1,
      kudos: 1,
    });
  });

  it("is null when the pop returned jobs", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    await createRequest(ctx.t, requester.apiKey, { prompt: "a lighthouse" });
    const r = await popSkipped(owner.apiKey, { name: `busy-${owner.id}`, models: ["stable_diffusion"] });
    expect(r.jobs).toHaveLength(1);
    expect(r.skipped).toBeNull();
  });

  it("counts nothing on an empty queue", async () => {
    const owner = await seedUser(ctx.db);
    const r = await popSkipped(owner.apiKey, { name: `idle-${owner.id}`, models: ["stable_diffusion"] });
    expect(r.skipped).toEqual({ ...ZERO, requests: 0 });
  });

  it("agrees with eligibility: a request is skipped for no reason exactly when the worker may take it", async () => {
    const w = await fussyWorker();
    const plain = await seedUser(ctx.db);
    await pop(ctx.t, plain.apiKey, { name: `plain-${plain.id}`, models: ["stable_diffusion"], nsfw: true });
    await oneRequestPerRule(w.id);
    const rows = await ctx.db.query<{ eligible: boolean; reasons: string[] }>(
      `SELECT image_eligible(r, w, o.trusted) AS eligible, image_skip_reasons(r, w, o.trusted) AS reasons
         FROM requests r, workers w JOIN users o ON o.id = w.user_id
        WHERE NOT r.cancelled AND w.user_id IN ($1, $2)`,
      [w.owner.id, plain.id],
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row.eligible).toBe(row.reasons.length === 0);
    expect(rows.some((row) => row.eligible)).toBe(true);
  });
});

describe("Worker.skipped (an idle feed's reasons)", () => {
  it("gives the owner the same counts as an empty pop", async () => {
    const w = await fussyWorker();
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "x", nsfw: true });
    await createRequest(ctx.t, requester.apiKey, { prompt: "y", models: ["Juggernaut XL"], nsfw: true });
    const r = await ctx.t.gql(WorkerDeclaredDocument, { id: w.id }, { apikey: w.owner.apiKey });
    expect(r.data!.worker!.skipped).toEqual({ ...ZERO, requests: 2, nsfw: 2, models: 1 });
  });

  it("explains an idle feed, which keeps the declaration's rules: an extra-slow feed waits for a request allowing it", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    await createRequest(ctx.t, requester.apiKey, { prompt: "in a hurry" });
    const name = `slow-feed-${owner.id}`;
    const input = { name, models: ["stable_diffusion"], extraSlowWorker: true };
    const feed = subscribe(ctx.t.ws(owner.apiKey), FEED, { input });
    const row = await waitFor(
      async () => (await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]))[0],
      "the feed's check-in",
    );
    const r = await ctx.t.gql(WorkerDeclaredDocument, { id: row.id }, { apikey: owner.apiKey });
    expect(r.data!.worker!.skipped).toEqual({ ...ZERO, requests: 1, extraSlowWorker: 1 });
    expect(feed.events).toHaveLength(0);

    const patient = await createRequest(ctx.t, requester.apiKey, { prompt: "patient", extraSlowWorkers: true });
    const event = await feed.next();
    const job = event.data!.imageJobAssigned;
    expect(job.prompt).toBe("patient");
    const [req] = await ctx.db.query<{ job_ttl: number }>("SELECT job_ttl FROM requests WHERE id = $1", [patient]);
    expect(job.ttl).toBe(3 * req!.job_ttl);
    feed.unsubscribe();
  });

  it("is null for anyone but the owner with their own key: another user, a moderator, anonymous, the owner's shared key", async () => {
    const w = await fussyWorker();
    const stranger = await seedUser(ctx.db);
    const moderator = await seedUser(ctx.db, { moderator: true });
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "family" } }, { apikey: w.owner.apiKey });
    const shared = made.data!.createSharedKey;
    if (shared.__typename !== "CreateSharedKeyPayload") throw new Error(JSON.stringify(made));
    for (const apikey of [stranger.apiKey, moderator.apiKey, undefined, shared.key]) {
      const r = await ctx.t.gql(WorkerDeclaredDocument, { id: w.id }, { apikey });
      expect(r.data!.worker!.id).toBe(w.id);
      expect(r.data!.worker!.skipped).toBeNull();
    }
  });
});
