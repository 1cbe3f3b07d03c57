import { describe, expect, it } from "vitest";
import { modelEta, perThreadSpeed } from "./horde-stats.rules.ts";

describe("modelEta", () => {
  it("is 0 when nothing waits", () => {
    expect(modelEta({ queued: 0, jobs: 0, threads: 0, perThread: null })).toBe(0);
  });
  it("divides the work by one thread's speed times the threads that can work at once", () => {
    // 100 MPS over 4 jobs, 10 threads at 2 MPS/s each: only 4 threads can work → 100 / 8
    expect(modelEta({ queued: 100, jobs: 4, threads: 10, perThread: 2 })).toBe(13);
    // 2 threads for 4 jobs: 100 / 4
    expect(modelEta({ queued: 100, jobs: 4, threads: 2, perThread: 2 })).toBe(25);
  });
  it("cannot be estimated without an active worker or a known speed", () => {
    expect(modelEta({ queued: 10, jobs: 1, threads: 0, perThread: 1 })).toBeNull();
    expect(modelEta({ queued: 10, jobs: 1, threads: 2, perThread: null })).toBeNull();
  });
});

describe("perThreadSpeed", () => {
  it("prefers the last hour's jobs, then the serving workers' speed", () => {
    expect(perThreadSpeed(3e6, 1e6)).toBe(3);
    expect(perThreadSpeed(null, 1e6)).toBe(1);
    expect(perThreadSpeed(null, null)).toBeNull();
  });
});
