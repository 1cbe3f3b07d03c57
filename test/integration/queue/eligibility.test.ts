import { beforeEach, describe, expect, it } from "vitest";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import { useTestApp } from "../../support/app.ts";
import { createRequest, outcome, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Every eligibility filter of the claim, one test each: a worker that must not get the job pops
 * first and gets nothing; a worker that may, pops next and gets it.
 */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
const PNG = makePng(64, 64).toString("base64");
const OPAQUE_PNG = makePng(64, 64, { alpha: false }).toString("base64");

interface Side {
  /** Pop input besides name (default: models stable_diffusion). */
  pop?: Record<string, unknown>;
  /** Owner options. */
  owner?: { trusted?: boolean };
  /** SQL run on the worker's row after it registered (`$1` is its id). */
  sql?: string;
}

let seq = 0;

/** Registers a worker (a pop on an empty queue) and applies its SQL tweak. */
async function worker(side: Side) {
  const owner = await seedUser(ctx.db, side.owner);
  const name = `elig-${++seq}-${owner.id}`;
  const input = { name, models: SD, ...side.pop };
  expect(outcome(await pop(ctx.t, owner.apiKey, input))).toBe("PopImageJobPayload");
  const [row] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
  if (side.sql) await ctx.db.query(side.sql, [row!.id]);
  return { id: row!.id, owner, input, pop: () => pop(ctx.t, owner.apiKey, input) };
}

/**
 * The contest: `bad` must not get the request's job, `good` must. `request` builds the request
 * input from the two workers' ids.
 */
async function contest(
  bad: Side,
  good: Side,
  request: (w: { bad: string; good: string }) => Record<string, unknown>,
  requester?: { apiKey: string },
) {
  const b = await worker(bad);
  const g = await worker(good);
  const who = requester ?? (await seedUser(ctx.db, { kudos: 1000 }));
  const id = await createRequest(ctx.t, who.apiKey, request({ bad: b.id, good: g.id }));
  const refused = await b.pop();
  expect(refused.jobs ?? []).toEqual([]);
  const taken = await g.pop();
  expect(taken.jobs).toHaveLength(1);
  expect(taken.jobs[0]!.requestId).toBe(id);
  const [job] = await ctx.db.query<{ worker_id: string }>("SELECT worker_id FROM jobs WHERE request_id = $1", [id]);
  expect(job!.worker_id).toBe(g.id);
  return { id, bad: b, good: g, refused };
}

describe("a worker only gets jobs it is eligible for", () => {
  it("models: only a worker serving one of the requested models", async () => {
    await contest({ pop: { models: SD } }, { pop: { models: ["Deliberate", "stable_diffusion"] } }, () => ({
      prompt: "models",
      models: ["Deliberate"],
    }));
  });

  it("a request naming no model goes to a worker serving any model", async () => {
    const w = await worker({ pop: { models: ["Dreamshaper"] } });
    const requester = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "any model" });
    const r = await w.pop();
    expect(r.jobs[0]).toMatchObject({ requestId: id, model: "Dreamshaper" });
  });

  it("maxPixels: only a worker whose max pixels cover the image", async () => {
    await contest({ pop: { maxPixels: 512 * 512 } }, { pop: { maxPixels: 1024 * 1024 } }, () => ({
      prompt: "big",
      params: { width: 1024, height: 1024, steps: 20 },
    }));
  });

  it("nsfw: an nsfw request only goes to a worker that accepts nsfw", async () => {
    await contest({ pop: { nsfw: false } }, { pop: { nsfw: true } }, () => ({ prompt: "nsfw", nsfw: true }));
  });

  it("blacklist: a worker skips prompts containing one of its words, whatever the case", async () => {
    await contest({ pop: { blacklist: ["cow", "Barn"] } }, { pop: { blacklist: ["cow"] } }, () => ({
      prompt: "a red BARN at dusk",
    }));
  });

  it("img2img: a source image needs a worker allowing img2img", async () => {
    await contest({ pop: { allowImg2img: false } }, { pop: {} }, () => ({
      prompt: "img2img",
      sourceImage: OPAQUE_PNG,
    }));
  });

  it("painting: inpainting needs a worker allowing painting", async () => {
    await contest({ pop: { allowPainting: false } }, { pop: { allowImg2img: false } }, () => ({
      prompt: "inpaint",
      sourceImage: PNG,
      sourceProcessing: "inpainting",
    }));
  });

  it("post-processing: a post-processed request needs a worker allowing post-processing", async () => {
    await contest({ pop: { allowPostProcessing: false } }, { pop: {} }, () => ({
      prompt: "faces",
      params: { postProcessing: ["GFPGAN"] },
    }));
  });

  it("ControlNet: a ControlNet request needs a worker allowing ControlNet", async () => {
    await contest({ pop: {} }, { pop: { allowControlnet: true } }, () => ({
      prompt: "edges",
      sourceImage: OPAQUE_PNG,
      params: { controlType: "canny" },
    }));
  });

  it("LoRA: a request with a LoRA needs a worker allowing LoRAs", async () => {
    await contest({ pop: {} }, { pop: { allowLora: true } }, () => ({
      prompt: "lora",
      params: { loras: [{ name: "12345" }] },
    }));
  });

  it("trustedWorkers: only a worker whose owner is trusted", async () => {
    await contest({ owner: { trusted: false } }, { owner: { trusted: true } }, () => ({
      prompt: "trusted only",
      trustedWorkers: true,
    }));
  });

  it("slowWorkers=false: a worker slower than 0.5 megapixelsteps/s is left out", async () => {
    await contest(
      { sql: "UPDATE workers SET speed = 100000 WHERE id = $1" },
      { sql: "UPDATE workers SET speed = 2000000 WHERE id = $1" },
      () => ({ prompt: "hurry", slowWorkers: false }),
    );
  });

  it("slowWorkers=true (the default) lets a slow worker take it", async () => {
    const w = await worker({ sql: "UPDATE workers SET speed = 100000 WHERE id = $1" });
    const requester = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "no rush" });
    expect((await w.pop()).jobs[0]!.requestId).toBe(id);
  });

  it("worker allow list: only a listed worker", async () => {
    await contest({}, {}, (w) => ({ prompt: "only you", workers: [w.good] }));
  });

  it("worker deny list (workerBlacklist): any worker but the listed ones", async () => {
    await contest({}, {}, (w) => ({ prompt: "anyone but you", workers: [w.bad], workerBlacklist: true }));
  });

  it("maintenance: a worker in maintenance only serves its owner's requests", async () => {
    const { bad } = await contest({ sql: "UPDATE workers SET maintenance = true WHERE id = $1" }, {}, () => ({
      prompt: "stranger's request",
    }));
    // with nothing for it, the worker in maintenance is told so
    expect(outcome(await bad.pop())).toBe("WorkerMaintenance");
    const own = await createRequest(ctx.t, bad.owner.apiKey, { prompt: "my own request" });
    const r = await bad.pop();
    expect(r.jobs[0]!.requestId).toBe(own);
  });

  it("paused: a paused worker gets no job", async () => {
    await contest({ sql: "UPDATE workers SET paused = true WHERE id = $1" }, {}, () => ({ prompt: "paused?" }));
  });
});
