import { describe, expect, it } from "vitest";
import { customModelNameProblem, lowestStepAverage, type ModelInfo } from "./models.rules.ts";

function model(requirements: ModelInfo["requirements"]): ModelInfo {
  return { name: "m", baseline: "stable_diffusion_1", nsfw: false, inpainting: false, description: "", requirements };
}

describe("lowestStepAverage (limitMaxSteps)", () => {
  it("averages the model's min and max steps", () => {
    expect(lowestStepAverage([model({ minSteps: 4, maxSteps: 10 })])).toBe(7);
  });

  it("defaults to 20 and 40 for what the reference leaves out, and for a model outside it", () => {
    expect(lowestStepAverage([model({})])).toBe(30);
    expect(lowestStepAverage([model({ minSteps: 10 })])).toBe(25);
    expect(lowestStepAverage([model({ maxSteps: 20 })])).toBe(20);
    expect(lowestStepAverage([undefined])).toBe(30);
  });

  it("takes the lowest of several models, and the defaults when none is named", () => {
    expect(lowestStepAverage([model({}), model({ minSteps: 1, maxSteps: 8 })])).toBe(4.5);
    expect(lowestStepAverage([])).toBe(30);
  });
});

describe("customModelNameProblem", () => {
  it("accepts a plain name up to 100 characters", () => {
    expect(customModelNameProblem("My Finetune v2 (SDXL)")).toBeNull();
    expect(customModelNameProblem("m".repeat(100))).toBeNull();
  });

  it.each(["", "m".repeat(101), "a\u0000b", "a\nb", "a\u202eb", "trailing "])("refuses %j", (name) => {
    expect(customModelNameProblem(name)).not.toBeNull();
  });
});
