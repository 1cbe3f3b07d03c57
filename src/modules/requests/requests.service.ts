import type { Deps } from "../../deps.ts";
import { ForbiddenError, KudosError, LimitError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import { fromCents, toCents } from "../../lib/money.ts";
import { balanceOf, chargeHordeTax } from "../kudos/kudos.service.ts";
import { isHeavyBaseline, lowestStepAverage } from "../models/models.rules.ts";
import { modelCatalog } from "../models/models.service.ts";
import {
  assertAcceptingRequests,
  assertIpAllowed,
  hordeModes,
  screenRequestPrompt,
} from "../moderation/moderation.service.ts";
import { jobTtlSeconds, mayCancelRequest } from "../queue/queue.rules.ts";
import { assertSharedKeyAllows, spendSharedKey } from "../sharedkeys/sharedkeys.service.ts";
import { requestPriority } from "../trust/priority.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import { onlineSince } from "../workers/workers.rules.ts";
import { queuedCount, rankingStandings } from "./queue-ranking.ts";
import { type AdmissionContext, type Admitted, admitImageRequest } from "./requests.admit.ts";
import { decodeRequestImages } from "./requests.images.ts";
import { accurateSteps } from "./requests.pricing.ts";
import { type CreateImageRequestInput, IMAGE_LIMITS } from "./requests.rules.ts";
import {
  type CapacityRow,
  cancelRequest,
  existingWorkerIds,
  type GenerationRow,
  insertRequest,
  lockRequester,
  type NewImageRequest,
  type NewRequest,
  type RequestKey,
  type RequestRow,
  readActiveThreads,
  readGenerations,
  readOnlineCapacities,
  readOnlineCapacity,
  readRequests,
  readUserRequests,
} from "./requests.sql.ts";

/** The request watcher, for the other kinds' `…RequestUpdated` subscriptions (text, alchemy). */
export { type WatchableRow, watchRequest, watchRows } from "./requests.watch.ts";
export type { GenerationRow, RequestKey, RequestRow };
/** The admission lock and count every kind takes (alchemy counts its own forms: `kind`). */
export { lockRequester };

/** The lowest priority a registered requester gets, whatever their balance (issue: kudos economy). */
export const REGISTERED_PRIORITY_FLOOR = 25;
/** Anonymous's priority floor, as its kudos floor in the AI Horde. */
export const ANONYMOUS_PRIORITY_FLOOR = -50;

/** Shared-key refusals that `allowDowngrade` turns into a request at the lowest priority. */
const KEY_DOWNGRADES = new Set(["SharedKeyEmpty", "SharedKeyInsufficientKudos"]);

/** The prompt word limit (the AI Horde's). */
const MAX_PROMPT_WORDS = 7500;

export interface CreateResult {
  requestId: string | null;
  kudos: number;
  warnings: string[];
}

/**
 * Everything admission needs to know about the world, read before it runs: the decoded source
 * image and mask, which listed workers exist, the horde's capacity, and (when a downgrade may
 * hinge on it) the requester's balance.
 */
async function admissionContext(deps: Deps, viewer: Viewer, input: CreateImageRequestInput): Promise<AdmissionContext> {
  const listed = input.workers ?? [];
  // A list over the limit is refused by admission; it is not looked up.
  const lookup = listed.length <= IMAGE_LIMITS.maxWorkers ? [...new Set(listed.filter(isUuid))] : [];
  const since = onlineSince(deps.clock.now());
  // The queue's length from the ranking (at most a second old), not a count over the queue.
  const [images, workers, activeThreads, queuedRequests, balance] = await Promise.all([
    decodeRequestImages(input),
    existingWorkerIds(deps.db, lookup),
    readActiveThreads(deps.db, since),
    queuedCount(deps.db, deps.clock.now()),
    viewer.anonymous ? null : balanceOf(deps.db, viewer.userId),
  ]);
  const capacity = { activeThreads, queuedRequests };
  return {
    models: modelCatalog(deps).byName,
    limits: { maxPromptWords: MAX_PROMPT_WORDS },
    images,
    knownWorkers: new Set(workers),
    capacity,
    balance,
    anonymous: viewer.anonymous,
  };
}

/** The row an admitted request is stored as. */
function newRequestRow(
  deps: Deps,
  viewer: Viewer,
  admitted: Admitted,
  keys: { sourceImageKey: string | null; sourceMaskKey: string | null },
  now: Date,
): NewImageRequest {
  const { request: req, models } = admitted;
  const { params } = req;
  const steps = accurateSteps(params.samplerName, params.steps);
  return {
    kind: "image",
    userId: viewer.userId,
    sharedKeyId: viewer.sharedKeyId,
    prompt: req.prompt,
    params,
    models: req.models,
    n: params.n,
    width: params.width,
    height: params.height,
    steps,
    nsfw: req.nsfw,
    trustedWorkers: req.trustedWorkers,
    slowWorkers: req.slowWorkers,
    extraSlowWorkers: req.extraSlowWorkers,
    stepsAboveAverage: steps > lowestStepAverage(req.models.map((m) => modelCatalog(deps).byName.get(m))),
    workerIds: req.workers,
    workerBlacklist: req.workerBlacklist,
    ...keys,
    sourceProcessing: req.sourceProcessing,
    needsImg2img: req.sourceProcessing === "img2img",
    needsPainting: req.sourceProcessing === "inpainting" || req.sourceProcessing === "outpainting",
    needsPostProc: params.postProcessing.length > 0,
    needsControlnet: params.controlType !== null,
    needsLora: params.loras.length > 0,
    jobTtl: jobTtlSeconds({
      width: params.width,
      height: params.height,
      steps,
      controlnet: params.controlType !== null,
      heavyBaseline: models.some((m) => isHeavyBaseline(m.baseline)),
      extraSlowWorker: false,
    }),
    shared: req.shared,
    jobKudos: fromCents(admitted.price.job),
    expiresAt: new Date(now.getTime() + deps.config.requestExpirySeconds * 1000),
    now,
  };
}

/** What a request's admission charges and requires, in hundredths of kudos. */
export interface AdmissionMoney {
  /** the horde tax, charged when the request is stored (never refunded) */
  taxCents: number;
  /** what the whole request is estimated to cost */
  totalCents: number;
  /** why the requester must hold `totalCents` now, or null when they need not */
  upfront: string | null;
}

/**
 * Stores an admitted request of any kind in one transaction (the engine's admission, issue 12):
 * under the requester's lock, the concurrency limit (jobs waiting or processing, every kind) and
 * the upfront balance are checked again, then the request and its WAITING jobs are inserted and
 * the horde tax is charged (through the kudos module) and spent from the shared key. After
 * commit, idle feeds of the request's kind are woken. Each kind's module validates and prices
 * first, then calls this.
 */
export async function storeRequest<T>(
  deps: Deps,
  viewer: Viewer,
  row: NewRequest,
  money: AdmissionMoney,
  downgraded: boolean,
  /**
   * A read the answer needs (whether an online worker can serve the request), run in the
   * admission's transaction once the request is in: done there rather than after the commit, it
   * does not run beside the claim of a worker woken by the commit, which it used to slow down.
   */
  readBeforeCommit?: (sql: Sql, requestId: string) => Promise<T>,
): Promise<{ requestId: string; read: T | undefined }> {
  const jobs = row.jobs ? row.jobs.length : row.n;
  const { requestId: id, read } = await deps.db.tx(async (sql) => {
    const requester = await lockRequester(sql, viewer.userId);
    if (requester.active + jobs > requester.concurrency) {
      throw new LimitError(
        "TooManyPrompts",
        viewer.anonymous
          ? `Anonymous requests are limited to ${requester.concurrency} jobs in the queue; register for your own limit`
          : `You have ${requester.active} jobs queued or generating; your limit is ${requester.concurrency}`,
      );
    }
    if (money.upfront && toCents(requester.kudos) < money.totalCents) {
      throw new KudosError(
        "KudosUpfront",
        `${money.upfront} It costs ${fromCents(money.totalCents)} kudos and you have ${requester.kudos}. Set allowDowngrade to run it smaller.`,
      );
    }
    const floor = viewer.anonymous ? ANONYMOUS_PRIORITY_FLOOR : REGISTERED_PRIORITY_FLOOR;
    const priority = requestPriority({ kudos: requester.kudos, floor, flagged: viewer.flagged, downgraded });
    const requestId = await insertRequest(sql, row, priority);
    const tax = fromCents(money.taxCents);
    await chargeHordeTax(
      sql,
      { userId: viewer.userId, requestId, sharedKeyId: viewer.sharedKeyId, amount: tax },
      row.now,
    );
    await spendSharedKey(sql, viewer.sharedKeyId, tax);
    return { requestId, read: await readBeforeCommit?.(sql, requestId) };
  });
  deps.bus.publish("jobsAvailable", {
    kind: row.kind,
    requestId: id,
    count: jobs,
    models: row.jobs ? [...new Set(row.jobs.map((j) => j.model))] : row.models,
    pixels: (row.width ?? 0) * (row.height ?? 0),
    nsfw: row.nsfw,
    userId: viewer.userId,
  });
  return { requestId: id, read };
}

/**
 * `createImageRequest`, in one line: gather the context, admit (validate, price, decide the
 * upfront question: one pure step), then on a real run store the request and its n WAITING
 * jobs with the horde tax, and wake idle worker feeds after commit. A dry run only prices.
 * Throws a DomainError for every refusal.
 */
export async function createImageRequest(
  deps: Deps,
  viewer: Viewer,
  input: CreateImageRequestInput,
): Promise<CreateResult> {
  // trust (issue 11): blocked addresses, maintenance mode, then the prompt filters
  await assertIpAllowed(deps, viewer.ip);
  await assertAcceptingRequests(deps, viewer);
  const catalog = modelCatalog(deps).byName;
  const nsfwModel = (input.models ?? []).some((m) => catalog.get(m)?.nsfw === true);
  if (typeof input.prompt === "string" && input.prompt.trim().length > 0) {
    input = { ...input, prompt: await screenRequestPrompt(deps, viewer, input.prompt, { nsfwModel }) };
  }
  const admitted = admitImageRequest(input, await admissionContext(deps, viewer, input));
  if (!admitted.ok) {
    if (admitted.kind === "kudos") throw new KudosError(admitted.code, admitted.message);
    throw new ValidationError(admitted.code, admitted.message, admitted.field);
  }
  const { request: req, price, warnings } = admitted;
  const kudos = fromCents(price.total);
  if (req.dryRun) return { requestId: null, kudos, warnings };
  const now = deps.clock.now();
  let downgraded = false;
  if (viewer.sharedKeyId) {
    const use = { pixels: req.params.width * req.params.height, steps: req.params.steps, kudos, now };
    try {
      await assertSharedKeyAllows(deps.db, viewer.sharedKeyId, use);
    } catch (e) {
      // An exhausted shared key with allowDowngrade runs the request at Anonymous's priority (§3.8).
      if (!(req.allowDowngrade && e instanceof KudosError && KEY_DOWNGRADES.has(e.code))) throw e;
      downgraded = true;
      warnings.push("Downgraded: the shared key's kudos are used up; the request runs at the lowest priority");
    }
  }
  const stored: string[] = [];
  try {
    const put = async (image: typeof req.sourceImage) => {
      const key = image ? await deps.blobs.put(image.bytes, image.format) : null;
      if (key) stored.push(key);
      return key;
    };
    const keys = { sourceImageKey: await put(req.sourceImage), sourceMaskKey: await put(req.sourceMask) };
    const row = newRequestRow(deps, viewer, admitted, keys, now);
    const money = { taxCents: price.tax, totalCents: price.total, upfront: admitted.upfront };
    const since = onlineSince(now);
    const { requestId, read: queue } = await storeRequest(deps, viewer, row, money, downgraded, (sql, id) =>
      readOnlineCapacity(sql, id, since),
    );
    // raid mode suppresses the warning, as the AI Horde does (it would tell a raider what is served)
    if (queue && !queue.possible && !(await hordeModes(deps)).raid) {
      warnings.push("NoAvailableWorker: no online worker can serve this request now; it waits until one can");
    }
    return { requestId, kudos, warnings };
  } catch (err) {
    // the refusal is what the caller must see; a blob left behind is only logged
    for (const key of stored) {
      await deps.blobs.delete(key).catch((e: Error) => deps.logger.warn({ err: e.message, key }, "orphan blob"));
    }
    throw err;
  }
}

/**
 * Cancels a request: a registered user's only by its requester (any of their keys) or a
 * moderator; Anonymous's by anyone who knows its id (`mayCancelRequest`).
 */
export async function cancelImageRequest(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  if (!isUuid(id)) throw new NotFoundError("NotFound", "No such request");
  const row = (await readRequests(deps.db, [id]))[0];
  if (!row) throw new NotFoundError("NotFound", "No such request");
  if (!mayCancelRequest(viewer, row.user_id)) {
    throw new ForbiddenError("WrongCredentials", "Only the user who made this request, or a moderator, can cancel it");
  }
  const res = await cancelRequest(deps.db, id, deps.clock.now());
  if (!res) throw new NotFoundError("NotFound", "No such request");
  deps.bus.publish("requestChanged", { id, ended: false });
  return id;
}

/** The rows of the requests named, in one statement (ids that are not UUIDs find nothing). */
export function requestsByIds(deps: Deps, ids: readonly string[]): Promise<RequestRow[]> {
  return readRequests(deps.db, ids.filter(isUuid));
}

/**
 * A page of a user's stored requests, newest first (`User.requests`); the caller decides who may
 * see them.
 */
export function requestsOfUser(
  deps: Deps,
  userId: number,
  page: { after: RequestKey | null; before: RequestKey | null; limit: number; inverted: boolean },
): Promise<RequestRow[]> {
  return readUserRequests(deps.db, userId, page);
}

/** The finished images of several requests, in one statement. */
export function generationsOfMany(deps: Deps, requestIds: readonly string[]): Promise<GenerationRow[]> {
  return readGenerations(deps.db, requestIds);
}

/** Where a request stands in the queue and the online capacity serving it. */
export type QueueRow = CapacityRow & { position: number; pixelsteps_ahead: number };

/**
 * Where each request stands in the queue, from a ranking at most a second old (queue-ranking.ts),
 * counting the workers online now; two statements at most whatever the list's length (a single
 * request's status is a list of one). Requests that do not exist are left out.
 */
export async function queueStandings(deps: Deps, ids: readonly string[]): Promise<Map<string, QueueRow>> {
  const now = deps.clock.now();
  const [standings, capacities] = await Promise.all([
    rankingStandings(deps.db, ids, now),
    readOnlineCapacities(deps.db, ids, onlineSince(now)),
  ]);
  const out = new Map<string, QueueRow>();
  for (const { id, ...capacity } of capacities) {
    const standing = standings.get(id);
    if (standing) out.set(id, { ...standing, ...capacity });
  }
  return out;
}
