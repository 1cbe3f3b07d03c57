import { describe, expect, it } from "vitest";
import { checkWorkerFilter } from "./workers.filter.rules.ts";

describe("checkWorkerFilter", () => {
  it("passes an empty filter as filtering nothing", () => {
    expect(checkWorkerFilter(undefined)).toEqual({ kind: null, online: null, model: null, name: null, ownerId: null });
  });

  it("trims text and reads the owner as an int4 id", () => {
    expect(checkWorkerFilter({ name: "  ab ", model: "m", owner: "42", online: false, kind: "image" })).toEqual({
      kind: "image",
      online: false,
      model: "m",
      name: "ab",
      ownerId: 42,
    });
    expect(checkWorkerFilter({ owner: 0 }).ownerId).toBe(0);
  });

  it("refuses empty or overlong text and owners that are not user ids, naming the field", () => {
    const bad: [Parameters<typeof checkWorkerFilter>[0], string][] = [
      [{ name: "   " }, "filter.name"],
      [{ model: "x".repeat(201) }, "filter.model"],
      [{ owner: "2147483648" }, "filter.owner"],
      [{ owner: "1e3" }, "filter.owner"],
      [{ owner: "-1" }, "filter.owner"],
    ];
    for (const [input, field] of bad) {
      expect(() => checkWorkerFilter(input)).toThrow(expect.objectContaining({ code: "InvalidFilter", field }));
    }
  });
});
