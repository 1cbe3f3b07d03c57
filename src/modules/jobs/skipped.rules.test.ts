import { describe, expect, it } from "vitest";
import { SKIP_REASONS, skippedFrom } from "./skipped.rules.ts";

describe("skippedFrom", () => {
  it("gives every reason, zero when the database counted none", () => {
    const s = skippedFrom([], 3);
    expect(s.requests).toBe(3);
    for (const field of Object.values(SKIP_REASONS)) expect(s[field]).toBe(0);
  });

  it("maps the AI Horde's keys to the fields", () => {
    const s = skippedFrom(
      [
        { reason: "post-processing", count: 2 },
        { reason: "step_count", count: 1 },
        { reason: "worker_id", count: 4 },
        { reason: "max_pixels", count: 5 },
      ],
      9,
    );
    expect([s.postProcessing, s.stepCount, s.workerId, s.maxPixels, s.models]).toEqual([2, 1, 4, 5, 0]);
  });

  it("refuses a reason it does not know rather than dropping it", () => {
    expect(() => skippedFrom([{ reason: "bridge_version", count: 1 }], 1)).toThrow(/unknown reason/);
  });
});
