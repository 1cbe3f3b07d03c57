import { createHash } from "node:crypto";
import type { Deps } from "../../deps.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import type { WorkerDeclaration } from "../jobs/kinds.ts";
import { modelCatalog } from "../models/models.service.ts";
import type { Viewer } from "../users/users.service.ts";
import {
  ABORTED_JOBS_WINDOW_SECONDS,
  checkDeclaration,
  checkMaintenanceMessage,
  type ImageWorkerDeclaration,
  imageWorkerColumns,
  MAX_ABORTED_JOBS_PER_HOUR,
  MAX_ABORTED_JOBS_PER_HOUR_IN_RAID,
  maxWorkers,
  type PopInput,
  TOO_MANY_ABORTED_MESSAGE,
  type WorkerColumns,
} from "./workers.rules.ts";
import {
  type AbortedJobs,
  type CheckedInWorker,
  diagnoseCheckIn,
  isCustomizer,
  lockWorkerRegistration,
  ownerOfWorker,
  readCheckedInWorkers,
  readMaintenance,
  recordAbortedJobs,
  setMaintenance,
  touchWorkers,
  updateWorker,
  upsertWorker,
} from "./workers.sql.ts";

const DIAGNOSIS_MESSAGES = {
  WrongCredentials: "A worker with this name belongs to another user",
  PolymorphicNameConflict: "A worker with this name serves another kind of work",
  TooManyWorkers: "You run as many workers as you may; ask a moderator for more",
} as const;

/**
 * Checks a check-in runs besides the worker's own rules (IP blocks, invite-only mode, workers per
 * address, suspicion): built by the moderation module, which this module cannot import.
 */
export interface CheckInGate {
  /** Before anything: may refuse the caller. */
  before(): Promise<void>;
  /** Inside the registration's transaction, before a name is registered or checked in. */
  beforeRegister(sql: Sql, name: string): Promise<void>;
  /** After a check-in that wrote the worker's row (not a debounced one). */
  after(worker: { id: string }, declaration: { maxPixels?: number }): Promise<void>;
  /** trust: a declaration refused with this code (a profane name is a suspicion). */
  refused?(code: string): Promise<void>;
  /** trust: the name as sent, after any check-in (an overlong one was truncated: a suspicion). */
  named?(worker: { id: string }, sentName: string): Promise<void>;
}

/** Who may run workers: a registered, unflagged user using their own key. */
export function assertCanRunWorkers(viewer: Viewer): void {
  if (viewer.anonymous) throw new ForbiddenError("AnonForbidden", "Anonymous cannot run workers; register first");
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot run workers");
  if (viewer.flagged) {
    throw new ForbiddenError("WorkerFlaggedMaintenance", "This account is flagged; its workers are in maintenance");
  }
}

/** A check-in repeated within this many seconds with the same declaration writes nothing. */
export const CHECK_IN_DEBOUNCE_SECONDS = 30;

interface RecentCheckIn {
  worker: CheckedInWorker;
  /** the declaration's fingerprint ({@link fingerprint}) */
  declaration: string;
  at: number;
}

const recentCheckIns = new WeakMap<Deps, Map<string, RecentCheckIn>>();

/** A declaration's SHA-256 (base64): 44 bytes per remembered check-in instead of its whole JSON. */
function fingerprint(d: object): string {
  return createHash("sha256").update(JSON.stringify(d)).digest("base64");
}

// As the AI Horde does, a worker polling in a loop is checked in at most every 30 s: each check-in
// is a committed write (an fsync), which on a polling worker's hot path costs more than its claim.
// The claim reads maintenance and pause from the row itself, so nothing it decides goes stale.
function recentCheckIn(deps: Deps, key: string, declaration: string, now: number): CheckedInWorker | null {
  const hit = recentCheckIns.get(deps)?.get(key);
  if (!hit || hit.declaration !== declaration || now - hit.at > CHECK_IN_DEBOUNCE_SECONDS * 1000) return null;
  return hit.worker;
}

function rememberCheckIn(deps: Deps, key: string, entry: RecentCheckIn): void {
  let m = recentCheckIns.get(deps);
  if (!m) {
    m = new Map();
    recentCheckIns.set(deps, m);
  }
  // Kept in the order of the check-ins (delete, then set), so the stale ones are at the front:
  // only the last CHECK_IN_DEBOUNCE_SECONDS of check-ins stay, not one entry per worker that
  // ever checked in (thousands of idle feeds would each keep theirs).
  m.delete(key);
  m.set(key, entry);
  for (const [k, v] of m) {
    if (entry.at - v.at <= CHECK_IN_DEBOUNCE_SECONDS * 1000) break;
    m.delete(k);
  }
}

/** An image worker's speed before its first job: 1 megapixelstep per second (the AI Horde's baseline). */
export const IMAGE_INITIAL_SPEED = 1_000_000;

/**
 * Registers an image worker on first use, or checks it in: validates the declaration (image
 * rules), then {@link checkInWorker}. Returns the worker and the declaration with defaults
 * applied.
 */
export async function checkInImageWorker(
  deps: Deps,
  viewer: Viewer,
  input: PopInput,
  gate?: CheckInGate,
): Promise<{ worker: CheckedInWorker; declaration: ImageWorkerDeclaration; unknownModels: string[] }> {
  assertCanRunWorkers(viewer);
  await gate?.before();
  const known = modelCatalog(deps).byName;
  // The owner's customizer role is read only when it matters: a model outside the reference.
  const customizer = input.models.some((m) => !known.has(m)) && (await isCustomizer(deps.db, viewer.userId));
  const checked = checkDeclaration(input, known, { customizer });
  if (!checked.ok) {
    await gate?.refused?.(checked.code);
    throw new ValidationError(checked.code, checked.message, checked.field);
  }
  const row = { columns: imageWorkerColumns(checked.value), speed: IMAGE_INITIAL_SPEED };
  const worker = await checkInWorker(deps, viewer, checked.value, row, gate);
  await gate?.named?.(worker, input.name);
  return { worker, declaration: checked.value, unknownModels: checked.unknownModels };
}

/**
 * The engine's check-in, for a worker of any kind whose declaration its kind's module has
 * validated (call {@link assertCanRunWorkers} and the gate's `before` first): registers it on
 * first use, or checks it in (at most every {@link CHECK_IN_DEBOUNCE_SECONDS} for an unchanged
 * declaration). One update for a worker the owner already runs (every pop but the first). A new
 * name is registered in a transaction holding the owner's registration lock, so concurrent first
 * pops cannot take an owner past `maxWorkers`. A name another kind's worker has is refused
 * (`PolymorphicNameConflict`): a worker's kind is fixed when it registers.
 */
export async function checkInWorker(
  deps: Deps,
  viewer: Viewer,
  d: WorkerDeclaration & { maxPixels?: number },
  a: { columns: WorkerColumns /** its kind's `speed` before its first job */; speed: number },
  gate?: CheckInGate,
): Promise<CheckedInWorker> {
  const limit = maxWorkers({ trusted: viewer.trusted, workerInvited: viewer.workerInvited });
  const now = deps.clock.now();
  const cacheKey = `${viewer.userId}:${d.kind}:${d.name}`;
  const declared = fingerprint(d);
  const cached = recentCheckIn(deps, cacheKey, declared, now.getTime());
  if (cached) return cached;
  const row = { kind: d.kind, name: d.name, columns: a.columns };
  const worker =
    (await updateWorker(deps.db, viewer.userId, row, now)) ??
    (await deps.db.tx(async (sql) => {
      await lockWorkerRegistration(sql, viewer.userId);
      await gate?.beforeRegister(sql, d.name);
      return upsertWorker(sql, viewer.userId, { ...row, speed: a.speed }, now, limit);
    }));
  if (!worker) {
    const code = await diagnoseCheckIn(deps.db, viewer.userId, d.name);
    throw new ForbiddenError(code, DIAGNOSIS_MESSAGES[code]);
  }
  await gate?.after(worker, d);
  rememberCheckIn(deps, cacheKey, { worker, declaration: declared, at: now.getTime() });
  return worker;
}

/**
 * Throws `WorkerMaintenance` when the worker is in maintenance (read from its row: the
 * check-in may be a recent one reused, and the sweep may have put it there since).
 */
export async function assertNotInMaintenance(deps: Deps, workerId: string): Promise<void> {
  const row = await readMaintenance(deps.db, workerId);
  if (row?.maintenance) {
    throw new ForbiddenError(
      "WorkerMaintenance",
      row.maintenance_msg ?? "This worker is in maintenance; it only receives its owner's requests",
    );
  }
}

/** The feeds' workers as they are now (a feed re-reads its worker when `workersChanged` says so). */
export function checkedInWorkers(deps: Deps, workerIds: string[]): Promise<CheckedInWorker[]> {
  return readCheckedInWorkers(deps.db, workerIds);
}

/** Marks the workers behind live feeds as checked in (one statement for all of them). */
export function markCheckedIn(deps: Deps, workerIds: string[]): Promise<void> {
  return touchWorkers(deps.db, workerIds, deps.clock.now());
}

/**
 * Counts jobs the workers dropped (TTL expiries, FAULTED submits) and puts a worker that drops
 * too many in maintenance (`MAX_ABORTED_JOBS_PER_HOUR`; in raid mode the threshold is lower and
 * there is no maintenance), as the AI Horde's `log_aborted_job`. Runs in the caller's
 * transaction when given one. Returns the workers that crossed the threshold (the caller raises
 * their suspicion).
 */
export async function logAbortedJobs(
  deps: Deps,
  drops: AbortedJobs[],
  sql: Sql = deps.db,
  mode: { raid: boolean } = { raid: false },
): Promise<string[]> {
  // raid mode: the threshold drops to 10 and nobody is put in maintenance (the AI Horde's rule)
  const tripped = await recordAbortedJobs(sql, drops, deps.clock.now(), {
    max: mode.raid ? MAX_ABORTED_JOBS_PER_HOUR_IN_RAID : MAX_ABORTED_JOBS_PER_HOUR,
    windowSeconds: ABORTED_JOBS_WINDOW_SECONDS,
    message: TOO_MANY_ABORTED_MESSAGE,
    maintenance: !mode.raid,
  });
  for (const id of tripped) deps.logger.warn({ worker: id, raid: mode.raid }, "worker dropped too many jobs");
  return tripped;
}

/**
 * `setWorkerMaintenance`: the worker's owner (with their own key) or a moderator puts it in
 * maintenance, with a message its pops will show, or takes it out (as the AI Horde's
 * `PUT /workers/{id}`). A flagged owner's workers stay in maintenance.
 */
export async function setWorkerMaintenance(
  deps: Deps,
  viewer: Viewer,
  input: { id: string; maintenance: boolean; message?: string | null },
): Promise<string> {
  if (viewer.anonymous) throw new ForbiddenError("AnonForbidden", "Anonymous has no workers");
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot manage workers");
  if (viewer.flagged && !input.maintenance) {
    throw new ForbiddenError("WorkerFlaggedMaintenance", "This account is flagged; its workers stay in maintenance");
  }
  const message = checkMaintenanceMessage(input.message);
  if (!message.ok) throw new ValidationError("InvalidMaintenanceMessage", message.message, "message");
  if (!isUuid(input.id)) throw new NotFoundError("WorkerNotFound", "No such worker");
  const id = input.id.toLowerCase();
  const changed = await setMaintenance(deps.db, {
    workerId: id,
    maintenance: input.maintenance,
    message: input.maintenance ? message.value : null,
    ownerId: viewer.moderator ? null : viewer.userId,
  });
  if (changed) {
    deps.bus.publish("workersChanged", { userId: changed.user_id });
    return changed.id;
  }
  if ((await ownerOfWorker(deps.db, id)) === null) throw new NotFoundError("WorkerNotFound", "No such worker");
  throw new ForbiddenError("WrongCredentials", "Only the worker's owner or a moderator can change its maintenance");
}
