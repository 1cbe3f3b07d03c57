/**
 * The requester's side of the text kind: `createTextRequest`, `cancelTextRequest` and the reads
 * behind `textRequest`. One straight path each: gather the facts, one pure step
 * (text.admit.rules.ts), the statements, then the events. The worker's side (pop, feed, submit)
 * runs on the engine's kind plug-in (text.kind.ts).
 */
import type { Deps } from "../../deps.ts";
import { ForbiddenError, KudosError, NotFoundError, ValidationError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { fromCents } from "../../lib/money.ts";
import { balanceOf } from "../kudos/kudos.service.ts";
import { assertAcceptingRequests, assertIpAllowed, hordeModes } from "../moderation/moderation.service.ts";
import { MIN_JOB_TTL_SECONDS, mayCancelRequest } from "../queue/queue.rules.ts";
import { storeRequest } from "../requests/requests.service.ts";
import { assertSharedKeyAllows } from "../sharedkeys/sharedkeys.service.ts";
import type { Viewer } from "../users/users.service.ts";
import { onlineSince } from "../workers/workers.rules.ts";
import { type AdmittedText, admitTextRequest } from "./text.admit.rules.ts";
import type { CreateTextRequestInput } from "./text.rules.ts";
import {
  cancelTextRequest as cancelTextRequestSql,
  existingTextWorkerIds,
  readTextCapacity,
  readTextGenerations,
  readTextModelSizes,
  readTextRequests,
  type TextGenerationRow,
  type TextRequestRow,
  textRequestPossible,
} from "./text.sql.ts";

export type { TextGenerationRow, TextRequestRow };

/** Shared-key refusals that `allowDowngrade` turns into a request at the lowest priority. */
const KEY_DOWNGRADES = new Set(["SharedKeyEmpty", "SharedKeyInsufficientKudos"]);

/** What createTextRequest answers. */
export interface CreateTextResult {
  requestId: string | null;
  kudos: number;
  warnings: string[];
}

/** Everything admission needs to know about the world, read before it runs. */
async function admissionContext(deps: Deps, viewer: Viewer, input: CreateTextRequestInput) {
  const listed = (input.workers ?? []).map((id) => id.toLowerCase());
  const lookup = listed.length <= 5 ? [...new Set(listed.filter(isUuid))] : [];
  const models = Array.isArray(input.models) && input.models.length <= 20 ? input.models : [];
  const [workers, sizes, capacity, balance] = await Promise.all([
    existingTextWorkerIds(deps.db, lookup),
    readTextModelSizes(deps.db, models),
    readTextCapacity(deps.db, onlineSince(deps.clock.now())),
    viewer.anonymous ? null : balanceOf(deps.db, viewer.userId),
  ]);
  return { knownWorkers: new Set(workers), sizes, capacity, balance };
}

/** The row an admitted text request is stored as, by the engine's admission (requests.service storeRequest). */
function newRow(deps: Deps, viewer: Viewer, admitted: AdmittedText, now: Date): Parameters<typeof storeRequest>[2] {
  const { request: req, price } = admitted;
  return {
    kind: "text",
    userId: viewer.userId,
    sharedKeyId: viewer.sharedKeyId,
    prompt: req.prompt,
    // validatedBackends rides in the parameters, where text_eligible reads it (migration
    // 20261201223002_text); the worker's TextJobParams does not show it.
    params: { ...req.params, validatedBackends: req.validatedBackends },
    models: req.models,
    n: req.params.n,
    nsfw: req.nsfw,
    trustedWorkers: req.trustedWorkers,
    slowWorkers: req.slowWorkers,
    workerIds: req.workers,
    workerBlacklist: req.workerBlacklist,
    maxLength: req.params.maxLength,
    maxContextLength: req.params.maxContextLength,
    softprompt: req.softprompt === "" ? null : req.softprompt,
    // Text jobs have the base TTL (§3.6): 150 s.
    jobTtl: MIN_JOB_TTL_SECONDS,
    shared: false,
    // One job's estimated price (shown as the request's job price; the charge is computed at submit).
    jobKudos: fromCents(price.job),
    expiresAt: new Date(now.getTime() + deps.config.requestExpirySeconds * 1000),
    now,
  };
}

/** A shared key's limits (maxTextTokens, budget); true when an exhausted key downgrades it. */
async function checkSharedKey(deps: Deps, viewer: Viewer, admitted: AdmittedText, kudos: number): Promise<boolean> {
  if (!viewer.sharedKeyId) return false;
  const use = { pixels: 0, steps: 0, tokens: admitted.request.params.maxLength, kudos, now: deps.clock.now() };
  try {
    await assertSharedKeyAllows(deps.db, viewer.sharedKeyId, use);
    return false;
  } catch (e) {
    // An exhausted shared key with allowDowngrade runs the request at Anonymous's priority (§3.8).
    if (!(admitted.request.allowDowngrade && e instanceof KudosError && KEY_DOWNGRADES.has(e.code))) throw e;
    admitted.warnings.push("Downgraded: the shared key's kudos are used up; the request runs at the lowest priority");
    return true;
  }
}

/**
 * `createTextRequest`: gather the facts, admit (validate, price, the upfront question), then on a
 * real run check the shared key, store the request with its n jobs and the tax, and wake feeds
 * after commit. A dry run only prices. Throws a DomainError for every refusal.
 */
export async function createTextRequest(
  deps: Deps,
  viewer: Viewer,
  input: CreateTextRequestInput,
): Promise<CreateTextResult> {
  await assertIpAllowed(deps, viewer.ip);
  await assertAcceptingRequests(deps, viewer);
  const admitted = admitTextRequest(input, await admissionContext(deps, viewer, input));
  if (!admitted.ok) {
    if (admitted.kind === "kudos") throw new KudosError(admitted.code, admitted.message);
    throw new ValidationError(admitted.code, admitted.message, admitted.field);
  }
  const { request: req, warnings } = admitted;
  const kudos = fromCents(admitted.price.total);
  if (req.dryRun) return { requestId: null, kudos, warnings };
  const downgraded = await checkSharedKey(deps, viewer, admitted, kudos);
  const now = deps.clock.now();
  // The engine's admission: concurrency, the upfront amount again under the requester's lock
  // (text holds its own upfront amount, not the estimate), the tax of 1, feeds woken.
  const { upfront } = admitted;
  const money = {
    taxCents: admitted.price.tax,
    totalCents: upfront ? upfront.cents : admitted.price.total,
    upfront: upfront ? upfront.reason : null,
  };
  const since = onlineSince(deps.clock.now());
  const { requestId, read: possible } = await storeRequest(
    deps,
    viewer,
    newRow(deps, viewer, admitted, now),
    money,
    downgraded,
    (sql, id) => textRequestPossible(sql, id, since, now),
  );
  // raid mode suppresses the warning, as for images
  if (!possible && !(await hordeModes(deps)).raid) {
    warnings.push("NoAvailableWorker: no online worker can serve this request now; it waits until one can");
  }
  return { requestId, kudos, warnings };
}

/**
 * Cancels a text request (its requester with any of their keys, a moderator, or anyone for
 * Anonymous's): its waiting jobs are withdrawn; jobs in workers' hands still settle. Nothing is
 * refunded (the tax is spent).
 */
export async function cancelTextRequest(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  if (!isUuid(id)) throw new NotFoundError("NotFound", "No such text request");
  const key = id.toLowerCase();
  const row = (await readTextRequests(deps.db, [key]))[0];
  if (!row) throw new NotFoundError("NotFound", "No such text request");
  if (!mayCancelRequest(viewer, row.user_id)) {
    throw new ForbiddenError("WrongCredentials", "Only the user who made this request, or a moderator, can cancel it");
  }
  if (!(await cancelTextRequestSql(deps.db, key, deps.clock.now())))
    throw new NotFoundError("NotFound", "No such text request");
  deps.bus.publish("requestChanged", { id: key, ended: false });
  return key;
}

/** The text requests named (ids that are not UUIDs, or not text requests, find nothing). */
export function textRequestsByIds(deps: Deps, ids: readonly string[]): Promise<TextRequestRow[]> {
  return readTextRequests(
    deps.db,
    ids.filter(isUuid).map((id) => id.toLowerCase()),
  );
}

/** The finished texts of several requests, in one statement. */
export function textGenerationsOf(deps: Deps, requestIds: readonly string[]): Promise<TextGenerationRow[]> {
  return readTextGenerations(deps.db, requestIds);
}
