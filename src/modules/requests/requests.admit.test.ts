import { describe, expect, it } from "vitest";
import { BUNDLED_MODELS, indexModels } from "../models/models.rules.ts";
import { type AdmissionContext, admitImageRequest } from "./requests.admit.ts";
import { decodeRequestImages } from "./requests.images.ts";
import type { CreateImageRequestInput } from "./requests.rules.ts";
import { makePng } from "./test-images.ts";

const W = "0b0c3a52-8a8e-4c47-9d55-0c1f8a3c1e01";
const png = makePng(64, 64).toString("base64");
const opaque = makePng(64, 64, { alpha: false }).toString("base64");

async function admit(input: Partial<CreateImageRequestInput>, ctx: Partial<AdmissionContext> = {}) {
  const full = { prompt: "a lighthouse at dusk", ...input };
  return admitImageRequest(full, {
    models: indexModels(BUNDLED_MODELS),
    limits: { maxPromptWords: 7500 },
    images: await decodeRequestImages(full),
    knownWorkers: new Set([W]),
    capacity: { activeThreads: 0, queuedRequests: 0 },
    balance: 0,
    anonymous: false,
    ...ctx,
  });
}

async function refusal(input: Partial<CreateImageRequestInput>, ctx: Partial<AdmissionContext> = {}) {
  const r = await admit(input, ctx);
  return r.ok ? "admitted" : `${r.code} @ ${r.field}`;
}

describe("every validation refusal names its input field", () => {
  const lora = (over: Record<string, unknown>) => ({ params: { loras: [{ name: "1" }, { name: "2", ...over }] } });
  const cases: [Partial<CreateImageRequestInput>, string][] = [
    [{ prompt: " " }, "MissingPrompt @ prompt"],
    [{ prompt: "x".repeat(100_001) }, "InvalidPromptSize @ prompt"],
    [{ params: { width: 500 } }, "InvalidSize @ params.width"],
    [{ params: { height: 4096 } }, "InvalidSize @ params.height"],
    [{ params: { n: 21 } }, "InvalidAmount @ params.n"],
    [{ params: { steps: 0 } }, "TooFewSteps @ params.steps"],
    [{ params: { steps: 501 } }, "TooManySteps @ params.steps"],
    [{ params: { steps: 1.5 } }, "InvalidSteps @ params.steps"],
    [{ params: { cfgScale: 7.555 } }, "InvalidCfgScale @ params.cfgScale"],
    [{ params: { denoisingStrength: 0 } }, "InvalidDenoisingStrength @ params.denoisingStrength"],
    [{ params: { clipSkip: 13 } }, "InvalidClipSkip @ params.clipSkip"],
    [{ params: { samplerName: "nope" } }, "UnknownSampler @ params.samplerName"],
    [{ params: { seed: "9".repeat(257) } }, "InvalidSeed @ params.seed"],
    [{ params: { postProcessing: ["nope"] } }, "UnknownPostProcessor @ params.postProcessing"],
    [{ params: { postProcessing: ["GFPGAN", "GFPGAN"] } }, "DuplicatePostProcessor @ params.postProcessing"],
    [{ params: { postProcessing: Array(1000).fill("GFPGAN") } }, "TooManyPostProcessors @ params.postProcessing"],
    [
      { params: { postProcessing: ["RealESRGAN_x4plus", "RealESRGAN_x2plus"] } },
      "TooManyUpscalers @ params.postProcessing",
    ],
    [{ params: { loras: Array(6).fill({ name: "1" }) } }, "TooManyLoras @ params.loras"],
    [lora({ name: " " }), "InvalidLora @ params.loras.1.name"],
    [lora({ clip: 9 }), "InvalidLora @ params.loras.1.clip"],
    [lora({ model: -9 }), "InvalidLora @ params.loras.1.model"],
    [lora({ name: "1" }), "DuplicateLora @ params.loras.1.name"],
    [{ models: [" nope"] }, "InvalidModelName @ models"],
    [{ models: ["GFPGAN"] }, "UnexpectedModelName @ models"],
    [{ models: ["Deliberate", "Deliberate"] }, "DuplicateModel @ models"],
    [{ models: Array(1000).fill("Deliberate") }, "TooManyModels @ models"],
    [{ workers: [W, W] }, "DuplicateWorker @ workers"],
    [{ workers: Array(6).fill(W) }, "TooManyWorkers @ workers"],
    [{ workers: ["0b0c3a52-8a8e-4c47-9d55-0c1f8a3c1e02"] }, "WorkerNotFound @ workers"],
    [{ workers: ["w1"] }, "WorkerNotFound @ workers"],
    [{ sourceMask: png }, "SourceMaskUnnecessary @ sourceMask"],
    [{ sourceImage: png, sourceProcessing: "remix" }, "InvalidSourceProcessing @ sourceProcessing"],
    [{ sourceImage: "%%%" }, "InvalidSourceImage @ sourceImage"],
    [{ sourceImage: makePng(64, 64).subarray(0, 33).toString("base64") }, "InvalidSourceImage @ sourceImage"],
    [{ sourceImage: makePng(3136, 8).toString("base64") }, "SourceImageTooLarge @ sourceImage"],
    [{ sourceImage: png, sourceMask: "AAAA" }, "InvalidSourceMask @ sourceMask"],
    [{ sourceImage: opaque, sourceProcessing: "inpainting" }, "InvalidSourceImage @ sourceImage"],
    [{ params: { controlType: "nope" }, sourceImage: png }, "InvalidControlType @ params.controlType"],
    [{ params: { controlType: "canny" } }, "ControlNetSourceMissing @ params.controlType"],
    [{ params: { hiresFix: true }, models: ["Flux.1-Schnell fp8 (Compact)"] }, "HiResFixMismatch @ params.hiresFix"],
  ];
  it.each(cases)("%j → %s", async (input, expected) => {
    expect(await refusal(input)).toBe(expected);
  });
});

describe("seed, duplicates and list caps", () => {
  it("takes a seed of up to 256 characters", async () => {
    expect(await refusal({ params: { seed: "9".repeat(256) } })).toBe("admitted");
  });

  it("takes distinct post-processors, models and LoRAs (a version id and a name may share digits)", async () => {
    expect(await refusal({ params: { postProcessing: ["GFPGAN", "strip_background", "RealESRGAN_x4plus"] } })).toBe(
      "admitted",
    );
    expect(await refusal({ models: ["Deliberate", "stable_diffusion"] })).toBe("admitted");
    expect(await refusal({ params: { loras: [{ name: "1" }, { name: "1", isVersion: true }] } })).toBe("admitted");
  });

  it("lets the prompt hold newlines and tabs", async () => {
    const r = await admit({ prompt: "line one\n\tline two" });
    expect(r.ok && r.request.prompt).toBe("line one\n\tline two");
  });
});

describe("the upfront decision", () => {
  const long = { params: { steps: 50 } };

  it("prices once and says why kudos are needed upfront", async () => {
    const r = await admit(long, { balance: 100 });
    expect(r).toMatchObject({ ok: true, upfront: expect.stringMatching(/over 40 steps/) });
    expect(r.ok && r.price).toEqual({ job: 1083, perJob: 1083, tax: 300, total: 1383 });
  });

  it("downgrades for a requester who cannot hold the price, when allowed", async () => {
    const r = await admit({ ...long, allowDowngrade: true }, { balance: 13.82 });
    expect(r.ok && r.request.params.steps).toBe(30);
    expect(r.ok && r.upfront).toBeNull();
    expect(r.ok && r.warnings[0]).toMatch(/^Downgraded: /);
  });

  it("does not downgrade one who can hold it", async () => {
    const r = await admit({ ...long, allowDowngrade: true }, { balance: 13.83 });
    expect(r.ok && r.request.params.steps).toBe(50);
    expect(r.ok && r.upfront).not.toBeNull();
  });

  it("refuses Anonymous (no balance) with KudosUpfront, except on a dry run", async () => {
    expect(await admit(long, { balance: null })).toMatchObject({ ok: false, kind: "kudos", code: "KudosUpfront" });
    expect(await admit({ ...long, dryRun: true }, { balance: null })).toMatchObject({ ok: true });
  });
});
