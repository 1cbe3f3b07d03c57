/**
 * Ratings: what a rating may say, what it earns and when it earns nothing. Pure.
 *
 * Who rates what (ratings.service.ts decides which path a rating takes):
 * - a requester rates the images of their own finished, shared request while its retention
 *   window is open (the AI Horde's `POST /generate/rate`, a kudos refund);
 * - any other registered user rates images of the dataset (shared generations of others).
 *
 * Rewards (reference §3.11): 5 kudos a rating, +5 when it rates artifacts too. Caps, in order:
 * - per request: all rewards for ratings of one request's images, whoever gives them, stay within
 *   what its requester paid other users' workers for it, less 1 (§3.11's `consumed − 1`, counting
 *   only kudos that went to someone else: a requester served by their own worker paid nobody);
 * - per rater: {@link RATER_DAILY_CAP} kudos in any 24 hours;
 * - per rater and registered requester: {@link PAIR_DAILY_CAP} kudos in any 24 hours, so a second
 *   account rating the first one's images earns little (Anonymous's images are everyone's to rate
 *   and are bounded by the per-rater cap alone).
 * A rating that comes too fast or does not fit the rater's other ratings earns nothing, does not
 * count (consensus, export) and raises suspicion; a flagged or suspicious rater earns nothing.
 */
import { fromCents, toCents } from "../../lib/money.ts";

/** Aesthetic scores run 1–10, artifacts 0–5 (0: none). */
export const AESTHETIC = { min: 1, max: 10 } as const;
export const ARTIFACTS = { min: 0, max: 5 } as const;

/** Kudos a rating earns (§3.11), and the bonus for rating artifacts too. */
export const RATING_REWARD = 5;
export const ARTIFACTS_BONUS = 5;

/** Most kudos one user earns from ratings in 24 hours. */
export const RATER_DAILY_CAP = 200;
/** Most kudos one user earns in 24 hours rating the images of one registered requester. */
export const PAIR_DAILY_CAP = 30;

/**
 * Too fast: the reference limits the aesthetics endpoint to 5 a minute, so a 6th rating within
 * 60 s is too fast; and nobody looks at an image and scores it within 2 s of the previous one.
 */
export const TOO_FAST = { burst: 5, windowSeconds: 60, minGapSeconds: 2 } as const;

/**
 * Inconsistent: the rater's last {@link CONSISTENCY.sameRun} aesthetic scores are all the same
 * (a bot pressing one button), or, over their last ratings of images at least
 * {@link CONSISTENCY.minOthers} other users rated, the mean distance from the others' mean is over
 * {@link CONSISTENCY.maxMeanDistance} (on a 1–10 scale) once there are
 * {@link CONSISTENCY.minCompared} such ratings (random scores land about 3.3 away on average from
 * a consensus in the middle, and further from one at either end).
 */
export const CONSISTENCY = { sameRun: 10, minOthers: 3, minCompared: 5, maxMeanDistance: 4 } as const;

export type RatingCheck = { ok: true } | { ok: false; code: string; message: string; field: string };

/** Validates the scores of a rating. */
export function checkRating(aesthetic: number, artifacts: number | null): RatingCheck {
  if (!Number.isInteger(aesthetic) || aesthetic < AESTHETIC.min || aesthetic > AESTHETIC.max) {
    return {
      ok: false,
      code: "InvalidAesthetic",
      message: "aesthetic is a whole number from 1 to 10",
      field: "aesthetic",
    };
  }
  if (artifacts !== null && (!Number.isInteger(artifacts) || artifacts < ARTIFACTS.min || artifacts > ARTIFACTS.max)) {
    return {
      ok: false,
      code: "InvalidArtifacts",
      message: "artifacts is a whole number from 0 to 5",
      field: "artifacts",
    };
  }
  return { ok: true };
}

/** What the anti-abuse checks look at, read under the rater's lock. */
export interface RatingHistory {
  /** When the rater's previous rating was made, or null for a first one. */
  lastAt: Date | null;
  /** The rater's ratings within the last {@link TOO_FAST.windowSeconds} seconds. */
  recent: number;
  /** The rater's latest counted aesthetic scores, newest first, this one included. */
  scores: readonly number[];
  /**
   * For the rater's latest counted ratings of images that at least {@link CONSISTENCY.minOthers}
   * others rated, this one included: |score − the others' mean score|, newest first.
   */
  distances: readonly number[];
}

export type RatingVerdict = "counted" | "too_fast" | "inconsistent";

/** Whether a rating counts, or why it does not. */
export function judgeRating(h: RatingHistory, now: Date): RatingVerdict {
  const gap = h.lastAt ? (now.getTime() - h.lastAt.getTime()) / 1000 : Number.POSITIVE_INFINITY;
  if (gap < TOO_FAST.minGapSeconds || h.recent >= TOO_FAST.burst) return "too_fast";
  const run = h.scores.slice(0, CONSISTENCY.sameRun);
  if (run.length === CONSISTENCY.sameRun && run.every((s) => s === run[0])) return "inconsistent";
  const compared = h.distances.slice(0, CONSISTENCY.sameRun);
  if (compared.length >= CONSISTENCY.minCompared) {
    const mean = compared.reduce((a, b) => a + b, 0) / compared.length;
    if (mean > CONSISTENCY.maxMeanDistance) return "inconsistent";
  }
  return "counted";
}

/** The suspicion reason a discarded rating raises. */
export function suspicionOf(verdict: RatingVerdict): "RATING_TOO_FAST" | "RATING_INCONSISTENT" | null {
  if (verdict === "too_fast") return "RATING_TOO_FAST";
  if (verdict === "inconsistent") return "RATING_INCONSISTENT";
  return null;
}

/** What a counted rating's reward is capped by; amounts in kudos. */
export interface RewardLimits {
  /** What the request's requester paid other users' workers for it. */
  paidToOthers: number;
  /** Rewards already given for ratings of this request's images. */
  rewardedOnRequest: number;
  /** The rater's rating rewards in the last 24 hours. */
  raterToday: number;
  /** The rater's rewards for this requester's images in the last 24 hours; null for Anonymous's. */
  pairToday: number | null;
  /** False for a flagged or suspicious rater. */
  eligible: boolean;
}

/** The reward of a counted rating: §3.11's amount, within every cap; never negative. */
export function ratingReward(artifacts: number | null, l: RewardLimits): number {
  return cappedReward(RATING_REWARD + (artifacts !== null ? ARTIFACTS_BONUS : 0), l);
}

/** A reward of `amount` kudos within every cap of {@link RewardLimits}; 0 for an ineligible rater. */
export function cappedReward(amount: number, l: RewardLimits): number {
  if (!l.eligible) return 0;
  const base = toCents(amount);
  const caps = [
    toCents(l.paidToOthers) - toCents(1) - toCents(l.rewardedOnRequest),
    toCents(RATER_DAILY_CAP) - toCents(l.raterToday),
    l.pairToday === null ? base : toCents(PAIR_DAILY_CAP) - toCents(l.pairToday),
  ];
  return fromCents(Math.max(0, Math.min(base, ...caps)));
}

/** Why the requester of an image may not rate it (their own path), or null when they may. */
export function ownRatingRefusal(r: { shared: boolean; finished: boolean; ok: boolean; windowOpen: boolean }): {
  code: "RequestNotShared" | "RequestNotFinished" | "RatingWindowClosed" | "GenerationNotFound";
  message: string;
} | null {
  if (!r.windowOpen)
    return {
      code: "RatingWindowClosed",
      message: "The request's retention window is over; its images can no longer be rated by you",
    };
  if (!r.shared) return { code: "RequestNotShared", message: "Only shared requests can be rated" };
  if (!r.finished) return { code: "RequestNotFinished", message: "The request is not finished yet" };
  if (!r.ok) return { code: "GenerationNotFound", message: "That generation has no image to rate" };
  return null;
}

/** Best-of alone (a whole-request rating that names the best image and scores none) earns this. */
export const BEST_ALONE_REWARD = 15;
/** The bonus of §3.11: one image scored below {@link BEST_BONUS_BELOW} and a different best named. */
export const BEST_BONUS = 15;
export const BEST_BONUS_BELOW = 7;
/** Most scores one whole-request rating carries (a request has at most 20 images). */
export const MAX_REQUEST_RATINGS = 20;

/** One score of a whole-request rating. */
export interface RequestScore {
  generationId: string;
  aesthetic: number;
  artifacts: number | null;
}

/**
 * The amount of a whole-request rating before caps (reference §3.11): 5 a score, +5 for each
 * that rates artifacts; naming the best alone earns 15; scoring exactly one image of several
 * below 7 and naming a different one best adds 15.
 */
export function requestRatingAmount(a: {
  scores: readonly RequestScore[];
  best: string | null;
  images: number;
}): number {
  if (a.scores.length === 0) return a.best ? BEST_ALONE_REWARD : 0;
  let amount = a.scores.reduce((sum, s) => sum + RATING_REWARD + (s.artifacts !== null ? ARTIFACTS_BONUS : 0), 0);
  const [only] = a.scores;
  if (
    a.scores.length === 1 &&
    a.images > 1 &&
    only!.aesthetic < BEST_BONUS_BELOW &&
    a.best &&
    a.best !== only!.generationId
  ) {
    amount += BEST_BONUS;
  }
  return amount;
}

/**
 * Checks a whole-request rating's shape: a best or at least one score, at most
 * {@link MAX_REQUEST_RATINGS} scores, each valid and each image once.
 */
export function checkRequestRating(a: { scores: readonly RequestScore[]; best: string | null }): RatingCheck {
  if (a.scores.length === 0 && !a.best) {
    return {
      ok: false,
      code: "NothingToRate",
      message: "Name the best image, score some images, or both",
      field: "ratings",
    };
  }
  if (a.scores.length > MAX_REQUEST_RATINGS) {
    return { ok: false, code: "TooManyRatings", message: `At most ${MAX_REQUEST_RATINGS} scores`, field: "ratings" };
  }
  const seen = new Set<string>();
  for (const s of a.scores) {
    const c = checkRating(s.aesthetic, s.artifacts);
    if (!c.ok) return c;
    const id = s.generationId.toLowerCase();
    if (seen.has(id)) {
      return { ok: false, code: "DuplicateRating", message: "Each image is scored once", field: "ratings" };
    }
    seen.add(id);
  }
  return { ok: true };
}
