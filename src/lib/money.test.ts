import { describe, expect, it } from "vitest";
import { formatCents, fromCents, roundCents, scaleCents, toCents } from "./money.ts";

describe("the one rounding rule", () => {
  it("rounds half away from zero on the decimal value, ignoring binary noise", () => {
    expect(toCents(10.825)).toBe(1083); // 10.825 * 100 = 1082.4999999999999 in binary
    expect(toCents(1.005)).toBe(101); // 100.49999999999999
    expect(toCents(-1.005)).toBe(-101);
    expect(toCents(0.004)).toBe(0);
    expect(Object.is(toCents(-0.004), 0)).toBe(true);
    expect(roundCents(1082.5)).toBe(1083);
    expect(roundCents(1082.49)).toBe(1082);
  });

  it("round-trips through the numeric text the database stores", () => {
    for (let c = -100_000; c <= 100_000; c += 37) {
      expect(toCents(Number(formatCents(c)))).toBe(c);
      expect(toCents(fromCents(c))).toBe(c);
    }
  });

  it("scales by a multiplier with the same rule", () => {
    expect(scaleCents(1083, 2)).toBe(2166);
    expect(scaleCents(1001, 1.5)).toBe(1502); // 1501.5 rounds up
    expect(scaleCents(1001, 0.5)).toBe(501); // 500.5 rounds up
  });
});
