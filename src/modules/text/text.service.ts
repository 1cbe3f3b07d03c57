/**
 * The requester's side of the text kind: `createTextRequest`, `cancelTextRequest` and the reads
 * behind `textRequest`. One straight path each: gather the facts, one pure step
 * (text.admit.rules.ts), the statements, then the events. The worker's side (pop, feed, submit)
 * runs on the engine's kind plug-in (text.kind.ts).
 */
import type { Deps } from "../../deps.ts";
import { ForbiddenError, KudosError, LimitError, NotFoundError, ValidationError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { fromCents, toCents } from "../../lib/money.ts";
import { balanceOf, chargeHordeTax } from "../kudos/kudos.service.ts";
import { assertAcceptingRequests, assertIpAllowed, hordeModes } from "../moderation/moderation.service.ts";
import { MIN_JOB_TTL_SECONDS, mayCancelRequest } from "../queue/queue.rules.ts";
import { ANONYMOUS_PRIORITY_FLOOR, REGISTERED_PRIORITY_FLOOR } from "../requests/requests.service.ts";
import { assertSharedKeyAllows, spendSharedKey } from "../sharedkeys/sharedkeys.service.ts";
import { requestPriority } from "../trust/priority.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import { ONLINE_SECONDS } from "../workers/workers.rules.ts";
import { type AdmittedText, admitTextRequest } from "./text.admit.rules.ts";
import type { CreateTextRequestInput } from "./text.rules.ts";
import {
  cancelTextRequest as cancelTextRequestSql,
  existingTextWorkerIds,
  insertTextRequest,
  lockTextRequester,
  type NewTextRequest,
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

function onlineSince(deps: Deps): Date {
  return new Date(deps.clock.now().getTime() - ONLINE_SECONDS * 1000);
}

/** Everything admission needs to know about the world, read before it runs. */
async function admissionContext(deps: Deps, viewer: Viewer, input: CreateTextRequestInput) {
  const listed = (input.workers ?? []).map((id) => id.toLowerCase());
  const lookup = listed.length <= 5 ? [...new Set(listed.filter(isUuid))] : [];
  const models = Array.isArray(input.models) && input.models.length <= 20 ? input.models : [];
  const [workers, sizes, capacity, balance] = await Promise.all([
    existingTextWorkerIds(deps.db, lookup),
    readTextModelSizes(deps.db, models),
    readTextCapacity(deps.db, onlineSince(deps)),
    viewer.anonymous ? null : balanceOf(deps.db, viewer.userId),
  ]);
  return { knownWorkers: new Set(workers), sizes, capacity, balance };
}

function newRow(deps: Deps, viewer: Viewer, admitted: AdmittedText, now: Date): NewTextRequest {
  const { request: req, price } = admitted;
  return {
    userId: viewer.userId,
    sharedKeyId: viewer.sharedKeyId,
    prompt: req.prompt,
    params: req.params,
    models: req.models,
    n: req.params.n,
    nsfw: req.nsfw,
    trustedWorkers: req.trustedWorkers,
    slowWorkers: req.slowWorkers,
    validatedBackends: req.validatedBackends,
    workerIds: req.workers,
    workerBlacklist: req.workerBlacklist,
    maxLength: req.params.maxLength,
    maxContextLength: req.params.maxContextLength,
    softprompt: req.softprompt,
    // Text jobs have the base TTL (§3.6): 150 s.
    jobTtl: MIN_JOB_TTL_SECONDS,
    jobKudos: fromCents(price.job),
    expiresAt: new Date(now.getTime() + deps.config.requestExpirySeconds * 1000),
    now,
  };
}

/**
 * Stores an admitted request in one transaction: under the requester's lock the concurrency
 * limit (text jobs) and the upfront amount are checked again, the request and its n WAITING
 * jobs are inserted, and the horde tax (1) is charged.
 */
function storeRequest(deps: Deps, viewer: Viewer, admitted: AdmittedText, row: NewTextRequest, downgraded: boolean) {
  return deps.db.tx(async (sql) => {
    const requester = await lockTextRequester(sql, viewer.userId);
    if (requester.active + row.n > requester.concurrency) {
      throw new LimitError(
        "TooManyPrompts",
        viewer.anonymous
          ? `Anonymous requests are limited to ${requester.concurrency} texts in the queue; register for your own limit`
          : `You have ${requester.active} texts queued or generating; your limit is ${requester.concurrency}`,
      );
    }
    const { upfront } = admitted;
    if (upfront && toCents(requester.kudos) < upfront.cents) {
      throw new KudosError(
        "KudosUpfront",
        `${upfront.reason} It needs ${fromCents(upfront.cents)} kudos upfront and you have ${requester.kudos}. Set allowDowngrade to run it shorter.`,
      );
    }
    const floor = viewer.anonymous ? ANONYMOUS_PRIORITY_FLOOR : REGISTERED_PRIORITY_FLOOR;
    const priority = requestPriority({ kudos: requester.kudos, floor, flagged: viewer.flagged, downgraded });
    const id = await insertTextRequest(sql, row, priority);
    const tax = fromCents(admitted.price.tax);
    await chargeHordeTax(
      sql,
      { userId: viewer.userId, requestId: id, sharedKeyId: viewer.sharedKeyId, amount: tax },
      row.now,
    );
    await spendSharedKey(sql, viewer.sharedKeyId, tax);
    return id;
  });
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
  const requestId = await storeRequest(deps, viewer, admitted, newRow(deps, viewer, admitted, now), downgraded);
  deps.bus.publish("jobsAvailable", {
    kind: "text",
    requestId,
    count: req.params.n,
    models: req.models,
    pixels: 0,
    nsfw: req.nsfw,
    userId: viewer.userId,
  });
  // raid mode suppresses the warning, as for images
  if (!(await textRequestPossible(deps.db, requestId, onlineSince(deps), now)) && !(await hordeModes(deps)).raid) {
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
