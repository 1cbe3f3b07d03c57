import { describe, expect, it } from "vitest";
import { isSuspicious, SUSPICIOUS_AT } from "./suspicion.rules.ts";

describe("isSuspicious", () => {
  it("starts at five reasons for an untrusted holder", () => {
    expect(SUSPICIOUS_AT).toBe(5);
    expect(isSuspicious(4, false)).toBe(false);
    expect(isSuspicious(5, false)).toBe(true);
  });
  it("never marks a trusted account", () => {
    expect(isSuspicious(50, true)).toBe(false);
  });
});
