import type { Deps } from "../../deps.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import { usernameSuspicions, workerNameSuspicions } from "../trust/names.rules.ts";
import { assertModerator } from "../trust/roles.service.ts";
import { suspectUser, suspectUserOnce, suspectWorkerOnce } from "../trust/suspicion.service.ts";
import type { Viewer } from "../users/users.service.ts";
import { blockListOf, listed, parseNetwork, workerBlockNetwork } from "./moderation.addresses.ts";
import { compileFilter, corruptPromptTimeoutMinutes, type PromptFilter, screenPrompt } from "./moderation.rules.ts";
import * as q from "./moderation.sql.ts";

/**
 * Moderation state every instance honours: IP blocks, prompt filters and the horde's modes, read
 * from Postgres and kept per instance for IP_BLOCK_CACHE_MS (a change made through this
 * instance is seen at once; another instance sees it within that time).
 */
interface Snapshot {
  at: number;
  blocks: ReturnType<typeof blockListOf>;
  filters: PromptFilter[];
  modes: q.ModesRow;
}

const snapshots = new WeakMap<Deps, Snapshot>();

async function snapshot(deps: Deps): Promise<Snapshot> {
  const now = Date.now();
  const hit = snapshots.get(deps);
  if (hit && now - hit.at < deps.config.ipBlockCacheMs) return hit;
  const [blocks, filters, modes] = await Promise.all([
    q.activeIpBlocks(deps.db, deps.clock.now()),
    q.listFilters(deps.db),
    q.readModes(deps.db),
  ]);
  const compiled: PromptFilter[] = [];
  for (const f of filters) {
    const c = compileFilter(f.regex);
    if (c.ok) compiled.push({ id: f.id, kind: f.kind, regex: c.regex, replacement: f.replacement });
  }
  const s = { at: now, blocks: blockListOf(blocks.map((b) => b.network)), filters: compiled, modes };
  snapshots.set(deps, s);
  return s;
}

const unsafeLists = new WeakMap<Deps, ReturnType<typeof blockListOf>>();

/**
 * Whether an address is unsafe (a VPN or proxy): listed in UNSAFE_IPS, the operator's list. The
 * AI Horde asks an external IP checker instead; this project makes no network calls at run time,
 * so the operator keeps the list (docs/PROTOCOL.md).
 */
export function isUnsafeIp(deps: Deps, ip: string | undefined): boolean {
  if (!ip || deps.config.unsafeIps.length === 0) return false;
  let list = unsafeLists.get(deps);
  if (!list) {
    list = blockListOf(deps.config.unsafeIps.map((n) => (n.includes("/") ? n : (workerBlockNetwork(n) ?? n))));
    unsafeLists.set(deps, list);
  }
  return listed(list, ip);
}

/** Forgets this instance's copy, after a change made through it. */
function invalidate(deps: Deps): void {
  snapshots.delete(deps);
}

/** Refuses a caller whose address is blocked or timed out (`TimeoutIP`). */
export async function assertIpAllowed(deps: Deps, ip: string | undefined): Promise<void> {
  if (!ip) return;
  if (listed((await snapshot(deps)).blocks, ip)) {
    throw new ForbiddenError("TimeoutIP", "Your address is blocked or timed out; try again later");
  }
}

/**
 * Whether a new account may be made from this address: not from a blocked or timed-out address
 * (`TimeoutIP`), and not at all in raid mode (`RaidMode`: the AI Horde closes pseudonymous
 * sign-up during a raid, and every sign-up here is pseudonymous).
 */
export async function assertMayRegister(deps: Deps, ip: string | undefined): Promise<void> {
  await assertIpAllowed(deps, ip);
  if ((await snapshot(deps)).modes.raid) {
    throw new ForbiddenError("RaidMode", "Sign-up is closed while the horde is in raid mode; try again later");
  }
}

/** `blockIp`: a moderator blocks an address or network (`hours`: a timeout; none: until lifted). */
export async function blockIp(
  deps: Deps,
  viewer: Viewer,
  a: { ipaddr: string; hours?: number | null; reason?: string | null },
) {
  assertModerator(viewer);
  const net = parseNetwork(a.ipaddr);
  if (!net)
    throw new ValidationError("InvalidIPAddress", "An IPv4 or IPv6 address, or a network in CIDR form", "ipaddr");
  const hours = a.hours ?? null;
  if (hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > 24 * 365)) {
    throw new ValidationError("InvalidTimeout", "hours is a whole number from 1 to 8760", "hours");
  }
  const now = deps.clock.now();
  const expiresAt = hours === null ? null : new Date(now.getTime() + hours * 3_600_000);
  const reason = (a.reason ?? "").slice(0, 500);
  await q.upsertIpBlock(deps.db, { network: net.text, expiresAt, reason, createdBy: viewer.userId, now });
  invalidate(deps);
  return net.text;
}

/** `unblockIp`: a moderator lifts a block or timeout (and its strikes). */
export async function unblockIp(deps: Deps, viewer: Viewer, ipaddr: string): Promise<string> {
  assertModerator(viewer);
  const net = parseNetwork(ipaddr);
  if (!net)
    throw new ValidationError("InvalidIPAddress", "An IPv4 or IPv6 address, or a network in CIDR form", "ipaddr");
  if (!(await q.deleteIpBlock(deps.db, net.text))) throw new NotFoundError("NotFound", "That address is not blocked");
  invalidate(deps);
  return net.text;
}

/** `blockWorkerIp`: a moderator times out a worker's last address for `days` (IPv6: its /64). */
export async function blockWorkerIp(deps: Deps, viewer: Viewer, a: { workerId: string; days: number }) {
  assertModerator(viewer);
  const w = isUuid(a.workerId) ? await q.workerIp(deps.db, a.workerId) : null;
  if (!w) throw new NotFoundError("WorkerNotFound", "No such worker");
  const net = w.ipaddr ? workerBlockNetwork(w.ipaddr) : null;
  if (!net) throw new ValidationError("InvalidIPAddress", "The worker has no known address", "workerId");
  return blockIp(deps, viewer, { ipaddr: net, hours: a.days * 24, reason: `worker ${a.workerId}` });
}

/** The blocks in force, for moderators (null for anyone else). */
export async function ipBlocks(deps: Deps, viewer: Viewer): Promise<q.IpBlockRow[] | null> {
  if (!viewer.moderator || viewer.sharedKeyId) return null;
  return q.activeIpBlocks(deps.db, deps.clock.now());
}

/** The prompt filters, for moderators (null for anyone else). */
export async function promptFilters(deps: Deps, viewer: Viewer): Promise<q.FilterRow[] | null> {
  if (!viewer.moderator || viewer.sharedKeyId) return null;
  return q.listFilters(deps.db);
}

function checkedKind(kind: string | null | undefined): "block" | "replace" | undefined {
  if (kind == null) return undefined;
  if (kind !== "block" && kind !== "replace") {
    throw new ValidationError("InvalidFilterKind", "A filter's kind is block or replace", "kind");
  }
  return kind;
}

function checkedRegex(regex: string | null | undefined): string | undefined {
  if (regex == null) return undefined;
  const c = compileFilter(regex);
  if (!c.ok) throw new ValidationError("InvalidRegex", c.message, "regex");
  return regex;
}

/** `addPromptFilter` (moderators): an identical expression and kind returns the existing filter. */
export async function addPromptFilter(
  deps: Deps,
  viewer: Viewer,
  f: { regex: string; kind: string; replacement?: string | null; description?: string | null },
): Promise<string> {
  assertModerator(viewer);
  const regex = checkedRegex(f.regex)!;
  const kind = checkedKind(f.kind)!;
  const id = await q.insertFilter(deps.db, {
    regex,
    kind,
    replacement: (f.replacement ?? "").slice(0, 1000),
    description: (f.description ?? "").slice(0, 1000),
    createdBy: viewer.userId,
    now: deps.clock.now(),
  });
  invalidate(deps);
  return id;
}

/** `updatePromptFilter` (moderators). */
export async function updatePromptFilter(
  deps: Deps,
  viewer: Viewer,
  f: {
    id: string;
    regex?: string | null;
    kind?: string | null;
    replacement?: string | null;
    description?: string | null;
  },
): Promise<string> {
  assertModerator(viewer);
  const change = {
    regex: checkedRegex(f.regex),
    kind: checkedKind(f.kind),
    replacement: f.replacement?.slice(0, 1000),
    description: f.description?.slice(0, 1000),
  };
  const ok = /^\d{1,18}$/.test(f.id) && (await q.updateFilter(deps.db, f.id, change));
  if (!ok) throw new NotFoundError("FilterNotFound", "No such filter");
  invalidate(deps);
  return f.id;
}

/** `deletePromptFilter` (moderators). */
export async function deletePromptFilter(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  assertModerator(viewer);
  const ok = /^\d{1,18}$/.test(id) && (await q.deleteFilter(deps.db, id));
  if (!ok) throw new NotFoundError("FilterNotFound", "No such filter");
  invalidate(deps);
  return id;
}

/**
 * Screens a request's prompt at admission (moderation.rules screenPrompt). A blocked prompt is
 * `CorruptPrompt`; for a non-moderator it also raises the account's suspicion
 * (`CORRUPT_PROMPT`) and times its address out for (2 × earlier strikes + 1) × 3 minutes.
 * Returns the prompt to store (rewritten by replace filters and the adult rewrite).
 */
export async function screenRequestPrompt(
  deps: Deps,
  viewer: Viewer,
  prompt: string,
  o: { nsfwModel: boolean },
): Promise<string> {
  const s = await snapshot(deps);
  const r = screenPrompt(prompt, s.filters, { nsfwModel: o.nsfwModel, flagged: viewer.flagged });
  if (r.ok) return r.prompt;
  if (r.timeout && !viewer.moderator) {
    await suspectUser(deps, viewer.userId, "CORRUPT_PROMPT");
    const net = viewer.ip ? workerBlockNetwork(viewer.ip) : null;
    if (net) {
      await q.strikeIp(deps.db, { network: net, now: deps.clock.now(), minutesFor: corruptPromptTimeoutMinutes });
      invalidate(deps);
    }
  }
  throw new ValidationError("CorruptPrompt", r.message, "prompt");
}

/** The horde's modes as every caller sees them (raid only for moderators). */
export async function hordeModes(deps: Deps): Promise<q.ModesRow> {
  return (await snapshot(deps)).modes;
}

/**
 * `setHordeModes` (moderators; the AI Horde keeps maintenance for admins, a role this project
 * does not have). Turning maintenance on withdraws every waiting job (the AI Horde sets n = 0).
 * Returns the requests whose jobs were withdrawn.
 */
export async function setHordeModes(
  deps: Deps,
  viewer: Viewer,
  m: { maintenance?: boolean | null; inviteOnly?: boolean | null; raid?: boolean | null },
): Promise<string[]> {
  assertModerator(viewer);
  // maintenance is the admins' (reference §3.10) once HORDE_ADMINS names any; else moderators'
  const admins = deps.config.hordeAdmins;
  if (m.maintenance != null && admins.length > 0 && !admins.includes(viewer.userId)) {
    throw new ForbiddenError("NotAdmin", "Only an admin sets maintenance mode");
  }
  const withdrawn = await deps.db.tx(async (sql) => {
    const { before, after } = await q.writeModes(sql, {
      maintenance: m.maintenance ?? null,
      inviteOnly: m.inviteOnly ?? null,
      raid: m.raid ?? null,
    });
    return after.maintenance && !before.maintenance ? q.withdrawWaitingJobs(sql) : [];
  });
  invalidate(deps);
  for (const id of withdrawn) deps.bus.publish("requestChanged", { id, ended: false });
  return withdrawn;
}

/**
 * Refuses new requests in maintenance mode (`MaintenanceMode`), and in raid mode an untrusted
 * requester's from an unsafe address (`UnsafeIP`, reference §3.10); moderators still may.
 */
export async function assertAcceptingRequests(deps: Deps, viewer: Viewer): Promise<void> {
  if (viewer.moderator) return;
  const { modes } = await snapshot(deps);
  if (modes.maintenance) {
    throw new ForbiddenError("MaintenanceMode", "The horde is in maintenance; no new requests are accepted");
  }
  if (modes.raid && !viewer.trusted && isUnsafeIp(deps, viewer.ip)) {
    throw new ForbiddenError("UnsafeIP", "Requests from VPNs and proxies are refused while the horde is under a raid");
  }
}

/**
 * The trust and moderation checks of a worker's pop or feed, as hooks for the workers module's
 * check-in (which cannot import this module):
 * - `before`: a blocked or timed-out address is `TimeoutIP`;
 * - `beforeRegister` (only when the name is new, in the registration's transaction): invite-only
 *   mode needs `workerInvited` above the owner's worker count (`WorkerInviteOnly`); an address
 *   may host MAX_WORKERS_PER_IP workers of an untrusted owner (20 trusted, or the owner's invite
 *   count; `TooManySameIPs`);
 * - `after`: records the address and raises `EXTREME_MAX_PIXELS` for an untrusted owner's worker
 *   declaring more than 3072² pixels, and `WORKER_NAME_LONG` / `WORKER_NAME_EXTREME` for a name
 *   sent over 100 / 200 characters (it was truncated);
 * - `refused`: a profane name raises `WORKER_PROFANITY` against the owner who tried it.
 */
export function workerGate(deps: Deps, viewer: Viewer) {
  return {
    before: async () => {
      await assertIpAllowed(deps, viewer.ip);
      // an untrusted owner's worker on an unsafe address: refused, except in raid mode (then
      // accepted silently and suspected in `after`), as the AI Horde
      if (!viewer.trusted && isUnsafeIp(deps, viewer.ip) && !(await snapshot(deps)).modes.raid) {
        throw new ForbiddenError("UnsafeIP", "Workers of untrusted owners may not run behind a VPN or proxy");
      }
    },
    beforeRegister: async (sql: Sql, name: string) => {
      if (await q.ownsWorkerNamed(sql, viewer.userId, name)) return;
      // Inside the registration's transaction: everything here reads through `sql` (on PGlite's
      // one connection the outer client would wait for this transaction for ever).
      const modes = await q.readModes(sql);
      if (modes.invite_only && (await q.workerCountOf(sql, viewer.userId)) >= viewer.workerInvited) {
        throw new ForbiddenError("WorkerInviteOnly", "The horde is invite-only; ask a moderator to invite a worker");
      }
      const configured = deps.config.maxWorkersPerIp;
      const limit = Math.max(viewer.trusted ? Math.max(20, configured) : configured, viewer.workerInvited);
      if (viewer.ip && configured > 0 && (await q.workersOnIp(sql, viewer.ip)) >= limit) {
        throw new ForbiddenError("TooManySameIPs", `This address already hosts ${limit} workers`);
      }
    },
    after: async (worker: { id: string }, d: { maxPixels?: number }) => {
      if (viewer.ip) await q.recordWorkerIp(deps.db, worker.id, viewer.ip);
      if (!viewer.trusted && (d.maxPixels ?? 0) > 3072 * 3072) {
        await suspectWorkerOnce(deps, worker.id, "EXTREME_MAX_PIXELS");
      }
      if (!viewer.trusted && isUnsafeIp(deps, viewer.ip)) await suspectWorkerOnce(deps, worker.id, "UNSAFE_IP");
    },
    // Runs on every check-in, debounced or not: only an overlong name costs a query (once-only check).
    named: async (worker: { id: string }, sentName: string) => {
      for (const reason of workerNameSuspicions(sentName)) await suspectWorkerOnce(deps, worker.id, reason);
    },
    refused: async (code: string) => {
      if (code === "ProfaneWorkerName") await suspectUserOnce(deps, viewer.userId, "WORKER_PROFANITY");
    },
  };
}

/**
 * After a sign-up: a username sent over 30 characters was registered under its first 30 and
 * raises `USERNAME_LONG` (reference §2.1, §3.10). A failure is logged: the account stands.
 */
export async function afterRegistration(deps: Deps, userId: number, sentName: string): Promise<void> {
  try {
    for (const reason of usernameSuspicions(sentName)) await suspectUserOnce(deps, userId, reason);
  } catch (err) {
    deps.logger.error({ err, user: userId }, "suspicion after a sign-up failed");
  }
}

/** The hooks {@link workerGate} returns. */
export type WorkerGate = ReturnType<typeof workerGate>;
