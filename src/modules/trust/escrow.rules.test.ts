import { describe, expect, it } from "vitest";
import { escrowOf, qualifiesForAutoTrust, rewardEscrow, uptimeEscrowOf } from "./escrow.rules.ts";

describe("escrowOf", () => {
  it("holds half of an untrusted owner's reward, rounded down to the hundredth", () => {
    expect(escrowOf(11, { trusted: false, anonymous: false })).toBe(5.5);
    expect(escrowOf(0.03, { trusted: false, anonymous: false })).toBe(0.01);
  });
  it("holds nothing of a trusted owner's or Anonymous's", () => {
    expect(escrowOf(11, { trusted: true, anonymous: false })).toBe(0);
    expect(escrowOf(11, { trusted: false, anonymous: true })).toBe(0);
  });
});

describe("rewardEscrow", () => {
  it("splits a settlement's reward for the owner it was built for", () => {
    expect(rewardEscrow({ trusted: false, anonymous: false })(6.5)).toBe(3.25);
    expect(rewardEscrow({ trusted: true, anonymous: false })(6.5)).toBe(0);
  });
});

describe("uptimeEscrowOf", () => {
  const untrusted = { trusted: false, anonymous: false };
  it("holds all of an untrusted owner's image or text uptime reward", () => {
    expect(uptimeEscrowOf(52, untrusted, "image")).toBe(52);
    expect(uptimeEscrowOf(85, untrusted, "text")).toBe(85);
  });
  it("holds nothing of a trusted owner's, Anonymous's, or an interrogation worker's", () => {
    expect(uptimeEscrowOf(52, { trusted: true, anonymous: false }, "image")).toBe(0);
    expect(uptimeEscrowOf(52, { trusted: false, anonymous: true }, "image")).toBe(0);
    expect(uptimeEscrowOf(40, untrusted, "alchemy")).toBe(0);
  });
});

describe("qualifiesForAutoTrust", () => {
  const now = new Date("2026-12-01T00:00:00Z");
  const old = new Date("2026-11-20T00:00:00Z");
  const base = {
    threshold: 100,
    escrow: 101,
    trusted: false,
    anonymous: false,
    suspicious: false,
    createdAt: old,
    now,
  };
  it("promotes an old, unsuspicious account whose escrow is above the threshold", () => {
    expect(qualifiesForAutoTrust(base)).toBe(true);
  });
  it("does not promote at the threshold, when young, suspicious, Anonymous or with no threshold", () => {
    expect(qualifiesForAutoTrust({ ...base, escrow: 100 })).toBe(false);
    expect(qualifiesForAutoTrust({ ...base, createdAt: new Date("2026-11-25T00:00:01Z") })).toBe(false);
    expect(qualifiesForAutoTrust({ ...base, suspicious: true })).toBe(false);
    expect(qualifiesForAutoTrust({ ...base, anonymous: true })).toBe(false);
    expect(qualifiesForAutoTrust({ ...base, threshold: null })).toBe(false);
  });
});
