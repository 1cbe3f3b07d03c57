import { describe, expect, it } from "vitest";
import {
  CONSISTENCY,
  checkRating,
  checkRequestRating,
  judgeRating,
  ownRatingRefusal,
  PAIR_DAILY_CAP,
  RATER_DAILY_CAP,
  type RatingHistory,
  ratingReward,
  requestRatingAmount,
  suspicionOf,
  TOO_FAST,
} from "./ratings.rules.ts";

const now = new Date("2026-12-01T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const calm: RatingHistory = { lastAt: ago(30), recent: 1, scores: [7], distances: [] };

describe("checkRating", () => {
  it("takes aesthetic 1–10 and artifacts 0–5 or none", () => {
    expect(checkRating(1, null)).toEqual({ ok: true });
    expect(checkRating(10, 0)).toEqual({ ok: true });
    expect(checkRating(5, 5)).toEqual({ ok: true });
  });

  it.each([
    [0, null, "InvalidAesthetic", "aesthetic"],
    [11, null, "InvalidAesthetic", "aesthetic"],
    [5.5, null, "InvalidAesthetic", "aesthetic"],
    [Number.NaN, null, "InvalidAesthetic", "aesthetic"],
    [5, -1, "InvalidArtifacts", "artifacts"],
    [5, 6, "InvalidArtifacts", "artifacts"],
    [5, 2.5, "InvalidArtifacts", "artifacts"],
  ])("refuses aesthetic %s, artifacts %s with %s", (a, x, code, field) => {
    expect(checkRating(a, x)).toMatchObject({ ok: false, code, field });
  });
});

describe("judgeRating", () => {
  it("counts an unhurried rating that fits", () => {
    expect(judgeRating(calm, now)).toBe("counted");
    expect(judgeRating({ ...calm, lastAt: null, recent: 0 }, now)).toBe("counted");
  });

  it("calls a rating within 2 s of the previous one, or a 6th within a minute, too fast", () => {
    expect(judgeRating({ ...calm, lastAt: ago(1.9) }, now)).toBe("too_fast");
    expect(judgeRating({ ...calm, lastAt: ago(TOO_FAST.minGapSeconds) }, now)).toBe("counted");
    expect(judgeRating({ ...calm, recent: TOO_FAST.burst }, now)).toBe("too_fast");
    expect(judgeRating({ ...calm, recent: TOO_FAST.burst - 1 }, now)).toBe("counted");
  });

  it("calls ten identical scores in a row inconsistent, nine not", () => {
    const same = (n: number) => Array.from({ length: n }, () => 8);
    expect(judgeRating({ ...calm, scores: same(CONSISTENCY.sameRun) }, now)).toBe("inconsistent");
    expect(judgeRating({ ...calm, scores: same(CONSISTENCY.sameRun - 1) }, now)).toBe("counted");
    expect(judgeRating({ ...calm, scores: [...same(9), 7] }, now)).toBe("counted");
  });

  it("calls scores far from the others' consensus inconsistent once there are five to compare", () => {
    expect(judgeRating({ ...calm, distances: [5, 6, 4.5, 5, 7] }, now)).toBe("inconsistent");
    expect(judgeRating({ ...calm, distances: [5, 6, 4.5, 5] }, now)).toBe("counted");
    expect(judgeRating({ ...calm, distances: [1, 0.5, 2, 3, 0] }, now)).toBe("counted");
  });

  it("raises the matching suspicion reason, none for a counted rating", () => {
    expect(suspicionOf("too_fast")).toBe("RATING_TOO_FAST");
    expect(suspicionOf("inconsistent")).toBe("RATING_INCONSISTENT");
    expect(suspicionOf("counted")).toBeNull();
  });
});

describe("ratingReward", () => {
  const open = { paidToOthers: 100, rewardedOnRequest: 0, raterToday: 0, pairToday: 0, eligible: true };

  it("pays 5 a rating and 5 more with artifacts (§3.11)", () => {
    expect(ratingReward(null, open)).toBe(5);
    expect(ratingReward(0, open)).toBe(10);
  });

  it("keeps a request's rewards within what it paid others, less 1", () => {
    expect(ratingReward(3, { ...open, paidToOthers: 10.5, rewardedOnRequest: 5 })).toBe(4.5);
    expect(ratingReward(3, { ...open, paidToOthers: 10, rewardedOnRequest: 9 })).toBe(0);
    expect(ratingReward(3, { ...open, paidToOthers: 0 })).toBe(0);
  });

  it("keeps a rater within the daily cap and the per-requester cap", () => {
    expect(ratingReward(3, { ...open, raterToday: RATER_DAILY_CAP - 2 })).toBe(2);
    expect(ratingReward(3, { ...open, pairToday: PAIR_DAILY_CAP - 3 })).toBe(3);
    expect(ratingReward(3, { ...open, pairToday: PAIR_DAILY_CAP + 10 })).toBe(0);
    expect(ratingReward(3, { ...open, pairToday: null, raterToday: 0 })).toBe(10);
  });

  it("pays a flagged or suspicious rater nothing", () => {
    expect(ratingReward(3, { ...open, eligible: false })).toBe(0);
  });
});

describe("ownRatingRefusal", () => {
  const fine = { shared: true, finished: true, ok: true, windowOpen: true };
  it("lets a requester rate a finished, shared request's image while its window is open", () => {
    expect(ownRatingRefusal(fine)).toBeNull();
    expect(ownRatingRefusal({ ...fine, windowOpen: false })?.code).toBe("RatingWindowClosed");
    expect(ownRatingRefusal({ ...fine, shared: false })?.code).toBe("RequestNotShared");
    expect(ownRatingRefusal({ ...fine, finished: false })?.code).toBe("RequestNotFinished");
    expect(ownRatingRefusal({ ...fine, ok: false })?.code).toBe("GenerationNotFound");
  });
});

describe("requestRatingAmount (whole-request rating, §3.11)", () => {
  const s = (id: string, aesthetic: number, artifacts: number | null = null) => ({
    generationId: id,
    aesthetic,
    artifacts,
  });
  it("pays 5 a score and 5 more for each with artifacts", () => {
    expect(requestRatingAmount({ scores: [s("a", 8), s("b", 3, 2)], best: null, images: 2 })).toBe(15);
  });
  it("pays 15 for naming the best alone, nothing for nothing", () => {
    expect(requestRatingAmount({ scores: [], best: "a", images: 4 })).toBe(15);
    expect(requestRatingAmount({ scores: [], best: null, images: 4 })).toBe(0);
  });
  it("adds 15 when exactly one of several is scored below 7 and a different best is named", () => {
    expect(requestRatingAmount({ scores: [s("a", 6)], best: "b", images: 2 })).toBe(20);
    expect(requestRatingAmount({ scores: [s("a", 6, 0)], best: "b", images: 2 })).toBe(25);
  });
  it("adds nothing when the score is 7 or more, the best is the scored one, no best, or only one image", () => {
    expect(requestRatingAmount({ scores: [s("a", 7)], best: "b", images: 2 })).toBe(5);
    expect(requestRatingAmount({ scores: [s("a", 2)], best: "a", images: 2 })).toBe(5);
    expect(requestRatingAmount({ scores: [s("a", 2)], best: null, images: 2 })).toBe(5);
    expect(requestRatingAmount({ scores: [s("a", 2)], best: "b", images: 1 })).toBe(5);
    expect(requestRatingAmount({ scores: [s("a", 2), s("c", 2)], best: "b", images: 3 })).toBe(10);
  });
});

describe("checkRequestRating", () => {
  it("needs a best or a score, at most 20 scores, valid and each image once", () => {
    expect(checkRequestRating({ scores: [], best: null })).toMatchObject({ ok: false, code: "NothingToRate" });
    const many = Array.from({ length: 21 }, (_, i) => ({ generationId: `g${i}`, aesthetic: 5, artifacts: null }));
    expect(checkRequestRating({ scores: many, best: null })).toMatchObject({ ok: false, code: "TooManyRatings" });
    const dup = [
      { generationId: "A", aesthetic: 5, artifacts: null },
      { generationId: "a", aesthetic: 6, artifacts: null },
    ];
    expect(checkRequestRating({ scores: dup, best: null })).toMatchObject({ ok: false, code: "DuplicateRating" });
    const bad = [{ generationId: "a", aesthetic: 11, artifacts: null }];
    expect(checkRequestRating({ scores: bad, best: null })).toMatchObject({ ok: false, code: "InvalidAesthetic" });
    expect(checkRequestRating({ scores: [], best: "a" })).toEqual({ ok: true });
  });
});
