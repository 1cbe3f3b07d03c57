import { beforeEach, describe, expect, it } from "vitest";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import { CreateImageRequestFieldDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { createRequest, outcome, pop, resetQueue, STATUS, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/** Admission through the API: refusals name their field; images are decoded, not sniffed. */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

const CREATE_FIELD = CreateImageRequestFieldDocument;

async function create(input: Record<string, unknown>) {
  const r = await ctx.t.gql(CREATE_FIELD, { input: { prompt: "a lighthouse", ...input } });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  const p = r.data.createImageRequest;
  return p.__typename === "ValidationError" ? `${p.code} @ ${p.field}` : outcome(p);
}

describe("ValidationError.field", () => {
  it("names the input field of every validation refusal", async () => {
    expect(await create({ prompt: "" })).toBe("MissingPrompt @ prompt");
    expect(await create({ params: { width: 500 } })).toBe("InvalidSize @ params.width");
    expect(await create({ params: { steps: 9999 } })).toBe("TooManySteps @ params.steps");
    expect(await create({ models: [" no such model"] })).toBe("InvalidModelName @ models");
    expect(await create({ params: { loras: [{ name: "1", clip: 99 }] } })).toBe("InvalidLora @ params.loras.0.clip");
    expect(await create({ workers: ["not-a-worker"] })).toBe("WorkerNotFound @ workers");
  });
});

describe("unbounded lists and strings", () => {
  it("refuses a seed over 256 characters", async () => {
    expect(await create({ params: { seed: "7".repeat(256) } })).toBe("CreateImageRequestPayload");
    expect(await create({ params: { seed: "7".repeat(257) } })).toBe("InvalidSeed @ params.seed");
  });

  it("refuses duplicate and overlong postProcessing, models and LoRA lists", async () => {
    expect(await create({ params: { postProcessing: Array(1000).fill("GFPGAN") } })).toBe(
      "TooManyPostProcessors @ params.postProcessing",
    );
    expect(await create({ params: { postProcessing: ["GFPGAN", "GFPGAN"] } })).toBe(
      "DuplicatePostProcessor @ params.postProcessing",
    );
    expect(await create({ models: Array(1000).fill("stable_diffusion") })).toBe("TooManyModels @ models");
    expect(await create({ models: ["stable_diffusion", "stable_diffusion"] })).toBe("DuplicateModel @ models");
    expect(await create({ params: { loras: [{ name: "7" }, { name: "7" }] } })).toBe(
      "DuplicateLora @ params.loras.1.name",
    );
  });
});

describe("source images are decoded", () => {
  it("refuses a 33-byte PNG header as a source image", async () => {
    const header = makePng(64, 64).subarray(0, 33).toString("base64");
    expect(await create({ sourceImage: header })).toBe("InvalidSourceImage @ sourceImage");
  });

  it("refuses a mask that is a PNG followed by HTML", async () => {
    const html = Buffer.concat([makePng(64, 64), Buffer.from("<html><script>alert(1)</script></html>")]);
    const sourceImage = makePng(64, 64).toString("base64");
    expect(await create({ sourceImage, sourceMask: html.toString("base64") })).toBe("InvalidSourceMask @ sourceMask");
  });

  it("accepts a real image", async () => {
    expect(await create({ sourceImage: makePng(128, 64).toString("base64") })).toBe("CreateImageRequestPayload");
  });
});

describe("submitted images are decoded", () => {
  it("refuses PNG bytes followed by HTML and stores nothing; the job can still be submitted", async () => {
    const requester = await seedUser(ctx.db);
    const owner = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "polyglot" });
    const [job] = (await pop(ctx.t, owner.apiKey, { name: "decoder", models: ["stable_diffusion"] })).jobs;
    const polyglot = Buffer.concat([makePng(64, 64), Buffer.from("<html><body>not an image</body></html>")]);
    const refused = await submit(ctx.t, owner.apiKey, { id: job!.id, image: polyglot.toString("base64") });
    expect(outcome(refused)).toBe("InvalidImage");
    const truncated = makePng(64, 64).subarray(0, 33).toString("base64");
    expect(outcome(await submit(ctx.t, owner.apiKey, { id: job!.id, image: truncated }))).toBe("InvalidImage");
    expect(outcome(await submit(ctx.t, owner.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
    const status = (await ctx.t.gql(STATUS, { id })).data.imageRequest;
    expect(status!.finished).toBe(1);
    const res = await fetch(status!.generations[0]!.imageUrl);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.includes(Buffer.from("<html"))).toBe(false);
    expect(body.equals(makePng(64, 64))).toBe(true);
  });
});
