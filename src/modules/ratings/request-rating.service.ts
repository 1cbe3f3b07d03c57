/**
 * `rateImageRequest`: a requester rates a whole finished, shared request (reference §3.11, the
 * AI Horde's `POST /generate/rate/{id}`): the best image of the batch, scores for some of its
 * images, or both, once per request, within its retention window. Rules in ratings.rules.ts.
 */
import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { creditRatingReward } from "../kudos/kudos.service.ts";
import { isUserSuspicious, suspectUser } from "../trust/suspicion.service.ts";
import type { Viewer } from "../users/users.service.ts";
import {
  cappedReward,
  checkRequestRating,
  judgeRating,
  ownRatingRefusal,
  type RequestScore,
  requestRatingAmount,
  suspicionOf,
} from "./ratings.rules.ts";
import { assertMayRate } from "./ratings.service.ts";
import {
  insertRating,
  insertRequestRating,
  lockRater,
  lockRequestRow,
  type RequestForRating,
  readHistory,
  readLimits,
  readRequestForRating,
} from "./ratings.sql.ts";

/** `rateImageRequest` input, as the GraphQL layer hands it over. */
export interface RateRequestInput {
  requestId: string;
  best?: string | null;
  ratings?: readonly RequestScore[] | null;
}

const NO_REQUEST = "No such request to rate";

/** Refuses what the requester may not rate: not theirs, not rateable now, ids not of its images. */
function assertRequestRatable(
  q: RequestForRating | null,
  a: { raterId: number; retentionSeconds: number; now: Date; best: string | null; scores: readonly RequestScore[] },
): RequestForRating {
  // Another user's request does not exist for the rater (its id is no secret worth confirming).
  if (!q || q.requester !== a.raterId) throw new NotFoundError("RequestNotFound", NO_REQUEST);
  const closesAt = q.ended_at.getTime() + a.retentionSeconds * 1000;
  const refusal = ownRatingRefusal({
    shared: q.shared,
    finished: !q.live,
    ok: q.ok_jobs.length > 0,
    windowOpen: !q.purged && (q.live || closesAt > a.now.getTime()),
  });
  if (refusal?.code === "GenerationNotFound") throw new NotFoundError(refusal.code, refusal.message);
  if (refusal) throw new ForbiddenError(refusal.code, refusal.message);
  const ok = new Set(q.ok_jobs);
  const ids = [...a.scores.map((s) => s.generationId), ...(a.best ? [a.best] : [])];
  if (ids.some((id) => !ok.has(id))) {
    throw new NotFoundError("GenerationNotFound", "Every generation named must be an image of this request");
  }
  const rated = new Set(q.rated_jobs);
  if (q.already || a.scores.some((s) => rated.has(s.generationId))) {
    throw new ConflictError("AlreadyRated", "You have rated this request or one of these images already");
  }
  return q;
}

/**
 * Validates, checks the request and the images named, judges the scores against the rater's
 * history (too fast or inconsistent: stored as discarded, no reward, suspicion raised), computes
 * §3.11's amount with the best-of bonuses, caps it like any rating (what the request paid other
 * users' workers less 1, the rater's daily cap, nothing for a flagged or suspicious rater) and
 * credits it through the ledger as one `rating_reward`, all in one transaction under the rater's
 * lock. Returns the reward.
 */
export async function rateImageRequest(
  deps: Deps,
  viewer: Viewer,
  input: RateRequestInput,
): Promise<{ reward: number }> {
  assertMayRate(viewer);
  const scores = (input.ratings ?? []).map((s) => ({
    generationId: s.generationId.toLowerCase(),
    aesthetic: s.aesthetic,
    artifacts: s.artifacts ?? null,
  }));
  const best = input.best ? input.best.toLowerCase() : null;
  const check = checkRequestRating({ scores, best });
  if (!check.ok) throw new ValidationError(check.code, check.message, check.field);
  if (!isUuid(input.requestId)) throw new NotFoundError("RequestNotFound", NO_REQUEST);
  if ((best && !isUuid(best)) || scores.some((s) => !isUuid(s.generationId))) {
    throw new NotFoundError("GenerationNotFound", "Every generation named must be an image of this request");
  }
  const requestId = input.requestId.toLowerCase();
  const now = deps.clock.now();
  return deps.db.tx(async (sql) => {
    await lockRater(sql, viewer.userId);
    const q = assertRequestRatable(await readRequestForRating(sql, requestId, viewer.userId), {
      raterId: viewer.userId,
      retentionSeconds: deps.config.retentionSeconds,
      now,
      best,
      scores,
    });
    await lockRequestRow(sql, requestId);
    const h = await readHistory(sql, viewer.userId, scores[0]?.generationId ?? best!, now);
    const verdict = judgeRating(
      {
        lastAt: h.last_at,
        recent: h.recent,
        scores: [...scores.map((s) => s.aesthetic), ...h.scores],
        distances: h.distances,
      },
      now,
    );
    let reward = 0;
    if (verdict === "counted") {
      const limits = await readLimits(sql, { requestId, requesterId: viewer.userId, raterId: viewer.userId, now });
      reward = cappedReward(requestRatingAmount({ scores, best, images: q.ok_jobs.length }), {
        paidToOthers: Number(limits.paid_to_others),
        rewardedOnRequest: Number(limits.rewarded_on_request),
        raterToday: Number(limits.rater_today),
        pairToday: null,
        eligible: !viewer.flagged && !(await isUserSuspicious(sql, viewer.userId, viewer.trusted)),
      });
    }
    const base = { userId: viewer.userId, requestId, requesterId: viewer.userId };
    for (const s of scores) {
      const stored = await insertRating(sql, {
        ...base,
        jobId: s.generationId,
        aesthetic: s.aesthetic,
        artifacts: s.artifacts,
        reward: 0,
        status: verdict,
        now,
      });
      if (!stored) throw new ConflictError("AlreadyRated", "You have rated one of these images already");
    }
    const stored = await insertRequestRating(sql, { ...base, bestJobId: best, reward, status: verdict, now });
    if (!stored) throw new ConflictError("AlreadyRated", "You have rated this request already");
    const jobId = best ?? scores[0]!.generationId;
    if (reward > 0) await creditRatingReward(sql, { ...base, jobId, amount: reward }, now);
    const reason = suspicionOf(verdict);
    if (reason) await suspectUser(deps, viewer.userId, reason, sql);
    return { reward };
  });
}
