import { describe, expect, it } from "vitest";
import { BUNDLED_MODELS, indexModels } from "../models/models.rules.ts";
import { decodeRequestImages } from "./requests.images.ts";
import {
  accurateSteps,
  downgradeImageRequest,
  freeMaxResolution,
  hordeTaxCents,
  imageJobCents,
  needsUpfrontKudos,
  type PricingInput,
  priceRequest,
  pricingInputOf,
} from "./requests.pricing.ts";
import type {
  CreateImageRequestInput,
  ImageParamsInput,
  NormalizedImageRequest,
  RuleResult,
} from "./requests.rules.ts";
import { countWords, validateImageRequest } from "./requests.validate.ts";
import { makeJpeg, makePng, makeWebp } from "./test-images.ts";

const models = indexModels(BUNDLED_MODELS);

const b64 = (buf: Buffer) => buf.toString("base64");
const W1 = "0b0c3a52-8a8e-4c47-9d55-0c1f8a3c1e01";
const uuid = (i: number) => `0b0c3a52-8a8e-4c47-9d55-0c1f8a3c1e${String(i).padStart(2, "0")}`;
const png = b64(makePng(64, 64));

/** Validates as the service does: images decoded first; every listed worker taken to exist. */
async function validate(
  input: Partial<CreateImageRequestInput> = {},
  params: ImageParamsInput = {},
): Promise<RuleResult<NormalizedImageRequest>> {
  const full = { prompt: "a lighthouse at dusk", params, ...input };
  const ctx = {
    models,
    limits: { maxPromptWords: 7500 },
    images: await decodeRequestImages(full),
    knownWorkers: new Set(full.workers ?? []),
  };
  const result = validateImageRequest(full, ctx);
  return result.ok ? { ...result, value: result.value.request } : result;
}

function codeOf(result: RuleResult<unknown>): string {
  return result.ok ? "ok" : result.code;
}

async function accepted(input: Partial<CreateImageRequestInput> = {}, params: ImageParamsInput = {}) {
  const result = await validate(input, params);
  if (!result.ok) throw new Error(`expected acceptance, got ${result.code}: ${result.message}`);
  return result;
}

describe("validateImageRequest defaults", () => {
  it("applies the contract defaults to a bare prompt", async () => {
    const { value, warnings } = await accepted();
    expect(warnings).toEqual([]);
    expect(value.params).toEqual({
      width: 512,
      height: 512,
      steps: 30,
      n: 1,
      samplerName: "k_euler_a",
      cfgScale: 7.5,
      seed: null,
      denoisingStrength: null,
      postProcessing: [],
      karras: false,
      hiresFix: false,
      clipSkip: 1,
      loras: [],
      controlType: null,
      returnControlMap: false,
      tiling: false,
    });
    expect(value).toMatchObject({
      models: [],
      nsfw: false,
      trustedWorkers: false,
      slowWorkers: true,
      workers: [],
      workerBlacklist: false,
      sourceImage: null,
      sourceProcessing: null,
      sourceMask: null,
      shared: false,
      dryRun: false,
      allowDowngrade: false,
    });
  });

  it("treats null fields like omitted ones", async () => {
    const { value } = await accepted(
      { models: null, nsfw: null, slowWorkers: null, workers: null },
      { width: null, steps: null, cfgScale: null, loras: null, postProcessing: null },
    );
    expect(value.params.width).toBe(512);
    expect(value.params.steps).toBe(30);
    expect(value.params.cfgScale).toBe(7.5);
    expect(value.slowWorkers).toBe(true);
  });

  it("keeps explicit values", async () => {
    const { value } = await accepted(
      {
        nsfw: true,
        slowWorkers: false,
        shared: true,
        dryRun: true,
        allowDowngrade: true,
        workers: [W1],
        workerBlacklist: true,
      },
      { width: 768, height: 1024, steps: 40, n: 3, seed: "42", karras: true, tiling: true, denoisingStrength: 0.5 },
    );
    expect(value.params).toMatchObject({
      width: 768,
      height: 1024,
      steps: 40,
      n: 3,
      seed: "42",
      karras: true,
      tiling: true,
      denoisingStrength: 0.5,
    });
    expect(value).toMatchObject({
      nsfw: true,
      slowWorkers: false,
      shared: true,
      dryRun: true,
      allowDowngrade: true,
      workers: [W1],
      workerBlacklist: true,
    });
  });

  it("defaults ControlNet requests to 20 steps and caps them at 40 silently", async () => {
    const src = { sourceImage: png };
    expect((await accepted(src, { controlType: "canny" })).value.params.steps).toBe(20);
    const capped = await accepted(src, { controlType: "canny", steps: 80 });
    expect(capped.value.params.steps).toBe(40);
    expect(capped.warnings).toEqual([]);
  });

  it("fills LoRA strengths with 1 and trims names", async () => {
    const { value } = await accepted(
      {},
      { loras: [{ name: " 12345 " }, { name: "678", isVersion: true, model: 0.5, clip: -1 }] },
    );
    expect(value.params.loras).toEqual([
      { name: "12345", model: 1, clip: 1, isVersion: false },
      { name: "678", model: 0.5, clip: -1, isVersion: true },
    ]);
  });

  it("keeps models and post-processors in their order", async () => {
    const { value } = await accepted(
      { models: ["Deliberate", "stable_diffusion"] },
      { postProcessing: ["GFPGAN", "strip_background"] },
    );
    expect(value.models).toEqual(["Deliberate", "stable_diffusion"]);
    expect(value.params.postProcessing).toEqual(["GFPGAN", "strip_background"]);
  });

  it("drops returnControlMap without a controlType", async () => {
    expect((await accepted({}, { returnControlMap: true })).value.params.returnControlMap).toBe(false);
  });

  it("treats an empty controlType as none", async () => {
    expect((await accepted({}, { controlType: "" })).value.params.controlType).toBeNull();
  });
});

describe("validateImageRequest rejections", () => {
  it("rejects an empty or blank prompt with MissingPrompt", async () => {
    expect(codeOf(await validate({ prompt: "" }))).toBe("MissingPrompt");
    expect(codeOf(await validate({ prompt: "  \n\t" }))).toBe("MissingPrompt");
  });

  it("rejects a prompt over the word limit with InvalidPromptSize", async () => {
    const small = {
      models,
      limits: { maxPromptWords: 3 },
      images: await decodeRequestImages({}),
      knownWorkers: new Set<string>(),
    };
    expect(codeOf(validateImageRequest({ prompt: "one two three" }, small))).toBe("ok");
    expect(codeOf(validateImageRequest({ prompt: "one two three four" }, small))).toBe("InvalidPromptSize");
  });

  it("rejects a prompt over 100000 characters with InvalidPromptSize", async () => {
    expect(codeOf(await validate({ prompt: "x".repeat(100_000) }))).toBe("ok");
    expect(codeOf(await validate({ prompt: "x".repeat(100_001) }))).toBe("InvalidPromptSize");
  });

  it("rejects sizes that are not multiples of 64 in 64..3072 with InvalidSize", async () => {
    expect(codeOf(await validate({}, { width: 500 }))).toBe("InvalidSize");
    expect(codeOf(await validate({}, { height: 3136 }))).toBe("InvalidSize");
    expect(codeOf(await validate({}, { width: 0 }))).toBe("InvalidSize");
    expect(codeOf(await validate({}, { width: 64, height: 3072 }))).toBe("ok");
  });

  it("rejects step counts outside 1..500", async () => {
    expect(codeOf(await validate({}, { steps: 0 }))).toBe("TooFewSteps");
    expect(codeOf(await validate({}, { steps: 501 }))).toBe("TooManySteps");
    expect(codeOf(await validate({}, { steps: 12.5 }))).toBe("InvalidSteps");
    expect(codeOf(await validate({}, { steps: 500 }))).toBe("ok");
  });

  it("rejects n outside 1..20 with InvalidAmount", async () => {
    expect(codeOf(await validate({}, { n: 0 }))).toBe("InvalidAmount");
    expect(codeOf(await validate({}, { n: 21 }))).toBe("InvalidAmount");
    expect(codeOf(await validate({}, { n: 20 }))).toBe("ok");
  });

  it("rejects cfg scales outside 0..100 or with more than 2 decimals", async () => {
    expect(codeOf(await validate({}, { cfgScale: -1 }))).toBe("InvalidCfgScale");
    expect(codeOf(await validate({}, { cfgScale: 100.5 }))).toBe("InvalidCfgScale");
    expect(codeOf(await validate({}, { cfgScale: 7.555 }))).toBe("InvalidCfgScale");
    expect(codeOf(await validate({}, { cfgScale: 7.55 }))).toBe("ok");
    expect(codeOf(await validate({}, { cfgScale: 0 }))).toBe("ok");
  });

  it("rejects denoising strength outside 0.01..1", async () => {
    expect(codeOf(await validate({}, { denoisingStrength: 0 }))).toBe("InvalidDenoisingStrength");
    expect(codeOf(await validate({}, { denoisingStrength: 1.01 }))).toBe("InvalidDenoisingStrength");
    expect(codeOf(await validate({}, { denoisingStrength: 0.01 }))).toBe("ok");
  });

  it("rejects clip skip outside 1..12", async () => {
    expect(codeOf(await validate({}, { clipSkip: 0 }))).toBe("InvalidClipSkip");
    expect(codeOf(await validate({}, { clipSkip: 13 }))).toBe("InvalidClipSkip");
    expect(codeOf(await validate({}, { clipSkip: 12 }))).toBe("ok");
  });

  it("rejects a sampler outside the known 14 with UnknownSampler", async () => {
    expect(codeOf(await validate({}, { samplerName: "k_magic" }))).toBe("UnknownSampler");
    expect(codeOf(await validate({}, { samplerName: "DDIM" }))).toBe("ok");
  });

  it("rejects unknown post-processors and more than one upscaler", async () => {
    expect(codeOf(await validate({}, { postProcessing: ["Sharpen9000"] }))).toBe("UnknownPostProcessor");
    expect(codeOf(await validate({}, { postProcessing: ["RealESRGAN_x4plus", "NMKD_Siax"] }))).toBe("TooManyUpscalers");
    expect(codeOf(await validate({}, { postProcessing: ["RealESRGAN_x4plus", "GFPGAN", "strip_background"] }))).toBe(
      "ok",
    );
  });

  it("rejects more than 5 LoRAs with TooManyLoras", async () => {
    const lora = (i: number) => ({ name: String(i) });
    expect(codeOf(await validate({}, { loras: [1, 2, 3, 4, 5].map(lora) }))).toBe("ok");
    expect(codeOf(await validate({}, { loras: [1, 2, 3, 4, 5, 6].map(lora) }))).toBe("TooManyLoras");
  });

  it("rejects malformed LoRAs with InvalidLora", async () => {
    expect(codeOf(await validate({}, { loras: [{ name: "detail-tweaker", isVersion: true }] }))).toBe("InvalidLora");
    expect(codeOf(await validate({}, { loras: [{ name: "x", model: 5.5 }] }))).toBe("InvalidLora");
    expect(codeOf(await validate({}, { loras: [{ name: "x", clip: -5.5 }] }))).toBe("InvalidLora");
    expect(codeOf(await validate({}, { loras: [{ name: "  " }] }))).toBe("InvalidLora");
    expect(codeOf(await validate({}, { loras: [{ name: "x", model: -5, clip: 5 }] }))).toBe("ok");
  });

  it("rejects a post-processor given as a model with UnexpectedModelName", async () => {
    expect(codeOf(await validate({ models: ["GFPGAN"] }))).toBe("UnexpectedModelName");
  });

  it("rejects a model missing from the reference with UnknownModel", async () => {
    const result = await validate({ models: ["stable_diffusion", "Nonexistent Diffusion"] });
    expect(codeOf(result)).toBe("UnknownModel");
    expect(result.ok ? "" : result.message).toContain("Nonexistent Diffusion");
  });

  it("rejects more than 5 workers and duplicate workers", async () => {
    const six = [1, 2, 3, 4, 5, 6].map(uuid);
    expect(codeOf(await validate({ workers: six }))).toBe("TooManyWorkers");
    expect(codeOf(await validate({ workers: [W1, W1] }))).toBe("DuplicateWorker");
    expect(codeOf(await validate({ workers: six.slice(0, 5) }))).toBe("ok");
  });

  it("rejects a mask without a source image with SourceMaskUnnecessary", async () => {
    expect(codeOf(await validate({ sourceMask: png }))).toBe("SourceMaskUnnecessary");
  });

  it("rejects an unknown source processing with InvalidSourceProcessing", async () => {
    expect(codeOf(await validate({ sourceImage: png, sourceProcessing: "remix" }))).toBe("InvalidSourceProcessing");
  });

  it("rejects a source image that is not base64 or not a readable image", async () => {
    expect(codeOf(await validate({ sourceImage: "not base64!" }))).toBe("InvalidSourceImage");
    expect(codeOf(await validate({ sourceImage: b64(Buffer.from("hello, this is not an image")) }))).toBe(
      "InvalidSourceImage",
    );
    expect(codeOf(await validate({ sourceImage: "A" }))).toBe("InvalidSourceImage");
  });

  it("rejects a source image above 3072 pixels a side or 10 MB", async () => {
    expect(codeOf(await validate({ sourceImage: b64(makePng(3136, 8)) }))).toBe("SourceImageTooLarge");
    expect(codeOf(await validate({ sourceImage: b64(makePng(8, 3136)) }))).toBe("SourceImageTooLarge");
    expect(codeOf(await validate({ sourceImage: "A".repeat(14_000_000) }))).toBe("SourceImageTooLarge");
  });

  it("rejects an unreadable mask with InvalidSourceMask", async () => {
    expect(codeOf(await validate({ sourceImage: png, sourceMask: "@@@" }))).toBe("InvalidSourceMask");
    expect(codeOf(await validate({ sourceImage: png, sourceMask: b64(makePng(4000, 4)) }))).toBe("SourceImageTooLarge");
  });

  it("rejects maskless inpainting of an image that cannot carry alpha with InvalidSourceImage", async () => {
    const jpeg = b64(makeJpeg(512, 512));
    const jpegResult = await validate({ sourceImage: jpeg, sourceProcessing: "inpainting" });
    expect(codeOf(jpegResult)).toBe("InvalidSourceImage");
    expect(jpegResult.ok ? "" : jpegResult.message).toMatch(/alpha/);
    expect(
      codeOf(await validate({ sourceImage: b64(makePng(64, 64, { alpha: false })), sourceProcessing: "inpainting" })),
    ).toBe("InvalidSourceImage");
    expect(codeOf(await validate({ sourceImage: png, sourceProcessing: "inpainting" }))).toBe("ok");
    expect(codeOf(await validate({ sourceImage: jpeg, sourceProcessing: "inpainting", sourceMask: png }))).toBe("ok");
    expect(codeOf(await validate({ sourceImage: jpeg, sourceProcessing: "img2img" }))).toBe("ok");
  });

  it("rejects an unknown ControlNet type with InvalidControlType", async () => {
    expect(codeOf(await validate({ sourceImage: png }, { controlType: "xray" }))).toBe("InvalidControlType");
  });

  it("rejects ControlNet without a source image with ControlNetSourceMissing", async () => {
    expect(codeOf(await validate({}, { controlType: "canny" }))).toBe("ControlNetSourceMissing");
  });

  it("rejects ControlNet with inpainting with ControlNetInpaintingMismatch", async () => {
    expect(codeOf(await validate({ sourceImage: png, sourceProcessing: "inpainting" }, { controlType: "depth" }))).toBe(
      "ControlNetInpaintingMismatch",
    );
  });

  it("rejects ControlNet on baselines without ControlNet with ControlNetMismatch", async () => {
    for (const model of ["SDXL 1.0", "Stable Cascade 1.0", "Flux.1-Dev fp8", "Qwen-Image", "Z-Image-Turbo"]) {
      expect(codeOf(await validate({ sourceImage: png, models: [model] }, { controlType: "canny" })), model).toBe(
        "ControlNetMismatch",
      );
    }
    expect(codeOf(await validate({ sourceImage: png, models: ["stable_diffusion"] }, { controlType: "canny" }))).toBe(
      "ok",
    );
  });

  it("rejects normal and hough ControlNet on SD2 with ControlNetMismatch", async () => {
    const sd2 = { sourceImage: png, models: ["stable_diffusion_2.1"] };
    expect(codeOf(await validate(sd2, { controlType: "normal" }))).toBe("ControlNetMismatch");
    expect(codeOf(await validate(sd2, { controlType: "hough" }))).toBe("ControlNetMismatch");
    expect(codeOf(await validate(sd2, { controlType: "canny" }))).toBe("ok");
  });

  it("rejects hires fix on Flux, Qwen and Z-Image with HiResFixMismatch", async () => {
    for (const model of ["Flux.1-Schnell fp8 (Compact)", "Qwen-Image", "Z-Image-Turbo"]) {
      expect(codeOf(await validate({ models: [model] }, { hiresFix: true })), model).toBe("HiResFixMismatch");
    }
    expect(codeOf(await validate({ models: ["SDXL 1.0"] }, { hiresFix: true }))).toBe("ok");
  });

  it("reports the first violation when several apply", async () => {
    expect(codeOf(await validate({ prompt: " " }, { width: 1, steps: 0 }))).toBe("MissingPrompt");
    expect(codeOf(await validate({}, { width: 1, steps: 0 }))).toBe("InvalidSize");
  });
});

describe("validateImageRequest source images", () => {
  it("defaults source processing to img2img and decodes the image header", async () => {
    const { value } = await accepted({ sourceImage: b64(makePng(640, 320)) });
    expect(value.sourceProcessing).toBe("img2img");
    expect(value.sourceImage).toMatchObject({ format: "png", width: 640, height: 320, hasAlpha: true });
    expect(value.sourceImage?.bytes.equals(makePng(640, 320))).toBe(true);
  });

  it("accepts a data URL, but not base64 with line breaks (one strict decoder)", async () => {
    const body = b64(makePng(64, 64));
    expect((await accepted({ sourceImage: `data:image/png;base64,${body}` })).value.sourceImage?.width).toBe(64);
    expect(codeOf(await validate({ sourceImage: body.replace(/(.{20})/g, "$1\n") }))).toBe("InvalidSourceImage");
  });

  it("keeps the mask and the requested processing", async () => {
    const { value } = await accepted({
      sourceImage: png,
      sourceMask: b64(makeWebp(64, 64)),
      sourceProcessing: "outpainting",
    });
    expect(value.sourceProcessing).toBe("outpainting");
    expect(value.sourceMask).toMatchObject({ format: "webp", width: 64, height: 64 });
  });

  it("warns and ignores source processing without a source image", async () => {
    const { value, warnings } = await accepted({ sourceProcessing: "inpainting" });
    expect(value.sourceProcessing).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/^SourceProcessingIgnored: /)]);
  });
});

describe("validateImageRequest model requirement warnings", () => {
  it("warns, without rejecting, about every requirement a request misses", async () => {
    const { warnings } = await accepted({ models: ["Flux.1-Schnell fp8 (Compact)"] });
    expect(warnings.map((w) => w.split(":")[0])).toEqual(["StepsTooMany", "CfgScaleMismatch", "SamplerMismatch"]);
  });

  it("warns about too few steps, clip skip and cfg bounds", async () => {
    expect((await accepted({ models: ["Juggernaut XL"] }, { steps: 10 })).warnings[0]).toMatch(
      /^StepsTooFew: .*Juggernaut XL/,
    );
    expect((await accepted({ models: ["Pony Diffusion XL"] })).warnings[0]).toMatch(/^ClipSkipMismatch: /);
    expect((await accepted({ models: ["Pony Diffusion XL"] }, { clipSkip: 2 })).warnings).toEqual([]);
    expect((await accepted({ models: ["Animagine XL"] }, { cfgScale: 3 })).warnings[0]).toMatch(/^CfgScaleTooSmall: /);
    expect((await accepted({ models: ["Animagine XL"] }, { cfgScale: 9 })).warnings[0]).toMatch(/^CfgScaleTooLarge: /);
  });

  it("is silent when the request meets the requirements", async () => {
    const schnell = { steps: 4, cfgScale: 1, samplerName: "k_euler" };
    expect((await accepted({ models: ["Flux.1-Schnell fp8 (Compact)"] }, schnell)).warnings).toEqual([]);
  });
});

describe("countWords and accurateSteps", () => {
  it("counts whitespace-separated words", async () => {
    expect(countWords("  a  b\nc\t")).toBe(3);
    expect(countWords("   ")).toBe(0);
  });

  it("doubles steps for second-order samplers and fixes the adaptive sampler at 40", async () => {
    expect(accurateSteps("k_euler", 25)).toBe(25);
    for (const s of ["k_heun", "k_dpm_2", "k_dpm_2_a", "k_dpmpp_2s_a", "k_dpmpp_sde"]) {
      expect(accurateSteps(s, 25), s).toBe(50);
    }
    expect(accurateSteps("k_dpm_adaptive", 5)).toBe(40);
  });
});

// The pricing functions work in cents; these adapters keep the figures below in kudos.
const imageJobKudos = (p: PricingInput) => imageJobCents(p) / 100;
function imageRequestKudos(p: PricingInput & { baselineMultiplier?: number }) {
  const price = priceRequest(p, p.baselineMultiplier ?? 1);
  return { perJob: price.perJob / 100, tax: price.tax / 100, total: price.total / 100 };
}
const hordeTax = (perJob: number, shared: boolean) => hordeTaxCents(Math.round(perJob * 100), shared) / 100;

describe("pricing", () => {
  const basis: PricingInput = {
    width: 512,
    height: 512,
    steps: 50,
    samplerName: "k_euler_a",
    denoisingStrength: null,
    hasSourceImage: false,
    postProcessing: [],
    controlType: null,
    loras: 0,
    prompt: "a lighthouse at dusk",
    n: 1,
    shared: false,
  };

  it("prices 512x512 at 50 steps at 10.83 per image", async () => {
    expect(imageJobKudos(basis)).toBe(10.83);
  });

  it("prices 1024x1024 at 50 steps at 60.06 per image", async () => {
    expect(imageJobKudos({ ...basis, width: 1024, height: 1024 })).toBe(60.06);
  });

  it("prices 2048x2048 at 50 steps at about 619 per image (exactly 619.11)", async () => {
    const kudos = imageJobKudos({ ...basis, width: 2048, height: 2048 });
    expect(Math.abs(kudos - 619)).toBeLessThanOrEqual(1);
    expect(kudos).toBe(619.11);
  });

  it("prices tiny images by steps alone", async () => {
    expect(imageJobKudos({ ...basis, width: 64, height: 64, steps: 10 })).toBe(1.23);
  });

  it("multiplies by 1.2 per post-processor, compounding, and 1.3 more for heavy ones", async () => {
    expect(imageJobKudos({ ...basis, postProcessing: ["GFPGAN"] })).toBe(12.99);
    expect(imageJobKudos({ ...basis, postProcessing: ["GFPGAN", "strip_background"] })).toBe(15.59);
    expect(imageJobKudos({ ...basis, postProcessing: ["GFPGAN", "RealESRGAN_x4plus"] })).toBe(20.27);
    expect(imageJobKudos({ ...basis, postProcessing: ["CodeFormers"] })).toBe(16.89);
  });

  it("triples with ControlNet", async () => {
    expect(imageJobKudos({ ...basis, controlType: "canny" })).toBe(32.48);
  });

  it("charges 1.5x for a source image and scales img2img steps by the denoising strength", async () => {
    expect(imageJobKudos({ ...basis, hasSourceImage: true })).toBe(16.24);
    expect(imageJobKudos({ ...basis, hasSourceImage: true, denoisingStrength: 0.5 })).toBe(8.12);
    expect(imageJobKudos({ ...basis, denoisingStrength: 0.5 })).toBe(10.83);
  });

  it("prices the adaptive sampler as 50 steps and does not double second-order samplers", async () => {
    expect(imageJobKudos({ ...basis, samplerName: "k_dpm_adaptive", steps: 7 })).toBe(10.83);
    expect(imageJobKudos({ ...basis, samplerName: "k_heun" })).toBe(10.83);
  });

  it("adds 1 per prompt weight group and 3 per LoRA", async () => {
    expect(imageJobKudos({ ...basis, prompt: "a (forest:1.1) under (a red sky: 0.8) (no weight) (x:y)" })).toBe(12.83);
    expect(imageJobKudos({ ...basis, loras: 2 })).toBe(16.83);
  });

  it("adds the horde tax of 3 to a request of n images", async () => {
    expect(imageRequestKudos(basis)).toEqual({ perJob: 10.83, tax: 3, total: 13.83 });
    expect(imageRequestKudos({ ...basis, n: 4 })).toEqual({ perJob: 10.83, tax: 3, total: 46.32 });
  });

  it("lowers the tax by 1 for jobs under 10 kudos and by 2 when shared", async () => {
    expect(imageRequestKudos({ ...basis, steps: 30 })).toEqual({ perJob: 6.5, tax: 2, total: 8.5 });
    expect(imageRequestKudos({ ...basis, shared: true })).toEqual({ perJob: 10.83, tax: 1, total: 11.83 });
    expect(imageRequestKudos({ ...basis, steps: 30, shared: true })).toEqual({ perJob: 6.5, tax: 0, total: 6.5 });
    expect(hordeTax(10, false)).toBe(3);
    expect(hordeTax(9.99, false)).toBe(2);
  });

  it("applies an assumed baseline multiplier to the per-job price before the tax", async () => {
    expect(imageRequestKudos({ ...basis, baselineMultiplier: 2, n: 2 })).toEqual({
      perJob: 21.66,
      tax: 3,
      total: 46.32,
    });
    expect(imageRequestKudos({ ...basis, steps: 30, baselineMultiplier: 2 }).tax).toBe(3);
  });

  it("derives the pricing input from a validated request", async () => {
    const { value } = await accepted(
      { sourceImage: png, shared: true, prompt: "(cat:1.2)" },
      { steps: 40, n: 2, denoisingStrength: 0.6, loras: [{ name: "1" }], postProcessing: ["GFPGAN"] },
    );
    expect(pricingInputOf(value)).toEqual({
      width: 512,
      height: 512,
      steps: 40,
      samplerName: "k_euler_a",
      denoisingStrength: 0.6,
      hasSourceImage: true,
      postProcessing: ["GFPGAN"],
      controlType: null,
      loras: 1,
      prompt: "(cat:1.2)",
      n: 2,
      shared: true,
    });
  });
});

describe("freeMaxResolution", () => {
  const sd1 = ["stable_diffusion_1" as const];

  it("is 1024 on an idle horde and never above it", async () => {
    expect(freeMaxResolution({ activeThreads: 0, queuedRequests: 0, baselines: sd1 })).toBe(1024);
    expect(freeMaxResolution({ activeThreads: 50, queuedRequests: 0, baselines: sd1 })).toBe(1024);
  });

  it("shrinks with the queue and grows with threads", async () => {
    expect(freeMaxResolution({ activeThreads: 0, queuedRequests: 300, baselines: sd1 })).toBe(754);
    expect(freeMaxResolution({ activeThreads: 10, queuedRequests: 300, baselines: sd1 })).toBe(854);
    expect(freeMaxResolution({ activeThreads: 0, queuedRequests: 5, baselines: [] })).toBe(1019); // round(4.5) = 5
  });

  it("never goes below 576, 768 for SD2 or 1024 for 1024-native baselines", async () => {
    const busy = { activeThreads: 0, queuedRequests: 2000 };
    expect(freeMaxResolution({ ...busy, baselines: sd1 })).toBe(576);
    expect(freeMaxResolution({ ...busy, baselines: ["stable_diffusion_1", "stable_diffusion_2"] })).toBe(768);
    for (const b of ["stable_diffusion_xl", "stable_cascade", "flux_1", "qwen_image", "z_image"] as const) {
      expect(freeMaxResolution({ ...busy, baselines: [b] }), b).toBe(1024);
    }
  });
});

describe("needsUpfrontKudos", () => {
  const req = async (
    input: Partial<CreateImageRequestInput> = {},
    params: ImageParamsInput = {},
  ): Promise<NormalizedImageRequest> => (await accepted(input, params)).value;
  const free = { maxRes: 1024 };

  it("lets a default request run on credit", async () => {
    expect(needsUpfrontKudos(await req(), free)).toBeNull();
  });

  it("requires upfront kudos when slow workers are excluded", async () => {
    expect(needsUpfrontKudos(await req({ slowWorkers: false }), free)).toMatch(/slow workers/);
  });

  it("requires upfront kudos for LCM over 10 steps", async () => {
    expect(needsUpfrontKudos(await req({}, { samplerName: "lcm", steps: 11 }), free)).toMatch(/LCM/);
    expect(needsUpfrontKudos(await req({}, { samplerName: "lcm", steps: 10 }), free)).toBeNull();
  });

  it("requires upfront kudos above the models' step ceiling, counting accurate steps", async () => {
    expect(needsUpfrontKudos(await req({}, { steps: 41 }), free)).toMatch(/over 40 steps/);
    expect(needsUpfrontKudos(await req({}, { steps: 40 }), free)).toBeNull();
    expect(needsUpfrontKudos(await req({}, { steps: 41 }), { ...free, modelMaxSteps: 60 })).toBeNull();
    expect(needsUpfrontKudos(await req({}, { steps: 25, samplerName: "k_heun" }), free)).toMatch(/50 requested/);
    expect(needsUpfrontKudos(await req({}, { steps: 10 }), { ...free, modelMaxSteps: 8 })).toMatch(/over 8 steps/);
  });

  it("requires upfront kudos for ControlNet over 20 steps", async () => {
    expect(needsUpfrontKudos(await req({ sourceImage: png }, { controlType: "canny", steps: 21 }), free)).toMatch(
      /ControlNet/,
    );
    expect(needsUpfrontKudos(await req({ sourceImage: png }, { controlType: "canny" }), free)).toBeNull();
  });

  it("requires upfront kudos above the free resolution", async () => {
    expect(needsUpfrontKudos(await req({}, { width: 1024, height: 1024 }), { maxRes: 768 })).toMatch(/768x768/);
    expect(needsUpfrontKudos(await req({}, { width: 1024, height: 1024 }), free)).toBeNull();
    expect(needsUpfrontKudos(await req({}, { width: 1088, height: 960 }), free)).toBeNull(); // 1,044,480 ≤ 1024²
  });
});

describe("downgradeImageRequest", () => {
  const req = async (
    input: Partial<CreateImageRequestInput> = {},
    params: ImageParamsInput = {},
  ): Promise<NormalizedImageRequest> => (await accepted({ slowWorkers: false, ...input }, params)).value;

  it("scales the area into maxRes² keeping the aspect ratio, snapped to 64", async () => {
    expect(downgradeImageRequest(await req({}, { width: 1024, height: 1024 }), { maxRes: 576 }).params).toMatchObject({
      width: 576,
      height: 576,
    });
    const wide = downgradeImageRequest(await req({}, { width: 1024, height: 768 }), { maxRes: 576 }).params;
    expect([wide.width, wide.height]).toEqual([640, 512]);
    expect(wide.width * wide.height).toBeLessThanOrEqual(576 * 576);
  });

  it("keeps each side at least 512 but never enlarges a smaller side", async () => {
    const long = downgradeImageRequest(await req({}, { width: 2048, height: 512 }), { maxRes: 576 }).params;
    expect([long.width, long.height]).toEqual([1152, 512]);
    const thin = downgradeImageRequest(await req({}, { width: 256, height: 2048 }), { maxRes: 576 }).params;
    expect([thin.width, thin.height]).toEqual([256, 1600]);
  });

  it("leaves a size within maxRes² alone", async () => {
    expect(downgradeImageRequest(await req({}, { width: 768, height: 512 }), { maxRes: 768 }).params).toMatchObject({
      width: 768,
      height: 512,
    });
  });

  it("lowers steps to 30, 20 for ControlNet and 10 for LCM", async () => {
    expect(downgradeImageRequest(await req({}, { steps: 50 }), { maxRes: 1024 }).params.steps).toBe(30);
    expect(
      downgradeImageRequest(await req({ sourceImage: png }, { controlType: "canny", steps: 35 }), { maxRes: 1024 })
        .params.steps,
    ).toBe(20);
    expect(downgradeImageRequest(await req({}, { samplerName: "lcm", steps: 16 }), { maxRes: 1024 }).params.steps).toBe(
      10,
    );
    expect(downgradeImageRequest(await req({}, { steps: 12 }), { maxRes: 1024 }).params.steps).toBe(12);
  });

  it("lowers steps to a smaller model ceiling, counting second-order samplers twice, not below 5", async () => {
    expect(downgradeImageRequest(await req({}, { steps: 50 }), { maxRes: 1024, modelMaxSteps: 8 }).params.steps).toBe(
      8,
    );
    expect(downgradeImageRequest(await req({}, { steps: 50 }), { maxRes: 1024, modelMaxSteps: 40 }).params.steps).toBe(
      30,
    );
    expect(
      downgradeImageRequest(await req({}, { steps: 50, samplerName: "k_heun" }), { maxRes: 1024 }).params.steps,
    ).toBe(15);
    expect(downgradeImageRequest(await req({}, { steps: 50 }), { maxRes: 1024, modelMaxSteps: 3 }).params.steps).toBe(
      5,
    );
  });

  it("allows slow workers, so the result needs no upfront kudos", async () => {
    const original = await req({}, { width: 1024, height: 1024, steps: 60 });
    const ctx = { maxRes: 576, modelMaxSteps: 40 };
    expect(needsUpfrontKudos(original, ctx)).not.toBeNull();
    const downgraded = downgradeImageRequest(original, ctx);
    expect(downgraded.slowWorkers).toBe(true);
    expect(needsUpfrontKudos(downgraded, ctx)).toBeNull();
  });

  it("does not modify the request it was given", async () => {
    const original = await req({}, { width: 1024, height: 1024, steps: 60 });
    downgradeImageRequest(original, { maxRes: 576 });
    expect(original.params).toMatchObject({ width: 1024, height: 1024, steps: 60 });
    expect(original.slowWorkers).toBe(false);
  });
});
