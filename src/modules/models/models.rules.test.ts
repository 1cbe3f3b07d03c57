import { describe, expect, it } from "vitest";
import {
  BASELINES,
  BUNDLED_MODELS,
  baselineMultiplier,
  DEFAULT_MODEL,
  indexModels,
  isHeavyBaseline,
  KNOWN_SAMPLERS,
  lowestMaxSteps,
  type ModelInfo,
  POST_PROCESSORS,
  parseModelReference,
  UPSCALERS,
} from "./models.rules.ts";

const valid = {
  baseline: "stable_diffusion_1",
  nsfw: false,
  inpainting: false,
  type: "ckpt",
  description: "a model",
};

function model(overrides: Partial<ModelInfo> = {}): ModelInfo {
  return {
    name: "m",
    baseline: "stable_diffusion_1",
    nsfw: false,
    inpainting: false,
    description: "",
    requirements: {},
    ...overrides,
  };
}

describe("bundled model reference", () => {
  it("parses and holds at least 25 models", () => {
    expect(BUNDLED_MODELS.length).toBeGreaterThanOrEqual(25);
  });

  it("always knows the default SD 1.5 model and the well-known names", () => {
    const names = new Set(BUNDLED_MODELS.map((m) => m.name));
    for (const name of [
      DEFAULT_MODEL,
      "stable_diffusion_inpainting",
      "stable_diffusion_2.1",
      "SDXL 1.0",
      "AlbedoBase XL (SDXL)",
      "Deliberate",
      "Dreamshaper",
      "Realistic Vision",
      "Anything Diffusion",
      "ICBINP - I Can't Believe It's Not Photography",
      "Juggernaut XL",
      "Pony Diffusion XL",
      "Flux.1-Schnell fp8 (Compact)",
      "Flux.1-Dev fp8",
      "Stable Cascade 1.0",
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    expect(indexModels(BUNDLED_MODELS).get(DEFAULT_MODEL)?.baseline).toBe("stable_diffusion_1");
  });

  it("covers every baseline and several inpainting models", () => {
    const baselines = new Set(BUNDLED_MODELS.map((m) => m.baseline));
    for (const b of BASELINES) expect(baselines.has(b), b).toBe(true);
    expect(BUNDLED_MODELS.filter((m) => m.inpainting).length).toBeGreaterThanOrEqual(3);
  });

  it("gives models without requirements an empty requirements object", () => {
    expect(indexModels(BUNDLED_MODELS).get(DEFAULT_MODEL)?.requirements).toEqual({});
  });
});

describe("parseModelReference", () => {
  it("returns models in document order with their requirements", () => {
    const models = parseModelReference({
      a: valid,
      b: { ...valid, requirements: { minSteps: 4, maxSteps: 8, samplers: ["k_euler"], clipSkip: 2 } },
    });
    expect(models.map((m) => m.name)).toEqual(["a", "b"]);
    expect(models[1]?.requirements).toEqual({ minSteps: 4, maxSteps: 8, samplers: ["k_euler"], clipSkip: 2 });
  });

  it("ignores extra top-level fields so richer references still load", () => {
    expect(parseModelReference({ a: { ...valid, version: "1.5", style: "generalist" } })).toHaveLength(1);
  });

  it("rejects a non-object document", () => {
    expect(() => parseModelReference([])).toThrow(/object keyed by model name/);
    expect(() => parseModelReference(null)).toThrow(/object keyed by model name/);
  });

  it("rejects an unknown baseline, naming the model", () => {
    expect(() => parseModelReference({ bad: { ...valid, baseline: "stable_diffusion_3" } })).toThrow(
      /model "bad": unknown baseline "stable_diffusion_3"/,
    );
  });

  it("rejects a non-boolean flag or a missing nsfw; a missing inpainting is false (as published)", () => {
    expect(() => parseModelReference({ bad: { ...valid, nsfw: "no" } })).toThrow(/model "bad": "nsfw"/);
    expect(() => parseModelReference({ bad: { ...valid, inpainting: 1 } })).toThrow(/model "bad": "inpainting"/);
    const { nsfw: _n, ...noNsfw } = valid;
    expect(() => parseModelReference({ bad: noNsfw })).toThrow(/model "bad": "nsfw"/);
    const { inpainting: _omitted, ...noInpainting } = valid;
    expect(parseModelReference({ ok: noInpainting })[0]?.inpainting).toBe(false);
  });

  it("rejects a type other than ckpt or diffusers, and a description that is not a string", () => {
    expect(() => parseModelReference({ bad: { ...valid, type: "lora" } })).toThrow(/model "bad": "type"/);
    // The published reference leaves descriptions out of some entries: absent reads as "".
    const { description: _omitted, ...noDescription } = valid;
    expect(parseModelReference({ ok: noDescription })[0]?.description).toBe("");
    expect(() => parseModelReference({ bad: { ...valid, description: 3 } })).toThrow(/model "bad": "description"/);
  });

  it("rejects a model entry that is not an object", () => {
    expect(() => parseModelReference({ bad: "x" })).toThrow(/model "bad" must be an object/);
  });

  it("rejects misspelt, mistyped or contradictory requirements", () => {
    // The published reference's snake_case names are read; a misspelt one is still refused.
    expect(parseModelReference({ ok: { ...valid, requirements: { max_steps: 8 } } })[0]?.requirements).toEqual({
      maxSteps: 8,
    });
    expect(() => parseModelReference({ bad: { ...valid, requirements: { max_stepz: 8 } } })).toThrow(
      /model "bad": unknown requirement "max_stepz"/,
    );
    expect(() => parseModelReference({ bad: { ...valid, requirements: { maxSteps: "8" } } })).toThrow(
      /requirement "maxSteps"/,
    );
    expect(() => parseModelReference({ bad: { ...valid, requirements: { samplers: ["k_magic"] } } })).toThrow(
      /unknown sampler "k_magic"/,
    );
    expect(() => parseModelReference({ bad: { ...valid, requirements: { minSteps: 9, maxSteps: 8 } } })).toThrow(
      /"minSteps" is above "maxSteps"/,
    );
    expect(() => parseModelReference({ bad: { ...valid, requirements: { minCfgScale: 9, maxCfgScale: 8 } } })).toThrow(
      /"minCfgScale" is above "maxCfgScale"/,
    );
    expect(() => parseModelReference({ bad: { ...valid, requirements: [] } })).toThrow(/"requirements"/);
  });
});

describe("baselineMultiplier", () => {
  it("prices bigger architectures higher", () => {
    const plain = { hiresFix: false };
    expect(baselineMultiplier("stable_diffusion_1", plain)).toBe(1);
    expect(baselineMultiplier("stable_diffusion_2", plain)).toBe(1);
    expect(baselineMultiplier("stable_diffusion_xl", plain)).toBe(2);
    expect(baselineMultiplier("stable_cascade", plain)).toBe(4);
    expect(baselineMultiplier("flux_1", plain)).toBe(8);
    expect(baselineMultiplier("z_image", plain)).toBe(8);
    expect(baselineMultiplier("qwen_image", plain)).toBe(12);
  });

  it("charges Stable Cascade 7 with hires fix and leaves others unchanged", () => {
    expect(baselineMultiplier("stable_cascade", { hiresFix: true })).toBe(7);
    expect(baselineMultiplier("stable_diffusion_xl", { hiresFix: true })).toBe(2);
  });
});

describe("name lists", () => {
  it("knows the 14 samplers of the AI Horde", () => {
    expect(KNOWN_SAMPLERS).toHaveLength(14);
    expect(KNOWN_SAMPLERS).toContain("k_euler_a");
    expect(KNOWN_SAMPLERS).toContain("DDIM");
    expect(KNOWN_SAMPLERS).toContain("lcm");
  });

  it("lists upscalers as a subset of the post-processors", () => {
    for (const u of UPSCALERS) expect(POST_PROCESSORS).toContain(u);
    expect(POST_PROCESSORS).toContain("GFPGAN");
    expect(POST_PROCESSORS).toContain("strip_background");
    expect(UPSCALERS).not.toContain("GFPGAN");
  });
});

describe("helpers", () => {
  it("marks Flux, Qwen and Z-Image as heavy baselines", () => {
    expect(BASELINES.filter(isHeavyBaseline)).toEqual(["flux_1", "qwen_image", "z_image"]);
  });

  it("finds the lowest maxSteps, falling back to 40", () => {
    expect(lowestMaxSteps([])).toBe(40);
    expect(lowestMaxSteps([model()])).toBe(40);
    expect(lowestMaxSteps([model({ requirements: { maxSteps: 12 } }), model({ requirements: { maxSteps: 8 } })])).toBe(
      8,
    );
    expect(lowestMaxSteps([model()], 30)).toBe(30);
  });
});
