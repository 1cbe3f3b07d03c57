import { describe, expect, it } from "vitest";
import {
  canTransition,
  isFinalJobState,
  type JobState,
  jobTtlSeconds,
  type RequestCounts,
  requestStatus,
  safeBatchAmount,
} from "./jobs.rules.ts";

const ALL: JobState[] = ["WAITING", "PROCESSING", "OK", "CENSORED", "FAULTED", "CSAM", "CANCELLED"];

describe("job state machine", () => {
  it("allows exactly the documented transitions", () => {
    const allowed = new Set([
      "WAITING>PROCESSING",
      "WAITING>CANCELLED",
      "PROCESSING>OK",
      "PROCESSING>CENSORED",
      "PROCESSING>CSAM",
      "PROCESSING>FAULTED",
      "PROCESSING>WAITING",
    ]);
    for (const from of ALL) {
      for (const to of ALL) {
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(allowed.has(`${from}>${to}`));
      }
    }
  });

  it("treats results, faults and cancellation as final", () => {
    expect(ALL.filter(isFinalJobState)).toEqual(["OK", "CENSORED", "FAULTED", "CSAM", "CANCELLED"]);
  });
});

describe("jobTtlSeconds", () => {
  const base = { width: 512, height: 512, steps: 30, controlnet: false, heavyBaseline: false, extraSlowWorker: false };

  it("never goes below 150 seconds for small jobs", () => {
    expect(jobTtlSeconds(base)).toBe(150); // 30 + 60 = 90 -> 150
  });

  it("grows with steps and area", () => {
    expect(jobTtlSeconds({ ...base, width: 1024, height: 1024, steps: 50 })).toBe(430); // 30 + 50·2·4
  });

  it("doubles with ControlNet and triples for heavy baselines before the minimum", () => {
    expect(jobTtlSeconds({ ...base, steps: 50, controlnet: true })).toBe(260); // (30+100)·2
    expect(jobTtlSeconds({ ...base, steps: 50, heavyBaseline: true })).toBe(390); // (30+100)·3
    expect(jobTtlSeconds({ ...base, steps: 50, controlnet: true, heavyBaseline: true })).toBe(780);
  });

  it("triples for extra-slow workers after the minimum", () => {
    expect(jobTtlSeconds({ ...base, extraSlowWorker: true })).toBe(450);
  });

  it("rounds up to whole seconds", () => {
    expect(jobTtlSeconds({ ...base, width: 576, height: 576, steps: 60 })).toBe(182); // 30 + 151.875
  });
});

describe("safeBatchAmount", () => {
  const base = {
    maxPixels: 1024 * 1024,
    amount: 4,
    width: 512,
    height: 512,
    postProcessors: [] as string[],
    heavy: false,
    remaining: 10,
  };

  it("gives a default worker one job at a time", () => {
    expect(safeBatchAmount({ ...base, maxPixels: 512 * 512 })).toBe(1);
  });

  it("batches up to the amount asked for on a big worker", () => {
    expect(safeBatchAmount(base)).toBe(4); // round(4.57) = 5, clamped to 4
  });

  it("batches fewer with post-processing and heavy operations", () => {
    expect(safeBatchAmount({ ...base, postProcessors: ["GFPGAN"] })).toBe(3); // 4.57 / 1.4
    expect(safeBatchAmount({ ...base, heavy: true })).toBe(3); // 4.57 / 1.8
    expect(safeBatchAmount({ ...base, postProcessors: ["RealESRGAN_x4plus"] })).toBe(2); // 4.57 / 1.4 / 1.8
  });

  it("batches fewer for heavy baselines", () => {
    expect(safeBatchAmount({ ...base, amount: 20, remaining: 30 })).toBe(20); // round(22.86) clamped to 20
    expect(safeBatchAmount({ ...base, amount: 20, remaining: 30, baseline: "flux_1" })).toBe(5); // round(22.86 / 5)
    expect(safeBatchAmount({ ...base, baseline: "qwen_image" })).toBe(1);
    expect(safeBatchAmount({ ...base, baseline: "stable_diffusion_xl" })).toBe(4);
  });

  it("never returns less than one job nor more than remain", () => {
    expect(safeBatchAmount({ ...base, width: 3072, height: 3072 })).toBe(1);
    expect(safeBatchAmount({ ...base, remaining: 2 })).toBe(2);
    expect(safeBatchAmount({ ...base, remaining: 0 })).toBe(0);
  });
});

describe("requestStatus", () => {
  const base: RequestCounts = {
    n: 2,
    waiting: 1,
    processing: 1,
    finished: 0,
    restarted: 0,
    faultedJobs: 0,
    cancelled: false,
    faulted: false,
  };

  it("is open and not done while jobs remain", () => {
    expect(requestStatus(base)).toEqual({ done: false, faulted: false, open: true });
  });

  it("is done once n images are finished", () => {
    expect(requestStatus({ ...base, waiting: 0, processing: 0, finished: 2 }).done).toBe(true);
    expect(requestStatus({ ...base, waiting: 0, processing: 1, finished: 1 }).done).toBe(false);
  });

  it("does not finish a request with faulted jobs that were replaced", () => {
    expect(requestStatus({ ...base, waiting: 1, processing: 0, finished: 1, faultedJobs: 1 }).done).toBe(false);
  });

  it("is done and faulted at once when marked faulted or after more than 2 faulted jobs", () => {
    expect(requestStatus({ ...base, faulted: true })).toEqual({ done: true, faulted: true, open: false });
    expect(requestStatus({ ...base, faultedJobs: 3 })).toEqual({ done: true, faulted: true, open: false });
    expect(requestStatus({ ...base, faultedJobs: 2 }).faulted).toBe(false);
  });

  it("waits for processing jobs after a cancel and hands out nothing more", () => {
    expect(requestStatus({ ...base, cancelled: true })).toEqual({ done: false, faulted: false, open: false });
    expect(requestStatus({ ...base, cancelled: true, processing: 0 }).done).toBe(true);
  });

  it("is closed for pops when nothing is waiting", () => {
    expect(requestStatus({ ...base, waiting: 0 }).open).toBe(false);
  });
});
