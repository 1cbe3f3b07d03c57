import { describe, expect, it } from "vitest";
import { claimBudget, heldJobLimit, safeBatchAmount, settleJob } from "./jobs.rules.ts";

describe("safeBatchAmount", () => {
  const base = {
    maxPixels: 1024 * 1024,
    amount: 4,
    width: 512,
    height: 512,
    postProcessors: [] as string[],
    heavy: false,
    remaining: 10,
  };

  it("gives a default worker one job at a time", () => {
    expect(safeBatchAmount({ ...base, maxPixels: 512 * 512 })).toBe(1);
  });

  it("batches up to the amount asked for on a big worker", () => {
    expect(safeBatchAmount(base)).toBe(4); // round(4.57) = 5, clamped to 4
  });

  it("batches fewer with post-processing and heavy operations", () => {
    expect(safeBatchAmount({ ...base, postProcessors: ["GFPGAN"] })).toBe(3); // 4.57 / 1.4
    expect(safeBatchAmount({ ...base, heavy: true })).toBe(3); // 4.57 / 1.8
    expect(safeBatchAmount({ ...base, postProcessors: ["RealESRGAN_x4plus"] })).toBe(2); // 4.57 / 1.4 / 1.8
  });

  it("batches fewer for heavy baselines", () => {
    expect(safeBatchAmount({ ...base, amount: 20, remaining: 30 })).toBe(20); // round(22.86) clamped to 20
    expect(safeBatchAmount({ ...base, amount: 20, remaining: 30, baseline: "flux_1" })).toBe(5); // round(22.86 / 5)
    expect(safeBatchAmount({ ...base, baseline: "qwen_image" })).toBe(1);
    expect(safeBatchAmount({ ...base, baseline: "stable_diffusion_xl" })).toBe(4);
  });

  it("never returns less than one job nor more than remain", () => {
    expect(safeBatchAmount({ ...base, width: 3072, height: 3072 })).toBe(1);
    expect(safeBatchAmount({ ...base, remaining: 2 })).toBe(2);
    expect(safeBatchAmount({ ...base, remaining: 0 })).toBe(0);
  });
});

describe("heldJobLimit and claimBudget", () => {
  const d = { threads: 2, amount: 3, maxConcurrentJobs: 5 };

  it("holds threads × amount for HTTP pops and maxConcurrentJobs for a feed", () => {
    expect(heldJobLimit("pop", d)).toBe(6);
    expect(heldJobLimit("feed", d)).toBe(5);
  });

  it("claims within the batch size and never past the limit held at once", () => {
    expect(claimBudget({ want: 3, amount: 3, held: 0, limit: 6 })).toBe(3);
    expect(claimBudget({ want: 3, amount: 3, held: 4, limit: 6 })).toBe(2);
    expect(claimBudget({ want: 3, amount: 3, held: 6, limit: 6 })).toBe(0);
    expect(claimBudget({ want: 3, amount: 3, held: 9, limit: 6 })).toBe(0);
    expect(claimBudget({ want: 5, amount: 1, held: 0, limit: 5 })).toBe(1);
  });
});

describe("settleJob", () => {
  it("charges the requester what the worker's owner earns for OK, CENSORED and CSAM", () => {
    for (const state of ["ok", "censored", "csam"] as const) {
      // the job's price is in cents first (6.17), then scaled: lib/money's one rounding rule
      expect(settleJob({ state, jobKudos: 6.165, multiplier: 2 })).toEqual({
        price: 12.34,
        charge: 12.34,
        reward: 12.34,
        burned: 0,
        escrow: 0,
      });
    }
  });

  it("moves nothing for FAULTED", () => {
    expect(settleJob({ state: "faulted", jobKudos: 10, multiplier: 1 })).toEqual({
      price: 0,
      charge: 0,
      reward: 0,
      burned: 0,
      escrow: 0,
    });
  });

  it("never rewards more than it charges, whatever the price", () => {
    for (let i = 0; i < 500; i++) {
      const s = settleJob({ state: "censored", jobKudos: Math.random() * 1000, multiplier: 1 + (i % 12) });
      expect(s.reward).toBeLessThanOrEqual(s.charge);
      expect(Math.round((s.charge - s.reward) * 100)).toBe(Math.round(s.burned * 100));
    }
  });
});
