import { describe, expect, it } from "vitest";
import { decoyReward, decoySubmitOutcome } from "./decoys.rules.ts";

describe("decoyReward", () => {
  it("is the real job's price: job kudos × the model's multiplier, surcharges not included", () => {
    expect(decoyReward({ jobKudos: 6.5, multiplier: 1 })).toBe(6.5);
    expect(decoyReward({ jobKudos: 6.5, multiplier: 2 })).toBe(13);
    expect(decoyReward({ jobKudos: 0.33, multiplier: 1.5 })).toBe(0.5);
  });
});

describe("decoySubmitOutcome", () => {
  const row = { owner_id: 7, taken: true, was_submitted: false, reward: "6.50" };
  it("answers the reward, or 0 for a FAULTED submit", () => {
    expect(decoySubmitOutcome(row, { userId: 7, state: "ok" })).toEqual({ ok: true, reward: 6.5 });
    expect(decoySubmitOutcome(row, { userId: 7, state: "censored" })).toEqual({ ok: true, reward: 6.5 });
    expect(decoySubmitOutcome(row, { userId: 7, state: "faulted" })).toEqual({ ok: true, reward: 0 });
  });
  it("answers what a real job would: another user's worker, a second submit, a late one", () => {
    expect(decoySubmitOutcome(row, { userId: 8, state: "ok" })).toEqual({ ok: false, code: "WrongCredentials" });
    const again = { ...row, taken: false, was_submitted: true };
    expect(decoySubmitOutcome(again, { userId: 7, state: "ok" })).toEqual({ ok: false, code: "DuplicateGen" });
    const late = { ...row, taken: false };
    expect(decoySubmitOutcome(late, { userId: 7, state: "ok" })).toEqual({ ok: false, code: "AbortedGen" });
  });
});
