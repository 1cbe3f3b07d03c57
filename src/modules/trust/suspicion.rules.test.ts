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

describe("unreasonablyFast", () => {
  it("flags more than 20 megapixelsteps per second", async () => {
    const { unreasonablyFast } = await import("./suspicion.rules.ts");
    expect(unreasonablyFast({ pixels: 512 * 512, steps: 30, seconds: 1 })).toBe(false); // 7.9
    expect(unreasonablyFast({ pixels: 1024 * 1024, steps: 30, seconds: 1 })).toBe(true); // 31.5
    expect(unreasonablyFast({ pixels: 1024 * 1024, steps: 30, seconds: 0 })).toBe(false);
  });
});
