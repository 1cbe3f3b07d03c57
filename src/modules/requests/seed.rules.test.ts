import { describe, expect, it } from "vitest";
import { seedToInt } from "./seed.rules.ts";

describe("seedToInt (the AI Horde's seed_to_int)", () => {
  it("keeps a numeric seed below 2^32 as it is", () => {
    expect(seedToInt("0")).toBe("0");
    expect(seedToInt("31337")).toBe("31337");
    expect(seedToInt("4294967295")).toBe("4294967295");
    expect(seedToInt("007")).toBe("7");
  });

  it("shifts a numeric seed of 2^32 or more right by 32 bits until it fits", () => {
    expect(seedToInt("4294967296")).toBe("1");
    expect(seedToInt(String((5n << 64n) + 3n))).toBe("5");
  });

  it("reads any other text as the little-endian integer of its UTF-8 bytes", () => {
    expect(seedToInt("a")).toBe("97");
    // "abc" = 0x636261
    expect(seedToInt("abc")).toBe(String(0x636261));
    // "-5": not digits; bytes 0x2d 0x35 → 0x352d
    expect(seedToInt("-5")).toBe(String(0x352d));
    // "abcde": 0x6564636261 ≥ 2^32 → >> 32 = 0x65
    expect(seedToInt("abcde")).toBe(String(0x65));
    expect(seedToInt("é")).toBe(String(0xa9c3));
  });

  it("is deterministic and always below 2^32, even for the longest seed", () => {
    const long = "the little seed that could ".repeat(9).slice(0, 256);
    expect(seedToInt(long)).toBe(seedToInt(long));
    expect(BigInt(seedToInt(long)) < 1n << 32n).toBe(true);
    expect(BigInt(seedToInt("9".repeat(256))) < 1n << 32n).toBe(true);
  });
});
