/**
 * Roles (reference §2.1, §3.10): what a moderator may set on an account and what each change
 * brings with it. Pure.
 */

/** The roles a moderator sets, and the invite count (extra workers a user may run). */
export interface Roles {
  moderator: boolean;
  trusted: boolean;
  flagged: boolean;
  customizer: boolean;
  workerInvited: number;
}

/** What a moderator asks to change; absent fields stay as they are. */
export type RolesInput = Partial<Roles>;

/** One recorded change. */
export interface RoleChange {
  role: keyof Roles | "suspicion";
  oldValue: string;
  newValue: string;
}

/** The largest worker invite count a moderator may grant. */
export const MAX_WORKER_INVITED = 1000;

export type RolesPlan =
  | { ok: true; next: Roles; changes: RoleChange[]; becameTrusted: boolean }
  | { ok: false; code: string; message: string; field: string | null };

/**
 * Applies a moderator's role changes to an account's roles, with the AI Horde's side effects:
 * setting moderator also sets trusted; Anonymous can hold no role (it is everyone); a moderator
 * cannot be flagged; the invite count is a whole number from 0 to {@link MAX_WORKER_INVITED}.
 * An empty input is `NoUserModSelected`. Returns the new roles and every change, old → new.
 */
export function planRoles(current: Roles, input: RolesInput, target: { anonymous: boolean }): RolesPlan {
  const keys = (Object.keys(input) as (keyof Roles)[]).filter((k) => input[k] !== undefined && input[k] !== null);
  if (keys.length === 0) return { ok: false, code: "NoUserModSelected", message: "No role to change", field: null };
  const wi = input.workerInvited;
  if (wi !== undefined && wi !== null && (!Number.isInteger(wi) || wi < 0 || wi > MAX_WORKER_INVITED)) {
    return {
      ok: false,
      code: "InvalidWorkerInvited",
      message: `workerInvited is a whole number from 0 to ${MAX_WORKER_INVITED}`,
      field: "workerInvited",
    };
  }
  const next: Roles = { ...current };
  for (const k of keys) (next as unknown as Record<string, unknown>)[k] = input[k];
  if (next.moderator && !current.moderator) next.trusted = true;
  if (target.anonymous && (next.moderator || next.trusted || next.flagged || next.customizer || next.workerInvited)) {
    return { ok: false, code: "AnonymousRoles", message: "Anonymous cannot hold a role", field: null };
  }
  if (next.moderator && next.flagged) {
    return { ok: false, code: "ModeratorFlagged", message: "A moderator cannot be flagged", field: "flagged" };
  }
  const changes: RoleChange[] = [];
  for (const role of ["moderator", "trusted", "flagged", "customizer", "workerInvited"] as const) {
    if (next[role] !== current[role])
      changes.push({ role, oldValue: String(current[role]), newValue: String(next[role]) });
  }
  return { ok: true, next, changes, becameTrusted: next.trusted && !current.trusted };
}
