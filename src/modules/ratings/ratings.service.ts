/**
 * Ratings use cases: `rateImage` (the requester's own path and everyone else's), `imagesToRate`
 * and the dataset export. Rules in ratings.rules.ts; SQL in ratings.sql.ts.
 */
import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import { creditRatingReward } from "../kudos/kudos.service.ts";
import { isUserSuspicious, suspectUser } from "../trust/suspicion.service.ts";
import { ANONYMOUS_ID } from "../users/users.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import { checkRating, judgeRating, ownRatingRefusal, ratingReward, suspicionOf } from "./ratings.rules.ts";
import {
  type DatasetRow,
  insertRating,
  lockRater,
  lockRequestRow,
  type RatableRow,
  type RatingTarget,
  readDatasetPage,
  readHistory,
  readImagesToRate,
  readLimits,
  readTarget,
} from "./ratings.sql.ts";

export type { DatasetRow, RatableRow };

/** `rateImage` input, as the GraphQL layer hands it over. */
export interface RateImageInput {
  generationId: string;
  aesthetic: number;
  artifacts?: number | null;
}

/** Anonymous and shared keys do not rate (seed 004: shared keys are for generating only). */
export function assertMayRate(viewer: Viewer): void {
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot rate images");
  if (viewer.anonymous) throw new ForbiddenError("AnonForbidden", "Anonymous cannot rate images; register first");
}

const NOT_FOUND = "No such generation to rate";

/**
 * Whether the rater may rate this image, by the path it takes: the requester's own image while the
 * request's retention window is open; anyone else's only from the dataset. Throws the refusal.
 */
function assertRatable(t: RatingTarget | null, raterId: number, retentionSeconds: number, now: Date): RatingTarget {
  if (!t) throw new NotFoundError("GenerationNotFound", NOT_FOUND);
  if (t.requester === raterId) {
    const closesAt = t.ended_at.getTime() + retentionSeconds * 1000;
    const refusal = ownRatingRefusal({
      shared: t.shared,
      finished: !t.live,
      ok: t.state === "ok",
      windowOpen: !t.purged && (t.live || closesAt > now.getTime()),
    });
    if (refusal?.code === "GenerationNotFound") throw new NotFoundError(refusal.code, refusal.message);
    if (refusal) throw new ForbiddenError(refusal.code, refusal.message);
  } else if (!t.in_dataset) {
    // Another user's image that is not shared (or not yet collected) does not exist for the rater.
    throw new NotFoundError("GenerationNotFound", NOT_FOUND);
  }
  if (t.already_rated) throw new ConflictError("AlreadyRated", "You have rated this image already");
  return t;
}

/** The reward of a rating that counts: §3.11's amount within every cap (ratings.rules.ts). */
async function rewardOf(sql: Sql, viewer: Viewer, t: RatingTarget, artifacts: number | null, now: Date) {
  const limits = await readLimits(sql, {
    requestId: t.request_id,
    requesterId: t.requester,
    raterId: viewer.userId,
    now,
  });
  const own = t.requester === viewer.userId;
  const suspicious = await isUserSuspicious(sql, viewer.userId, viewer.trusted);
  return ratingReward(artifacts, {
    paidToOthers: Number(limits.paid_to_others),
    rewardedOnRequest: Number(limits.rewarded_on_request),
    raterToday: Number(limits.rater_today),
    pairToday: own || t.requester === ANONYMOUS_ID ? null : Number(limits.pair_today),
    eligible: !viewer.flagged && !suspicious,
  });
}

/**
 * `rateImage`: validates, finds the image and the path (own or dataset), judges the rating
 * against the rater's history (too fast, inconsistent: stored as discarded, no reward, suspicion
 * raised), caps the reward and credits it through the ledger, all in one transaction under the
 * rater's lock. Returns the reward (0 for a discarded or fully capped rating).
 */
export async function rateImage(deps: Deps, viewer: Viewer, input: RateImageInput): Promise<{ reward: number }> {
  assertMayRate(viewer);
  const artifacts = input.artifacts ?? null;
  const check = checkRating(input.aesthetic, artifacts);
  if (!check.ok) throw new ValidationError(check.code, check.message, check.field);
  if (!isUuid(input.generationId)) throw new NotFoundError("GenerationNotFound", NOT_FOUND);
  const jobId = input.generationId.toLowerCase();
  const now = deps.clock.now();
  return deps.db.tx(async (sql) => {
    await lockRater(sql, viewer.userId);
    const t = assertRatable(
      await readTarget(sql, jobId, viewer.userId),
      viewer.userId,
      deps.config.retentionSeconds,
      now,
    );
    await lockRequestRow(sql, t.request_id);
    const h = await readHistory(sql, viewer.userId, jobId, now);
    const here = h.others_mean !== null && h.others >= 3 ? [Math.abs(input.aesthetic - h.others_mean)] : [];
    const verdict = judgeRating(
      {
        lastAt: h.last_at,
        recent: h.recent,
        scores: [input.aesthetic, ...h.scores],
        distances: [...here, ...h.distances],
      },
      now,
    );
    const reward = verdict === "counted" ? await rewardOf(sql, viewer, t, artifacts, now) : 0;
    const base = { jobId, userId: viewer.userId, requestId: t.request_id, requesterId: t.requester };
    const stored = await insertRating(sql, {
      ...base,
      aesthetic: input.aesthetic,
      artifacts,
      reward,
      status: verdict,
      now,
    });
    if (!stored) throw new ConflictError("AlreadyRated", "You have rated this image already");
    if (reward > 0) await creditRatingReward(sql, { ...base, amount: reward }, now);
    const reason = suspicionOf(verdict);
    if (reason) await suspectUser(deps, viewer.userId, reason, sql);
    return { reward };
  });
}

/** Most images `imagesToRate` returns at once. */
export const MAX_IMAGES_TO_RATE = 100;

/**
 * Dataset images the viewer may rate (not their own requests', not rated by them), least-rated
 * first. Empty for Anonymous and shared keys, which cannot rate.
 */
export async function imagesToRate(deps: Deps, viewer: Viewer, first: number): Promise<RatableRow[]> {
  if (viewer.anonymous || viewer.sharedKeyId) return [];
  const limit = Math.max(1, Math.min(MAX_IMAGES_TO_RATE, Math.trunc(first)));
  return readImagesToRate(deps.db, viewer.userId, limit);
}

/** Dataset rows read per page by the export. */
const EXPORT_PAGE = 500;

/** One line of the export: what the dataset holds for an image, and its counted ratings. */
export function datasetLine(row: DatasetRow, baseUrl: string): string {
  const scores = row.ratings.map((r) => r.aesthetic);
  return JSON.stringify({
    id: row.job_id,
    prompt: row.prompt,
    params: row.params,
    model: row.model,
    imageUrl: `${baseUrl}/blobs/${row.image_key}`,
    width: row.width,
    height: row.height,
    nsfw: row.nsfw,
    createdAt: row.created_at.toISOString(),
    ratings: row.ratings,
    aestheticMean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
  });
}

/** Only moderators export the dataset over HTTP, and not through a shared key. */
export function assertMayExport(viewer: Viewer): void {
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot export the dataset");
  if (!viewer.moderator) throw new ForbiddenError("NotModerator", "Only moderators export the dataset");
}

/**
 * Writes the whole dataset as JSON Lines, one image a line, page by page in a stable order
 * (created_at, id), so memory stays flat however big it is. Callers check who asks
 * ({@link assertMayExport}); the command-line script is run by an operator. Returns the lines.
 */
export async function exportDataset(
  deps: Pick<Deps, "db">,
  baseUrl: string,
  write: (chunk: string) => Promise<void> | void,
): Promise<number> {
  let after: { createdAt: Date; jobId: string } | null = null;
  let lines = 0;
  for (;;) {
    const page = await readDatasetPage(deps.db, after, EXPORT_PAGE);
    if (page.length === 0) return lines;
    await write(`${page.map((r) => datasetLine(r, baseUrl)).join("\n")}\n`);
    lines += page.length;
    const last = page[page.length - 1]!;
    after = { createdAt: last.created_at, jobId: last.job_id };
  }
}
