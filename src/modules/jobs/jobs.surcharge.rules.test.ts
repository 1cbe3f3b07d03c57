import { describe, expect, it } from "vitest";
import { settleJob, surchargeFactor } from "./jobs.rules.ts";

describe("surcharges the AI Horde burns", () => {
  it("charges × 1.2 for excluding slow workers and × 1.1 for a blacklist, the worker earning the price", () => {
    expect(surchargeFactor({ fastOnly: true, blacklist: false })).toBe(1.2);
    expect(surchargeFactor({ fastOnly: false, blacklist: true })).toBe(1.1);
    const s = settleJob({ state: "ok", jobKudos: 10, multiplier: 1, surcharges: { fastOnly: true, blacklist: true } });
    expect(s).toMatchObject({ price: 10, reward: 10, charge: 13.2, burned: 3.2 });
  });
  it("burns nothing without a surcharge and keeps charge = reward + burned exactly", () => {
    expect(settleJob({ state: "ok", jobKudos: 10, multiplier: 1 }).burned).toBe(0);
    for (let i = 1; i < 300; i++) {
      const s = settleJob({
        state: "ok",
        jobKudos: i * 0.37,
        multiplier: 1 + (i % 4),
        surcharges: { fastOnly: i % 2 === 0, blacklist: i % 3 === 0 },
      });
      expect(Math.round(s.charge * 100)).toBe(Math.round(s.reward * 100) + Math.round(s.burned * 100));
    }
  });
  it("parks the escrow the owner's rule gives, never more than the reward", () => {
    const s = settleJob({ state: "ok", jobKudos: 11, multiplier: 1, escrowOf: (r) => r / 2 });
    expect(s.escrow).toBe(5.5);
    expect(settleJob({ state: "ok", jobKudos: 1, multiplier: 1, escrowOf: () => 99 }).escrow).toBe(1);
  });
});
