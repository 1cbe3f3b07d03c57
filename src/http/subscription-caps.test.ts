import { describe, expect, it } from "vitest";
import { SubscriptionCaps } from "./subscription-caps.ts";

describe("SubscriptionCaps", () => {
  it("counts per socket and per IP, and gives back what a closed subscription or socket held", () => {
    const caps = new SubscriptionCaps({ perSocket: 2, perIp: 3 });
    const a = {};
    const b = {};
    expect(caps.open(a, "ip", "1")).toBeNull();
    expect(caps.open(a, "ip", "2")).toBeNull();
    expect(caps.open(a, "ip", "3")?.extensions.code).toBe("TooManySubscriptions");
    expect(caps.open(b, "ip", "1")).toBeNull();
    expect(caps.open(b, "ip", "2")?.extensions.code).toBe("TooManySubscriptions");
    caps.close(a, "1");
    caps.close(a, "1"); // a second complete of the same id releases nothing more
    expect(caps.open(b, "ip", "2")).toBeNull();
    expect(caps.open(b, "ip", "3")?.extensions.code).toBe("TooManySubscriptions");
    caps.forget(a, "ip");
    expect(caps.open(b, "other-ip", "9")?.extensions.code).toBe("TooManySubscriptions"); // b is full
    const c = {};
    expect(caps.open(c, "ip", "1")).toBeNull();
  });

  it("turns a cap off at 0", () => {
    const caps = new SubscriptionCaps({ perSocket: 0, perIp: 0 });
    for (let i = 0; i < 50; i++) expect(caps.open({}, "ip", String(i))).toBeNull();
  });

  it("keeps the number held for /metrics: opened, completed, and released with their socket", () => {
    const caps = new SubscriptionCaps({ perSocket: 2, perIp: 0 });
    const a = {};
    const b = {};
    caps.open(a, "ip", "1");
    caps.open(a, "ip", "2");
    caps.open(a, "ip", "3"); // refused: not held
    caps.open(b, "ip2", "1");
    expect(caps.held).toBe(3);
    caps.close(a, "1");
    caps.close(a, "1");
    expect(caps.held).toBe(2);
    caps.forget(a, "ip");
    expect(caps.held).toBe(1);
    caps.forget(b, "ip2");
    expect(caps.held).toBe(0);
  });
});
