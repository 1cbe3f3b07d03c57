/**
 * Alchemy, the requester's side: admission (`createAlchemyRequest`), reading a request and its
 * forms, and cancelling. Each is one straight line: check the caller, measure the image, ask the
 * pure rules (alchemy.rules.ts), store, publish after commit. The worker side (pop, feed,
 * submit) runs on the jobs engine through this kind's plug-in (alchemy.kind.ts).
 */
import type { Deps } from "../../deps.ts";
import { ForbiddenError, LimitError, NotFoundError, ValidationError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { fromCents } from "../../lib/money.ts";
import { assertAcceptingRequests, assertIpAllowed } from "../moderation/moderation.service.ts";
import {
  ANONYMOUS_PRIORITY_FLOOR,
  lockRequester,
  REGISTERED_PRIORITY_FLOOR,
  watchRows,
} from "../requests/requests.service.ts";
import { requestPriority } from "../trust/priority.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import {
  ALCHEMY_LIMITS,
  type AlchemyFailure,
  aggregateState,
  checkForms,
  type FormInput,
  formStateOf,
  requestPrice,
  withinConcurrency,
} from "./alchemy.rules.ts";
import { type MeasuredSource, measureBase64Source, measureUrlSource } from "./alchemy.source.ts";
import { type AlchemyRow, insertAlchemyRequest, readAlchemyRequests } from "./alchemy.sql.ts";

export type { AlchemyRow, FormRow } from "./alchemy.sql.ts";

/** `createAlchemyRequest`'s input, as the resolver passes it. */
export interface CreateAlchemyRequestInput {
  sourceImage?: string | null;
  sourceImageUrl?: string | null;
  forms: readonly FormInput[];
  trustedWorkers?: boolean | null;
  slowWorkers?: boolean | null;
  dryRun?: boolean | null;
}

/** Deadline over a source image URL's download. */
const SOURCE_FETCH_TIMEOUT_MS = 10_000;

function refused(f: AlchemyFailure): never {
  throw new ValidationError(f.code, f.message, f.field);
}

function present(text: string | null | undefined): text is string {
  return text != null && text !== "";
}

/** The source image, measured: exactly one of an upload and a URL. */
async function measureSource(deps: Deps, input: CreateAlchemyRequestInput): Promise<MeasuredSource> {
  const upload = present(input.sourceImage);
  const url = present(input.sourceImageUrl);
  if (upload && url) {
    throw new ValidationError("SourceImageConflict", "Send sourceImage or sourceImageUrl, not both.", "sourceImageUrl");
  }
  if (!upload && !url) {
    throw new ValidationError(
      "MissingSourceImage",
      "Send the image as sourceImage (base64) or sourceImageUrl.",
      "sourceImage",
    );
  }
  const measured = upload
    ? await measureBase64Source(input.sourceImage as string)
    : await measureUrlSource(input.sourceImageUrl as string, {
        timeoutMs: SOURCE_FETCH_TIMEOUT_MS,
        allowPrivate: deps.config.sourceUrlAllowPrivate,
      });
  if (!measured.ok) refused(measured);
  return measured.value;
}

/**
 * `createAlchemyRequest` (reference §1.3): normal keys only (a shared key is refused, as the AI
 * Horde refuses it here), the forms checked (duplicates dropped), the image measured, the price
 * of every form delivered returned; on a real run the image stored (an upload) and the request
 * inserted with one WAITING job per form under the requester's lock and the concurrency rule
 * (§3.7), then idle feeds woken. Nothing is charged now: each form is paid when delivered.
 */
export async function createAlchemyRequest(
  deps: Deps,
  viewer: Viewer,
  input: CreateAlchemyRequestInput,
): Promise<{ requestId: string | null; kudos: number }> {
  if (viewer.sharedKeyId) {
    throw new ForbiddenError("SharedKeyForbidden", "Alchemy takes an account's own key; shared keys are not accepted");
  }
  await assertIpAllowed(deps, viewer.ip);
  await assertAcceptingRequests(deps, viewer);
  const forms = checkForms(input.forms);
  if (!forms.ok) refused(forms);
  const source = await measureSource(deps, input);
  const slowWorkers = input.slowWorkers ?? true;
  const kudos = fromCents(requestPrice(forms.value, source.tiles, slowWorkers));
  if (input.dryRun) return { requestId: null, kudos };
  const now = deps.clock.now();
  const sourceImageKey = source.image ? await deps.blobs.put(source.image.bytes, source.image.format) : null;
  try {
    const row = {
      userId: viewer.userId,
      forms: forms.value,
      width: source.width,
      height: source.height,
      imageTiles: source.tiles,
      sourceImageKey,
      sourceImageUrl: source.url,
      trustedWorkers: input.trustedWorkers ?? false,
      slowWorkers,
      jobTtl: ALCHEMY_LIMITS.formTtlSeconds,
      expiresAt: new Date(now.getTime() + deps.config.requestExpirySeconds * 1000),
      now,
    };
    const requestId = await deps.db.tx(async (sql) => {
      // the forms it has waiting or processing (§3.7), under the lock every admission takes
      const requester = await lockRequester(sql, viewer.userId, "alchemy");
      if (!withinConcurrency(requester.active, row.forms.length, requester.concurrency)) {
        const limit = requester.concurrency * ALCHEMY_LIMITS.concurrencyFactor;
        throw new LimitError(
          "TooManyPrompts",
          `You have ${requester.active} forms queued or in progress; your limit is ${limit}`,
        );
      }
      const floor = viewer.anonymous ? ANONYMOUS_PRIORITY_FLOOR : REGISTERED_PRIORITY_FLOOR;
      const priority = requestPriority({ kudos: requester.kudos, floor, flagged: viewer.flagged, downgraded: false });
      return insertAlchemyRequest(sql, row, priority);
    });
    deps.bus.publish("jobsAvailable", {
      kind: "alchemy",
      requestId,
      count: row.forms.length,
      models: row.forms.map((f) => f.name),
      pixels: row.width * row.height,
      nsfw: false,
      userId: viewer.userId,
    });
    return { requestId, kudos };
  } catch (err) {
    // the refusal is what the caller must see; a blob left behind is only logged
    if (sourceImageKey) {
      await deps.blobs
        .delete(sourceImageKey)
        .catch((e: Error) => deps.logger.warn({ err: e.message, key: sourceImageKey }, "orphan blob"));
    }
    throw err;
  }
}

/** Alchemy requests by id, with their forms, in one statement (bad ids find nothing). */
export function alchemyRequestsByIds(deps: Deps, ids: readonly string[]): Promise<AlchemyRow[]> {
  return readAlchemyRequests(
    deps.db,
    ids.filter(isUuid).map((id) => id.toLowerCase()),
  );
}

/** Whether an alchemy request will change no more: every form settled, or the request expired. */
export function alchemyEnded(row: AlchemyRow): boolean {
  const state = aggregateState(row.forms.map((f) => formStateOf(f.state)));
  return row.expired || state === "done" || state === "faulted";
}

/**
 * The stream behind `alchemyRequestUpdated`: the request at once, then after every change to
 * any of its forms, completing once it has ended (the request watcher every kind shares).
 */
export function watchAlchemyRequest(deps: Deps, id: string, signal?: AbortSignal): AsyncIterableIterator<AlchemyRow> {
  if (!isUuid(id)) throw new NotFoundError("NotFound", "No such request");
  const key = id.toLowerCase();
  return watchRows(deps, key, async () => (await readAlchemyRequests(deps.db, [key]))[0], alchemyEnded, signal);
}
