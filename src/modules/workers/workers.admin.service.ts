import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import type { Viewer } from "../users/users.service.ts";
import { checkInfo, checkMessage, checkRename, MODERATORS_ORIGIN } from "./workers.admin.rules.ts";
import {
  deleteMessageRow,
  deleteWorkerRow,
  hasFinishedJobs,
  insertMessage,
  listMessages,
  lockWorker,
  type ManagedWorker,
  type MessageRow,
  messageAuthor,
  nameTaken,
  teamOwner,
  type WorkerChanges,
  wakeFacts,
  writePaused,
  writeWorkerChanges,
} from "./workers.admin.sql.ts";
import { checkMaintenanceMessage } from "./workers.rules.ts";

/** A registered user with their own key: who may manage workers at all. */
function assertManager(viewer: Viewer): void {
  if (viewer.anonymous) throw new ForbiddenError("AnonForbidden", "Anonymous has no workers");
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot manage workers");
}

/** Locks the worker and checks that the caller is its owner or a moderator. */
async function lockOwned(sql: Sql, viewer: Viewer, id: string): Promise<ManagedWorker> {
  const w = isUuid(id) ? await lockWorker(sql, id.toLowerCase()) : null;
  if (!w) throw new NotFoundError("WorkerNotFound", "No such worker");
  if (!viewer.moderator && w.user_id !== viewer.userId) {
    throw new ForbiddenError("WrongCredentials", "Only the worker's owner or a moderator may do this");
  }
  return w;
}

/** What `updateWorker` takes; absent fields stay as they are. */
export interface UpdateWorkerInput {
  id: string;
  maintenance?: boolean | null;
  maintenanceMessage?: string | null;
  name?: string | null;
  info?: string | null;
  /** A team's id, or "" for no team. */
  team?: string | null;
}

function plannedChanges(input: UpdateWorkerInput): WorkerChanges {
  const c: WorkerChanges = {};
  if (input.name != null) {
    const n = checkRename(input.name);
    if (!n.ok) throw new ValidationError(n.code, n.message, n.field);
    c.name = n.value;
  }
  if (input.info != null) {
    const i = checkInfo(input.info);
    if (!i.ok) throw new ValidationError(i.code, i.message, i.field);
    c.info = i.value;
  }
  if (input.maintenance != null) {
    const m = checkMaintenanceMessage(input.maintenanceMessage);
    if (!m.ok) throw new ValidationError("InvalidMaintenanceMessage", m.message, "maintenanceMessage");
    c.maintenance = { on: input.maintenance, message: input.maintenance ? m.value : null };
  }
  if (input.team != null) {
    if (input.team !== "" && !isUuid(input.team)) throw new NotFoundError("TeamNotFound", "No such team");
    c.teamId = input.team === "" ? null : input.team.toLowerCase();
  }
  if (Object.keys(c).length === 0) {
    throw new ValidationError("NoWorkerModSelected", "Nothing to change: give maintenance, name, info or team");
  }
  return c;
}

/**
 * `updateWorker` (reference PUT /workers/{id}): the owner or a moderator sets maintenance (with
 * a message; in maintenance a worker gets only its owner's requests), the name (5–100
 * characters, unique, no profanity), info (≤ 1000) and team ("" for none). A flagged owner's
 * worker stays in maintenance.
 */
export async function updateWorker(deps: Deps, viewer: Viewer, input: UpdateWorkerInput): Promise<string> {
  assertManager(viewer);
  const changes = plannedChanges(input);
  const w = await deps.db.tx(async (sql) => {
    const w = await lockOwned(sql, viewer, input.id);
    if (changes.maintenance && !changes.maintenance.on && w.owner_flagged) {
      throw new ForbiddenError("WorkerFlaggedMaintenance", "The owner is flagged; the worker stays in maintenance");
    }
    if (changes.name !== undefined && (await nameTaken(sql, changes.name, w.id))) {
      throw new ValidationError("WorkerNameTaken", "Another worker has this name", "name");
    }
    if (changes.teamId && (await teamOwner(sql, changes.teamId)) === null) {
      throw new NotFoundError("TeamNotFound", "No such team");
    }
    await writeWorkerChanges(sql, w.id, changes);
    return w;
  });
  if (changes.maintenance) deps.bus.publish("workersChanged", { userId: w.user_id });
  return w.id;
}

/** `pauseWorker`: a moderator pauses a worker (it then gets no jobs) or un-pauses it. */
export async function pauseWorker(deps: Deps, viewer: Viewer, a: { id: string; paused: boolean }): Promise<string> {
  if (!viewer.moderator || viewer.sharedKeyId) throw new ForbiddenError("NotModerator", "Only a moderator may pause");
  const w = await deps.db.tx(async (sql) => {
    const w = await lockOwned(sql, viewer, a.id);
    await writePaused(sql, w.id, a.paused);
    return w;
  });
  deps.bus.publish("workersChanged", { userId: w.user_id });
  return w.id;
}

/**
 * `deleteWorker`: the owner or a moderator deletes a worker. The jobs it holds go back to the
 * queue at once (feeds are woken for them); the kudos it earned stay with its owner. While a
 * finished job a requester can still read names it, the worker is `WorkerLocked` (the AI
 * Horde's 423): retention deletes those jobs, then the worker can go.
 */
export async function deleteWorker(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  assertManager(viewer);
  const { workerId, back } = await deps.db.tx(async (sql) => {
    const w = await lockOwned(sql, viewer, id);
    if (await hasFinishedJobs(sql, w.id)) {
      throw new ConflictError(
        "WorkerLocked",
        "Finished jobs of this worker are still readable by their requesters; try again once they are gone",
      );
    }
    return { workerId: w.id, back: await deleteWorkerRow(sql, w.id) };
  });
  for (const r of back) {
    deps.bus.publish("requestChanged", { id: r.request_id, ended: false });
    const f = await wakeFacts(deps.db, r.request_id);
    if (f) {
      deps.bus.publish("jobsAvailable", {
        kind: f.kind,
        requestId: r.request_id,
        count: r.count,
        models: f.models,
        pixels: f.pixels,
        nsfw: f.nsfw,
        userId: f.user_id,
      });
    }
  }
  return workerId;
}

/** What `sendWorkerMessage` takes. */
export interface SendMessageInput {
  workerId?: string | null;
  message: string;
  origin?: string | null;
  expiryHours?: number | null;
}

/**
 * `sendWorkerMessage` (reference POST /workers/messages): a moderator writes to any worker's
 * owner, or to every owner (no worker), under an origin of their choice; an owner writes only
 * to their own workers, under their own id as origin.
 */
export async function sendWorkerMessage(deps: Deps, viewer: Viewer, input: SendMessageInput): Promise<string> {
  assertManager(viewer);
  const m = checkMessage(input.message, input.expiryHours);
  if (!m.ok) throw new ValidationError(m.code, m.message, m.field);
  if (!input.workerId && !viewer.moderator) {
    throw new ForbiddenError("WrongCredentials", "Only a moderator may write to every worker owner");
  }
  const origin = viewer.moderator ? input.origin?.trim().slice(0, 100) || MODERATORS_ORIGIN : String(viewer.userId);
  const now = deps.clock.now();
  return deps.db.tx(async (sql) => {
    const w = input.workerId ? await lockOwned(sql, viewer, input.workerId) : null;
    return insertMessage(sql, {
      workerId: w?.id ?? null,
      authorId: viewer.userId,
      message: m.value.text,
      origin,
      expiresAt: new Date(now.getTime() + m.value.hours * 3_600_000),
      now,
    });
  });
}

/** `deleteWorkerMessage`: its author or a moderator. */
export async function deleteWorkerMessage(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  assertManager(viewer);
  const author = isUuid(id) ? await messageAuthor(deps.db, id) : null;
  if (author === null) throw new NotFoundError("WorkerMessageNotFound", "No such message");
  if (author !== viewer.userId && !viewer.moderator) {
    throw new ForbiddenError("WrongCredentials", "Only the message's author or a moderator may delete it");
  }
  await deleteMessageRow(deps.db, id);
  return id;
}

/**
 * The valid messages the caller may read: to their workers and to every owner (a moderator:
 * all). Anonymous and shared keys read none.
 */
export async function workerMessages(deps: Deps, viewer: Viewer, workerId: string | null): Promise<MessageRow[]> {
  if (viewer.anonymous || viewer.sharedKeyId) return [];
  if (workerId !== null && !isUuid(workerId)) return [];
  return listMessages(deps.db, {
    ownerId: viewer.moderator ? null : viewer.userId,
    workerId: workerId?.toLowerCase() ?? null,
    now: deps.clock.now(),
  });
}
