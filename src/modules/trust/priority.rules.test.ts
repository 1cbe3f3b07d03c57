import { describe, expect, it } from "vitest";
import { requestPriority } from "./priority.rules.ts";

describe("requestPriority", () => {
  it("is the balance, at least the floor", () => {
    expect(requestPriority({ kudos: 500, floor: 25, flagged: false, downgraded: false })).toBe(500);
    expect(requestPriority({ kudos: 3, floor: 25, flagged: false, downgraded: false })).toBe(25);
  });
  it("drops a flagged requester to kudos / 1000, or −100 at 10 kudos or less", () => {
    expect(requestPriority({ kudos: 50_000, floor: 25, flagged: true, downgraded: false })).toBe(50);
    expect(requestPriority({ kudos: 10, floor: 25, flagged: true, downgraded: false })).toBe(-100);
  });
  it("runs a shared key's downgraded request at −50", () => {
    expect(requestPriority({ kudos: 50_000, floor: 25, flagged: false, downgraded: true })).toBe(-50);
  });
});
