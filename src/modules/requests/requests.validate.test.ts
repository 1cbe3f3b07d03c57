import { describe, expect, it } from "vitest";
import { decodeRequestImages } from "./requests.images.ts";
import { accepted, b64, codeOf, models, png, uuid, validate, W1 } from "./requests.test-support.ts";
import { validateImageRequest } from "./requests.validate.ts";
import { makeJpeg, makePng, makeWebp } from "./test-images.ts";

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
      useNsfwCensor: true,
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

  it("accepts a model missing from the reference as a custom model, with no reference entry", async () => {
    const result = await validate({ models: ["stable_diffusion", "Nonexistent Diffusion"] });
    expect(result.ok && result.value.models).toEqual(["stable_diffusion", "Nonexistent Diffusion"]);
  });

  it("rejects a malformed custom model name with InvalidModelName", async () => {
    expect(codeOf(await validate({ models: ["bad\u0000name"] }))).toBe("InvalidModelName");
    expect(codeOf(await validate({ models: ["x".repeat(101)] }))).toBe("InvalidModelName");
    expect(codeOf(await validate({ models: ["custom", "custom"] }))).toBe("DuplicateModel");
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
