import { describe, expect, it } from "vitest";
import { decodeTimeUuidCursor, encodeTimeUuidCursor, timeUuidCursor } from "../../graphql/cursors.ts";
import { boundedFirst } from "./entity-stats.rules.ts";

describe("boundedFirst", () => {
  it("defaults, accepts 0 to max, refuses the rest", () => {
    expect(boundedFirst(undefined, 100, 10)).toBe(10);
    expect(boundedFirst(0, 100, 10)).toBe(0);
    expect(boundedFirst(100, 100, 10)).toBe(100);
    expect(() => boundedFirst(101, 100, 10)).toThrow(expect.objectContaining({ code: "InvalidPageSize" }));
    expect(() => boundedFirst(-1, 100, 10)).toThrow(expect.objectContaining({ code: "InvalidPageSize" }));
  });
});

describe("time-and-uuid cursors", () => {
  const id = "0b5e2a6e-8a55-4c4e-9a43-3c1f2f7d9a10";
  it("round-trip a creation time and an id", () => {
    const at = new Date("2026-12-01T12:34:56.789Z");
    const c = encodeTimeUuidCursor(at, id);
    expect(timeUuidCursor(c)).toBe(true);
    expect(decodeTimeUuidCursor(c)).toEqual({ at, id });
  });

  it("refuse anything else", () => {
    for (const c of [
      "",
      "1",
      `x_${id}`,
      `1_${id}x`,
      `1_not-a-uuid-000000000000000000000000`,
      `9999999999999999_${id}`,
    ]) {
      expect(timeUuidCursor(c), c).toBe(false);
    }
  });
});
