import type { Deps } from "../../deps.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { releaseEscrow } from "../kudos/kudos.service.ts";
import type { Viewer } from "../users/users.service.ts";
import { qualifiesForAutoTrust } from "./escrow.rules.ts";
import { planRoles, type RolesInput } from "./roles.rules.ts";
import {
  listRoleChanges,
  lockRoles,
  lockTrustFacts,
  type RoleChangeRow,
  recordRoleChanges,
  unpauseWorkersOf,
  writeRoles,
} from "./roles.sql.ts";
import { isSuspicious } from "./suspicion.rules.ts";
import { resetSuspicion } from "./suspicion.sql.ts";

/** Moderators only, with their own key. */
export function assertModerator(viewer: Viewer): void {
  if (!viewer.moderator || viewer.sharedKeyId) {
    throw new ForbiddenError("NotModerator", "Only a moderator may do this");
  }
}

/** What `setUserRoles` takes: the account and the roles to change. */
export interface SetRolesInput extends RolesInput {
  userId: number;
  /** Clears the account's and its workers' suspicion (and un-pauses what suspicion paused). */
  resetSuspicion?: boolean | null;
}

/**
 * `setUserRoles`: a moderator sets an account's roles (moderator, trusted, flagged, customizer,
 * worker invites) and may reset its suspicion. Every change is recorded in `role_changes` with
 * the moderator, old → new and the time, in the transaction that makes it. Side effects
 * (reference §2.1): moderator implies trusted; becoming trusted un-pauses the account's workers
 * and pays out its escrow.
 */
export async function setUserRoles(deps: Deps, viewer: Viewer, input: SetRolesInput): Promise<number> {
  assertModerator(viewer);
  const { userId, resetSuspicion: reset, ...roles } = input;
  const now = deps.clock.now();
  await deps.db.tx(async (sql) => {
    const current = await lockRoles(sql, userId);
    if (!current) throw new NotFoundError("UserNotFound", "No such user");
    const nothingElse = Object.values(roles).every((v) => v === undefined || v === null);
    const plan = nothingElse && reset ? null : planRoles(current, roles, { anonymous: userId === 0 });
    if (plan && !plan.ok) throw new ValidationError(plan.code, plan.message, plan.field);
    if (plan?.ok) {
      await writeRoles(sql, userId, plan.next);
      await recordRoleChanges(sql, { moderatorId: viewer.userId, userId, changes: plan.changes, now });
      if (plan.becameTrusted) await becomeTrusted(sql, userId, now);
    }
    if (reset) {
      const had = await resetSuspicion(sql, userId);
      const change = { role: "suspicion" as const, oldValue: String(had), newValue: "0" };
      await recordRoleChanges(sql, { moderatorId: viewer.userId, userId, changes: [change], now });
    }
  });
  // trust and un-pausing change what the user's workers may take
  deps.bus.publish("workersChanged", { userId });
  return userId;
}

async function becomeTrusted(sql: Sql, userId: number, now: Date): Promise<void> {
  await unpauseWorkersOf(sql, userId);
  await releaseEscrow(sql, userId, now);
}

/** The role audit, for moderators (null for anyone else), newest first. */
export async function roleChanges(
  deps: Deps,
  viewer: Viewer,
  a: { userId: number | null; first: number; before: string | null },
): Promise<RoleChangeRow[] | null> {
  if (!viewer.moderator || viewer.sharedKeyId) return null;
  const limit = Math.min(Math.max(Math.trunc(a.first), 1), 100);
  const before = a.before && /^\d{1,18}$/.test(a.before) ? a.before : null;
  return listRoleChanges(deps.db, { userId: a.userId, limit, before });
}

/**
 * The automatic trust rule (reference §3.10), run after an untrusted owner's escrow grew: with
 * KUDOS_TRUST_THRESHOLD set, an account at least 7 days old, not suspicious, whose escrow is
 * above the threshold becomes trusted; its escrow is paid out and the promotion recorded in the
 * audit with no moderator. Returns whether it was promoted.
 */
export async function checkAutoTrust(deps: Deps, userId: number): Promise<boolean> {
  const threshold = deps.config.kudosTrustThreshold;
  if (threshold === null || userId === 0) return false;
  const now = deps.clock.now();
  const promoted = await deps.db.tx(async (sql) => {
    const f = await lockTrustFacts(sql, userId);
    if (!f) return false;
    const ok = qualifiesForAutoTrust({
      threshold,
      escrow: f.escrow,
      trusted: f.trusted,
      anonymous: false,
      suspicious: isSuspicious(f.suspicion, f.trusted),
      createdAt: f.created_at,
      now,
    });
    if (!ok) return false;
    const roles = await lockRoles(sql, userId);
    if (!roles) return false;
    await writeRoles(sql, userId, { ...roles, trusted: true });
    await recordRoleChanges(sql, {
      moderatorId: null,
      userId,
      changes: [{ role: "trusted", oldValue: "false", newValue: "true" }],
      now,
    });
    await becomeTrusted(sql, userId, now);
    return true;
  });
  // trusted, with its workers un-paused: they may take more
  if (promoted) deps.bus.publish("workersChanged", { userId });
  return promoted;
}
