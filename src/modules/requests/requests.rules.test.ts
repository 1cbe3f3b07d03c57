import { describe, expect, it } from "vitest";
import { BUNDLED_MODELS, indexModels } from "../models/models.rules.ts";
import {
  accurateSteps,
  type CreateImageRequestInput,
  countWords,
  decodeBase64Image,
  downgradeImageRequest,
  freeMaxResolution,
  hordeTax,
  type ImageParamsInput,
  imageJobKudos,
  imageRequestKudos,
  type NormalizedImageRequest,
  needsUpfrontKudos,
  type PricingInput,
  pricingInputOf,
  type RuleResult,
  readImageHeader,
  validateImageRequest,
} from "./requests.rules.ts";
import { makeJpeg, makePng, makeWebp } from "./test-images.ts";

const ctx = { models: indexModels(BUNDLED_MODELS), limits: { maxPromptWords: 7500 } };

const b64 = (buf: Buffer) => buf.toString("base64");
const png = b64(makePng(64, 64));

function validate(input: Partial<CreateImageRequestInput> = {}, params: ImageParamsInput = {}) {
  return validateImageRequest({ prompt: "a lighthouse at dusk", params, ...input }, ctx);
}

function codeOf(result: RuleResult<unknown>): string {
  return result.ok ? "ok" : result.code;
}

function accepted(input: Partial<CreateImageRequestInput> = {}, params: ImageParamsInput = {}) {
  const result = validate(input, params);
  if (!result.ok) throw new Error(`expected acceptance, got ${result.code}: ${result.message}`);
  return result;
}

describe("validateImageRequest defaults", () => {
  it("applies the contract defaults to a bare prompt", () => {
    const { value, warnings } = accepted();
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

  it("treats null fields like omitted ones", () => {
    const { value } = accepted(
      { models: null, nsfw: null, slowWorkers: null, workers: null },
      { width: null, steps: null, cfgScale: null, loras: null, postProcessing: null },
    );
    expect(value.params.width).toBe(512);
    expect(value.params.steps).toBe(30);
    expect(value.params.cfgScale).toBe(7.5);
    expect(value.slowWorkers).toBe(true);
  });

  it("keeps explicit values", () => {
    const { value } = accepted(
      {
        nsfw: true,
        slowWorkers: false,
        shared: true,
        dryRun: true,
        allowDowngrade: true,
        workers: ["w1"],
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
      workers: ["w1"],
      workerBlacklist: true,
    });
  });

  it("defaults ControlNet requests to 20 steps and caps them at 40 silently", () => {
    const src = { sourceImage: png };
    expect(accepted(src, { controlType: "canny" }).value.params.steps).toBe(20);
    const capped = accepted(src, { controlType: "canny", steps: 80 });
    expect(capped.value.params.steps).toBe(40);
    expect(capped.warnings).toEqual([]);
  });

  it("fills LoRA strengths with 1 and trims names", () => {
    const { value } = accepted(
      {},
      { loras: [{ name: " 12345 " }, { name: "678", isVersion: true, model: 0.5, clip: -1 }] },
    );
    expect(value.params.loras).toEqual([
      { name: "12345", model: 1, clip: 1, isVersion: false },
      { name: "678", model: 0.5, clip: -1, isVersion: true },
    ]);
  });

  it("removes duplicate models and post-processors", () => {
    const { value } = accepted(
      { models: ["Deliberate", "Deliberate", "stable_diffusion"] },
      { postProcessing: ["GFPGAN", "GFPGAN"] },
    );
    expect(value.models).toEqual(["Deliberate", "stable_diffusion"]);
    expect(value.params.postProcessing).toEqual(["GFPGAN"]);
  });

  it("drops returnControlMap without a controlType", () => {
    expect(accepted({}, { returnControlMap: true }).value.params.returnControlMap).toBe(false);
  });

  it("treats an empty controlType as none", () => {
    expect(accepted({}, { controlType: "" }).value.params.controlType).toBeNull();
  });
});

describe("validateImageRequest rejections", () => {
  it("rejects an empty or blank prompt with MissingPrompt", () => {
    expect(codeOf(validate({ prompt: "" }))).toBe("MissingPrompt");
    expect(codeOf(validate({ prompt: "  \n\t" }))).toBe("MissingPrompt");
  });

  it("rejects a prompt over the word limit with InvalidPromptSize", () => {
    const small = { ...ctx, limits: { maxPromptWords: 3 } };
    expect(codeOf(validateImageRequest({ prompt: "one two three" }, small))).toBe("ok");
    expect(codeOf(validateImageRequest({ prompt: "one two three four" }, small))).toBe("InvalidPromptSize");
  });

  it("rejects a prompt over 100000 characters with InvalidPromptSize", () => {
    expect(codeOf(validate({ prompt: "x".repeat(100_000) }))).toBe("ok");
    expect(codeOf(validate({ prompt: "x".repeat(100_001) }))).toBe("InvalidPromptSize");
  });

  it("rejects sizes that are not multiples of 64 in 64..3072 with InvalidSize", () => {
    expect(codeOf(validate({}, { width: 500 }))).toBe("InvalidSize");
    expect(codeOf(validate({}, { height: 3136 }))).toBe("InvalidSize");
    expect(codeOf(validate({}, { width: 0 }))).toBe("InvalidSize");
    expect(codeOf(validate({}, { width: 64, height: 3072 }))).toBe("ok");
  });

  it("rejects step counts outside 1..500", () => {
    expect(codeOf(validate({}, { steps: 0 }))).toBe("TooFewSteps");
    expect(codeOf(validate({}, { steps: 501 }))).toBe("TooManySteps");
    expect(codeOf(validate({}, { steps: 12.5 }))).toBe("InvalidSteps");
    expect(codeOf(validate({}, { steps: 500 }))).toBe("ok");
  });

  it("rejects n outside 1..20 with InvalidAmount", () => {
    expect(codeOf(validate({}, { n: 0 }))).toBe("InvalidAmount");
    expect(codeOf(validate({}, { n: 21 }))).toBe("InvalidAmount");
    expect(codeOf(validate({}, { n: 20 }))).toBe("ok");
  });

  it("rejects cfg scales outside 0..100 or with more than 2 decimals", () => {
    expect(codeOf(validate({}, { cfgScale: -1 }))).toBe("InvalidCfgScale");
    expect(codeOf(validate({}, { cfgScale: 100.5 }))).toBe("InvalidCfgScale");
    expect(codeOf(validate({}, { cfgScale: 7.555 }))).toBe("InvalidCfgScale");
    expect(codeOf(validate({}, { cfgScale: 7.55 }))).toBe("ok");
    expect(codeOf(validate({}, { cfgScale: 0 }))).toBe("ok");
  });

  it("rejects denoising strength outside 0.01..1", () => {
    expect(codeOf(validate({}, { denoisingStrength: 0 }))).toBe("InvalidDenoisingStrength");
    expect(codeOf(validate({}, { denoisingStrength: 1.01 }))).toBe("InvalidDenoisingStrength");
    expect(codeOf(validate({}, { denoisingStrength: 0.01 }))).toBe("ok");
  });

  it("rejects clip skip outside 1..12", () => {
    expect(codeOf(validate({}, { clipSkip: 0 }))).toBe("InvalidClipSkip");
    expect(codeOf(validate({}, { clipSkip: 13 }))).toBe("InvalidClipSkip");
    expect(codeOf(validate({}, { clipSkip: 12 }))).toBe("ok");
  });

  it("rejects a sampler outside the known 14 with UnknownSampler", () => {
    expect(codeOf(validate({}, { samplerName: "k_magic" }))).toBe("UnknownSampler");
    expect(codeOf(validate({}, { samplerName: "DDIM" }))).toBe("ok");
  });

  it("rejects unknown post-processors and more than one upscaler", () => {
    expect(codeOf(validate({}, { postProcessing: ["Sharpen9000"] }))).toBe("UnknownPostProcessor");
    expect(codeOf(validate({}, { postProcessing: ["RealESRGAN_x4plus", "NMKD_Siax"] }))).toBe("TooManyUpscalers");
    expect(codeOf(validate({}, { postProcessing: ["RealESRGAN_x4plus", "GFPGAN", "strip_background"] }))).toBe("ok");
  });

  it("rejects more than 5 LoRAs with TooManyLoras", () => {
    const lora = (i: number) => ({ name: String(i) });
    expect(codeOf(validate({}, { loras: [1, 2, 3, 4, 5].map(lora) }))).toBe("ok");
    expect(codeOf(validate({}, { loras: [1, 2, 3, 4, 5, 6].map(lora) }))).toBe("TooManyLoras");
  });

  it("rejects malformed LoRAs with InvalidLora", () => {
    expect(codeOf(validate({}, { loras: [{ name: "detail-tweaker", isVersion: true }] }))).toBe("InvalidLora");
    expect(codeOf(validate({}, { loras: [{ name: "x", model: 5.5 }] }))).toBe("InvalidLora");
    expect(codeOf(validate({}, { loras: [{ name: "x", clip: -5.5 }] }))).toBe("InvalidLora");
    expect(codeOf(validate({}, { loras: [{ name: "  " }] }))).toBe("InvalidLora");
    expect(codeOf(validate({}, { loras: [{ name: "x", model: -5, clip: 5 }] }))).toBe("ok");
  });

  it("rejects a post-processor given as a model with UnexpectedModelName", () => {
    expect(codeOf(validate({ models: ["GFPGAN"] }))).toBe("UnexpectedModelName");
  });

  it("rejects a model missing from the reference with UnknownModel", () => {
    const result = validate({ models: ["stable_diffusion", "Nonexistent Diffusion"] });
    expect(codeOf(result)).toBe("UnknownModel");
    expect(result.ok ? "" : result.message).toContain("Nonexistent Diffusion");
  });

  it("rejects more than 5 workers and duplicate workers", () => {
    expect(codeOf(validate({ workers: ["a", "b", "c", "d", "e", "f"] }))).toBe("TooManyWorkers");
    expect(codeOf(validate({ workers: ["a", "a"] }))).toBe("DuplicateWorker");
    expect(codeOf(validate({ workers: ["a", "b", "c", "d", "e"] }))).toBe("ok");
  });

  it("rejects a mask without a source image with SourceMaskUnnecessary", () => {
    expect(codeOf(validate({ sourceMask: png }))).toBe("SourceMaskUnnecessary");
  });

  it("rejects an unknown source processing with InvalidSourceProcessing", () => {
    expect(codeOf(validate({ sourceImage: png, sourceProcessing: "remix" }))).toBe("InvalidSourceProcessing");
  });

  it("rejects a source image that is not base64 or not a readable image", () => {
    expect(codeOf(validate({ sourceImage: "not base64!" }))).toBe("InvalidSourceImage");
    expect(codeOf(validate({ sourceImage: b64(Buffer.from("hello, this is not an image")) }))).toBe(
      "InvalidSourceImage",
    );
    expect(codeOf(validate({ sourceImage: "A" }))).toBe("InvalidSourceImage");
  });

  it("rejects a source image above 3072 pixels a side or 10 MB", () => {
    expect(codeOf(validate({ sourceImage: b64(makePng(3136, 8)) }))).toBe("SourceImageTooLarge");
    expect(codeOf(validate({ sourceImage: b64(makePng(8, 3136)) }))).toBe("SourceImageTooLarge");
    expect(codeOf(validate({ sourceImage: "A".repeat(14_000_000) }))).toBe("SourceImageTooLarge");
  });

  it("rejects an unreadable mask with InvalidSourceMask", () => {
    expect(codeOf(validate({ sourceImage: png, sourceMask: "@@@" }))).toBe("InvalidSourceMask");
    expect(codeOf(validate({ sourceImage: png, sourceMask: b64(makePng(4000, 4)) }))).toBe("SourceImageTooLarge");
  });

  it("rejects maskless inpainting of an image that cannot carry alpha with InvalidSourceImage", () => {
    const jpeg = b64(makeJpeg(512, 512));
    const jpegResult = validate({ sourceImage: jpeg, sourceProcessing: "inpainting" });
    expect(codeOf(jpegResult)).toBe("InvalidSourceImage");
    expect(jpegResult.ok ? "" : jpegResult.message).toMatch(/alpha/);
    expect(
      codeOf(validate({ sourceImage: b64(makePng(64, 64, { alpha: false })), sourceProcessing: "inpainting" })),
    ).toBe("InvalidSourceImage");
    expect(codeOf(validate({ sourceImage: png, sourceProcessing: "inpainting" }))).toBe("ok");
    expect(codeOf(validate({ sourceImage: jpeg, sourceProcessing: "inpainting", sourceMask: png }))).toBe("ok");
    expect(codeOf(validate({ sourceImage: jpeg, sourceProcessing: "img2img" }))).toBe("ok");
  });

  it("rejects an unknown ControlNet type with InvalidControlType", () => {
    expect(codeOf(validate({ sourceImage: png }, { controlType: "xray" }))).toBe("InvalidControlType");
  });

  it("rejects ControlNet without a source image with ControlNetSourceMissing", () => {
    expect(codeOf(validate({}, { controlType: "canny" }))).toBe("ControlNetSourceMissing");
  });

  it("rejects ControlNet with inpainting with ControlNetInpaintingMismatch", () => {
    expect(codeOf(validate({ sourceImage: png, sourceProcessing: "inpainting" }, { controlType: "depth" }))).toBe(
      "ControlNetInpaintingMismatch",
    );
  });

  it("rejects ControlNet on baselines without ControlNet with ControlNetMismatch", () => {
    for (const model of ["SDXL 1.0", "Stable Cascade 1.0", "Flux.1-Dev fp8", "Qwen-Image", "Z-Image-Turbo"]) {
      expect(codeOf(validate({ sourceImage: png, models: [model] }, { controlType: "canny" })), model).toBe(
        "ControlNetMismatch",
      );
    }
    expect(codeOf(validate({ sourceImage: png, models: ["stable_diffusion"] }, { controlType: "canny" }))).toBe("ok");
  });

  it("rejects normal and hough ControlNet on SD2 with ControlNetMismatch", () => {
    const sd2 = { sourceImage: png, models: ["stable_diffusion_2.1"] };
    expect(codeOf(validate(sd2, { controlType: "normal" }))).toBe("ControlNetMismatch");
    expect(codeOf(validate(sd2, { controlType: "hough" }))).toBe("ControlNetMismatch");
    expect(codeOf(validate(sd2, { controlType: "canny" }))).toBe("ok");
  });

  it("rejects hires fix on Flux, Qwen and Z-Image with HiResFixMismatch", () => {
    for (const model of ["Flux.1-Schnell fp8 (Compact)", "Qwen-Image", "Z-Image-Turbo"]) {
      expect(codeOf(validate({ models: [model] }, { hiresFix: true })), model).toBe("HiResFixMismatch");
    }
    expect(codeOf(validate({ models: ["SDXL 1.0"] }, { hiresFix: true }))).toBe("ok");
  });

  it("reports the first violation when several apply", () => {
    expect(codeOf(validate({ prompt: " " }, { width: 1, steps: 0 }))).toBe("MissingPrompt");
    expect(codeOf(validate({}, { width: 1, steps: 0 }))).toBe("InvalidSize");
  });
});

describe("validateImageRequest source images", () => {
  it("defaults source processing to img2img and decodes the image header", () => {
    const { value } = accepted({ sourceImage: b64(makePng(640, 320)) });
    expect(value.sourceProcessing).toBe("img2img");
    expect(value.sourceImage).toMatchObject({ format: "png", width: 640, height: 320, hasAlpha: true });
    expect(value.sourceImage?.bytes.equals(makePng(640, 320))).toBe(true);
  });

  it("accepts a data URL and base64 with line breaks", () => {
    const body = b64(makePng(64, 64));
    expect(accepted({ sourceImage: `data:image/png;base64,${body}` }).value.sourceImage?.width).toBe(64);
    expect(accepted({ sourceImage: body.replace(/(.{20})/g, "$1\n") }).value.sourceImage?.width).toBe(64);
  });

  it("keeps the mask and the requested processing", () => {
    const { value } = accepted({
      sourceImage: png,
      sourceMask: b64(makeWebp(64, 64)),
      sourceProcessing: "outpainting",
    });
    expect(value.sourceProcessing).toBe("outpainting");
    expect(value.sourceMask).toMatchObject({ format: "webp", width: 64, height: 64 });
  });

  it("warns and ignores source processing without a source image", () => {
    const { value, warnings } = accepted({ sourceProcessing: "inpainting" });
    expect(value.sourceProcessing).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/^SourceProcessingIgnored: /)]);
  });
});

describe("validateImageRequest model requirement warnings", () => {
  it("warns, without rejecting, about every requirement a request misses", () => {
    const { warnings } = accepted({ models: ["Flux.1-Schnell fp8 (Compact)"] });
    expect(warnings.map((w) => w.split(":")[0])).toEqual(["StepsTooMany", "CfgScaleMismatch", "SamplerMismatch"]);
  });

  it("warns about too few steps, clip skip and cfg bounds", () => {
    expect(accepted({ models: ["Juggernaut XL"] }, { steps: 10 }).warnings[0]).toMatch(/^StepsTooFew: .*Juggernaut XL/);
    expect(accepted({ models: ["Pony Diffusion XL"] }).warnings[0]).toMatch(/^ClipSkipMismatch: /);
    expect(accepted({ models: ["Pony Diffusion XL"] }, { clipSkip: 2 }).warnings).toEqual([]);
    expect(accepted({ models: ["Animagine XL"] }, { cfgScale: 3 }).warnings[0]).toMatch(/^CfgScaleTooSmall: /);
    expect(accepted({ models: ["Animagine XL"] }, { cfgScale: 9 }).warnings[0]).toMatch(/^CfgScaleTooLarge: /);
  });

  it("is silent when the request meets the requirements", () => {
    const schnell = { steps: 4, cfgScale: 1, samplerName: "k_euler" };
    expect(accepted({ models: ["Flux.1-Schnell fp8 (Compact)"] }, schnell).warnings).toEqual([]);
  });
});

describe("readImageHeader", () => {
  it("reads PNG size and alpha from IHDR", () => {
    expect(readImageHeader(makePng(320, 200))).toEqual({ format: "png", width: 320, height: 200, hasAlpha: true });
    expect(readImageHeader(makePng(1, 2, { alpha: false }))?.hasAlpha).toBe(false);
  });

  it("treats a PNG with a tRNS chunk as carrying alpha", () => {
    const rgb = makePng(8, 8, { alpha: false });
    // Splice an (unchecked) tRNS chunk between IHDR and IDAT.
    const trns = Buffer.from([0, 0, 0, 6, 0x74, 0x52, 0x4e, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const withTrns = Buffer.concat([rgb.subarray(0, 33), trns, rgb.subarray(33)]);
    expect(readImageHeader(withTrns)?.hasAlpha).toBe(true);
  });

  it("reads JPEG size from baseline and progressive frame headers", () => {
    expect(readImageHeader(makeJpeg(800, 600))).toEqual({ format: "jpeg", width: 800, height: 600, hasAlpha: false });
    const progressive = makeJpeg(1024, 768);
    progressive[progressive.indexOf(Buffer.from([0xff, 0xc0])) + 1] = 0xc2;
    expect(readImageHeader(progressive)).toMatchObject({ width: 1024, height: 768 });
  });

  it("skips a DHT segment, whose marker sits among the frame markers", () => {
    const jpeg = makeJpeg(640, 480);
    const dht = Buffer.from([0xff, 0xc4, 0x00, 0x05, 0x00, 0x00, 0x00]);
    const spliced = Buffer.concat([jpeg.subarray(0, 2), dht, jpeg.subarray(2)]);
    expect(readImageHeader(spliced)).toMatchObject({ width: 640, height: 480 });
  });

  it("reads WEBP size from VP8, VP8L and VP8X", () => {
    expect(readImageHeader(makeWebp(500, 300))).toEqual({ format: "webp", width: 500, height: 300, hasAlpha: false });
    expect(readImageHeader(makeWebp(500, 300, { kind: "lossless", alpha: true }))).toEqual({
      format: "webp",
      width: 500,
      height: 300,
      hasAlpha: true,
    });
    expect(readImageHeader(makeWebp(3000, 2000, { kind: "extended", alpha: true }))).toEqual({
      format: "webp",
      width: 3000,
      height: 2000,
      hasAlpha: true,
    });
    expect(readImageHeader(makeWebp(64, 64, { kind: "extended" }))?.hasAlpha).toBe(false);
  });

  it("returns null for other data, truncated headers and zero sizes", () => {
    expect(readImageHeader(Buffer.from("GIF89a........................"))).toBeNull();
    expect(readImageHeader(makePng(64, 64).subarray(0, 20))).toBeNull();
    expect(readImageHeader(makeJpeg(64, 64).subarray(0, 10))).toBeNull();
    expect(readImageHeader(makeWebp(0, 10))).toBeNull();
  });

  it("decodes base64 and names the field in errors", () => {
    const bad = decodeBase64Image("%%%", "The source mask");
    expect(bad.ok ? "" : bad.message).toMatch(/^The source mask/);
  });
});

describe("countWords and accurateSteps", () => {
  it("counts whitespace-separated words", () => {
    expect(countWords("  a  b\nc\t")).toBe(3);
    expect(countWords("   ")).toBe(0);
  });

  it("doubles steps for second-order samplers and fixes the adaptive sampler at 40", () => {
    expect(accurateSteps("k_euler", 25)).toBe(25);
    for (const s of ["k_heun", "k_dpm_2", "k_dpm_2_a", "k_dpmpp_2s_a", "k_dpmpp_sde"]) {
      expect(accurateSteps(s, 25), s).toBe(50);
    }
    expect(accurateSteps("k_dpm_adaptive", 5)).toBe(40);
  });
});

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

  it("prices 512x512 at 50 steps at 10.83 per image", () => {
    expect(imageJobKudos(basis)).toBe(10.83);
  });

  it("prices 1024x1024 at 50 steps at 60.06 per image", () => {
    expect(imageJobKudos({ ...basis, width: 1024, height: 1024 })).toBe(60.06);
  });

  it("prices 2048x2048 at 50 steps at about 619 per image (exactly 619.11)", () => {
    const kudos = imageJobKudos({ ...basis, width: 2048, height: 2048 });
    expect(Math.abs(kudos - 619)).toBeLessThanOrEqual(1);
    expect(kudos).toBe(619.11);
  });

  it("prices tiny images by steps alone", () => {
    expect(imageJobKudos({ ...basis, width: 64, height: 64, steps: 10 })).toBe(1.23);
  });

  it("multiplies by 1.2 per post-processor, compounding, and 1.3 more for heavy ones", () => {
    expect(imageJobKudos({ ...basis, postProcessing: ["GFPGAN"] })).toBe(12.99);
    expect(imageJobKudos({ ...basis, postProcessing: ["GFPGAN", "strip_background"] })).toBe(15.59);
    expect(imageJobKudos({ ...basis, postProcessing: ["GFPGAN", "RealESRGAN_x4plus"] })).toBe(20.27);
    expect(imageJobKudos({ ...basis, postProcessing: ["CodeFormers"] })).toBe(16.89);
  });

  it("triples with ControlNet", () => {
    expect(imageJobKudos({ ...basis, controlType: "canny" })).toBe(32.48);
  });

  it("charges 1.5x for a source image and scales img2img steps by the denoising strength", () => {
    expect(imageJobKudos({ ...basis, hasSourceImage: true })).toBe(16.24);
    expect(imageJobKudos({ ...basis, hasSourceImage: true, denoisingStrength: 0.5 })).toBe(8.12);
    expect(imageJobKudos({ ...basis, denoisingStrength: 0.5 })).toBe(10.83);
  });

  it("prices the adaptive sampler as 50 steps and does not double second-order samplers", () => {
    expect(imageJobKudos({ ...basis, samplerName: "k_dpm_adaptive", steps: 7 })).toBe(10.83);
    expect(imageJobKudos({ ...basis, samplerName: "k_heun" })).toBe(10.83);
  });

  it("adds 1 per prompt weight group and 3 per LoRA", () => {
    expect(imageJobKudos({ ...basis, prompt: "a (forest:1.1) under (a red sky: 0.8) (no weight) (x:y)" })).toBe(12.83);
    expect(imageJobKudos({ ...basis, loras: 2 })).toBe(16.83);
  });

  it("adds the horde tax of 3 to a request of n images", () => {
    expect(imageRequestKudos(basis)).toEqual({ perJob: 10.83, tax: 3, total: 13.83 });
    expect(imageRequestKudos({ ...basis, n: 4 })).toEqual({ perJob: 10.83, tax: 3, total: 46.32 });
  });

  it("lowers the tax by 1 for jobs under 10 kudos and by 2 when shared", () => {
    expect(imageRequestKudos({ ...basis, steps: 30 })).toEqual({ perJob: 6.5, tax: 2, total: 8.5 });
    expect(imageRequestKudos({ ...basis, shared: true })).toEqual({ perJob: 10.83, tax: 1, total: 11.83 });
    expect(imageRequestKudos({ ...basis, steps: 30, shared: true })).toEqual({ perJob: 6.5, tax: 0, total: 6.5 });
    expect(hordeTax(10, false)).toBe(3);
    expect(hordeTax(9.99, false)).toBe(2);
  });

  it("applies an assumed baseline multiplier to the per-job price before the tax", () => {
    expect(imageRequestKudos({ ...basis, baselineMultiplier: 2, n: 2 })).toEqual({
      perJob: 21.66,
      tax: 3,
      total: 46.32,
    });
    expect(imageRequestKudos({ ...basis, steps: 30, baselineMultiplier: 2 }).tax).toBe(3);
  });

  it("derives the pricing input from a validated request", () => {
    const { value } = accepted(
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

  it("is 1024 on an idle horde and never above it", () => {
    expect(freeMaxResolution({ activeThreads: 0, queuedRequests: 0, baselines: sd1 })).toBe(1024);
    expect(freeMaxResolution({ activeThreads: 50, queuedRequests: 0, baselines: sd1 })).toBe(1024);
  });

  it("shrinks with the queue and grows with threads", () => {
    expect(freeMaxResolution({ activeThreads: 0, queuedRequests: 300, baselines: sd1 })).toBe(754);
    expect(freeMaxResolution({ activeThreads: 10, queuedRequests: 300, baselines: sd1 })).toBe(854);
    expect(freeMaxResolution({ activeThreads: 0, queuedRequests: 5, baselines: [] })).toBe(1019); // round(4.5) = 5
  });

  it("never goes below 576, 768 for SD2 or 1024 for 1024-native baselines", () => {
    const busy = { activeThreads: 0, queuedRequests: 2000 };
    expect(freeMaxResolution({ ...busy, baselines: sd1 })).toBe(576);
    expect(freeMaxResolution({ ...busy, baselines: ["stable_diffusion_1", "stable_diffusion_2"] })).toBe(768);
    for (const b of ["stable_diffusion_xl", "stable_cascade", "flux_1", "qwen_image", "z_image"] as const) {
      expect(freeMaxResolution({ ...busy, baselines: [b] }), b).toBe(1024);
    }
  });
});

describe("needsUpfrontKudos", () => {
  const req = (input: Partial<CreateImageRequestInput> = {}, params: ImageParamsInput = {}): NormalizedImageRequest =>
    accepted(input, params).value;
  const free = { maxRes: 1024 };

  it("lets a default request run on credit", () => {
    expect(needsUpfrontKudos(req(), free)).toBeNull();
  });

  it("requires upfront kudos when slow workers are excluded", () => {
    expect(needsUpfrontKudos(req({ slowWorkers: false }), free)).toMatch(/slow workers/);
  });

  it("requires upfront kudos for LCM over 10 steps", () => {
    expect(needsUpfrontKudos(req({}, { samplerName: "lcm", steps: 11 }), free)).toMatch(/LCM/);
    expect(needsUpfrontKudos(req({}, { samplerName: "lcm", steps: 10 }), free)).toBeNull();
  });

  it("requires upfront kudos above the models' step ceiling, counting accurate steps", () => {
    expect(needsUpfrontKudos(req({}, { steps: 41 }), free)).toMatch(/over 40 steps/);
    expect(needsUpfrontKudos(req({}, { steps: 40 }), free)).toBeNull();
    expect(needsUpfrontKudos(req({}, { steps: 41 }), { ...free, modelMaxSteps: 60 })).toBeNull();
    expect(needsUpfrontKudos(req({}, { steps: 25, samplerName: "k_heun" }), free)).toMatch(/50 requested/);
    expect(needsUpfrontKudos(req({}, { steps: 10 }), { ...free, modelMaxSteps: 8 })).toMatch(/over 8 steps/);
  });

  it("requires upfront kudos for ControlNet over 20 steps", () => {
    expect(needsUpfrontKudos(req({ sourceImage: png }, { controlType: "canny", steps: 21 }), free)).toMatch(
      /ControlNet/,
    );
    expect(needsUpfrontKudos(req({ sourceImage: png }, { controlType: "canny" }), free)).toBeNull();
  });

  it("requires upfront kudos above the free resolution", () => {
    expect(needsUpfrontKudos(req({}, { width: 1024, height: 1024 }), { maxRes: 768 })).toMatch(/768x768/);
    expect(needsUpfrontKudos(req({}, { width: 1024, height: 1024 }), free)).toBeNull();
    expect(needsUpfrontKudos(req({}, { width: 1088, height: 960 }), free)).toBeNull(); // 1,044,480 ≤ 1024²
  });
});

describe("downgradeImageRequest", () => {
  const req = (input: Partial<CreateImageRequestInput> = {}, params: ImageParamsInput = {}): NormalizedImageRequest =>
    accepted({ slowWorkers: false, ...input }, params).value;

  it("scales the area into maxRes² keeping the aspect ratio, snapped to 64", () => {
    expect(downgradeImageRequest(req({}, { width: 1024, height: 1024 }), { maxRes: 576 }).params).toMatchObject({
      width: 576,
      height: 576,
    });
    const wide = downgradeImageRequest(req({}, { width: 1024, height: 768 }), { maxRes: 576 }).params;
    expect([wide.width, wide.height]).toEqual([640, 512]);
    expect(wide.width * wide.height).toBeLessThanOrEqual(576 * 576);
  });

  it("keeps each side at least 512 but never enlarges a smaller side", () => {
    const long = downgradeImageRequest(req({}, { width: 2048, height: 512 }), { maxRes: 576 }).params;
    expect([long.width, long.height]).toEqual([1152, 512]);
    const thin = downgradeImageRequest(req({}, { width: 256, height: 2048 }), { maxRes: 576 }).params;
    expect([thin.width, thin.height]).toEqual([256, 1600]);
  });

  it("leaves a size within maxRes² alone", () => {
    expect(downgradeImageRequest(req({}, { width: 768, height: 512 }), { maxRes: 768 }).params).toMatchObject({
      width: 768,
      height: 512,
    });
  });

  it("lowers steps to 30, 20 for ControlNet and 10 for LCM", () => {
    expect(downgradeImageRequest(req({}, { steps: 50 }), { maxRes: 1024 }).params.steps).toBe(30);
    expect(
      downgradeImageRequest(req({ sourceImage: png }, { controlType: "canny", steps: 35 }), { maxRes: 1024 }).params
        .steps,
    ).toBe(20);
    expect(downgradeImageRequest(req({}, { samplerName: "lcm", steps: 16 }), { maxRes: 1024 }).params.steps).toBe(10);
    expect(downgradeImageRequest(req({}, { steps: 12 }), { maxRes: 1024 }).params.steps).toBe(12);
  });

  it("lowers steps to a smaller model ceiling, counting second-order samplers twice, not below 5", () => {
    expect(downgradeImageRequest(req({}, { steps: 50 }), { maxRes: 1024, modelMaxSteps: 8 }).params.steps).toBe(8);
    expect(downgradeImageRequest(req({}, { steps: 50 }), { maxRes: 1024, modelMaxSteps: 40 }).params.steps).toBe(30);
    expect(downgradeImageRequest(req({}, { steps: 50, samplerName: "k_heun" }), { maxRes: 1024 }).params.steps).toBe(
      15,
    );
    expect(downgradeImageRequest(req({}, { steps: 50 }), { maxRes: 1024, modelMaxSteps: 3 }).params.steps).toBe(5);
  });

  it("allows slow workers, so the result needs no upfront kudos", () => {
    const original = req({}, { width: 1024, height: 1024, steps: 60 });
    const ctx = { maxRes: 576, modelMaxSteps: 40 };
    expect(needsUpfrontKudos(original, ctx)).not.toBeNull();
    const downgraded = downgradeImageRequest(original, ctx);
    expect(downgraded.slowWorkers).toBe(true);
    expect(needsUpfrontKudos(downgraded, ctx)).toBeNull();
  });

  it("does not modify the request it was given", () => {
    const original = req({}, { width: 1024, height: 1024, steps: 60 });
    downgradeImageRequest(original, { maxRes: 576 });
    expect(original.params).toMatchObject({ width: 1024, height: 1024, steps: 60 });
    expect(original.slowWorkers).toBe(false);
  });
});
