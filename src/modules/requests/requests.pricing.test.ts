import { describe, expect, it } from "vitest";
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
import type { CreateImageRequestInput, ImageParamsInput, NormalizedImageRequest } from "./requests.rules.ts";
import { accepted, png } from "./requests.test-support.ts";
import { countWords } from "./requests.validate.ts";

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
      surcharges: { fastOnly: false, blacklist: false },
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
