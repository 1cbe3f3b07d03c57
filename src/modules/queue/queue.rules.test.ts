import { describe, expect, it } from "vitest";
import { isFinalJobState, type JobState, jobTtlSeconds, type RequestCounts, requestStatus } from "./queue.rules.ts";

const ALL: JobState[] = ["WAITING", "PROCESSING", "OK", "CENSORED", "FAULTED", "CSAM", "CANCELLED"];

describe("job states", () => {
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

  it("is done and faulted at once when marked faulted", () => {
    expect(requestStatus({ ...base, faulted: true })).toEqual({ done: true, faulted: true, open: false });
  });

  it("is not faulted by raw fault counts: one worker's faults on a request count once (the settlement marks it)", () => {
    expect(requestStatus({ ...base, faultedJobs: 3, restarted: 3 })).toEqual({
      done: false,
      faulted: false,
      open: true,
    });
  });

  it("waits for processing jobs after a cancel and hands out nothing more", () => {
    expect(requestStatus({ ...base, cancelled: true })).toEqual({ done: false, faulted: false, open: false });
    expect(requestStatus({ ...base, cancelled: true, processing: 0 }).done).toBe(true);
  });

  it("is closed for pops when nothing is waiting", () => {
    expect(requestStatus({ ...base, waiting: 0 }).open).toBe(false);
  });
});
