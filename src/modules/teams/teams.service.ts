import type { Deps } from "../../deps.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import type { Viewer } from "../users/users.service.ts";
import { onlineSince } from "../workers/workers.rules.ts";
import { checkTeamInfo, checkTeamName, EMPTY_TEAM_STATS, type TeamStats } from "./teams.rules.ts";
import { deleteTeamRow, insertTeam, lockTeam, teamNameTaken, teamStats, writeTeam } from "./teams.sql.ts";

function assertRegistered(viewer: Viewer): void {
  if (viewer.anonymous) throw new ForbiddenError("AnonForbidden", "Anonymous cannot manage teams");
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot manage teams");
}

/** `createTeam`: trusted users only (the AI Horde's `UntrustedTeamCreation`), name unique case-insensitively. */
export async function createTeam(deps: Deps, viewer: Viewer, input: { name: string; info?: string | null }) {
  assertRegistered(viewer);
  if (!viewer.trusted) throw new ForbiddenError("UntrustedTeamCreation", "Only trusted users may create teams");
  const name = checkTeamName(input.name);
  if (!name.ok) throw new ValidationError(name.code, name.message, name.field);
  const info = checkTeamInfo(input.info ?? "");
  if (!info.ok) throw new ValidationError(info.code, info.message, info.field);
  const id = await insertTeam(deps.db, {
    name: name.value,
    info: info.value,
    ownerId: viewer.userId,
    now: deps.clock.now(),
  });
  if (!id) throw new ValidationError("TeamNameTaken", "A team with this name exists", "name");
  return id;
}

async function lockManaged(sql: Sql, viewer: Viewer, id: string) {
  const team = isUuid(id) ? await lockTeam(sql, id.toLowerCase()) : null;
  if (!team) throw new NotFoundError("TeamNotFound", "No such team");
  if (!viewer.moderator && team.owner_id !== viewer.userId) {
    throw new ForbiddenError("WrongCredentials", "Only the team's owner or a moderator may do this");
  }
}

/** `updateTeam`: the team's owner or a moderator changes its name or info. */
export async function updateTeam(
  deps: Deps,
  viewer: Viewer,
  input: { id: string; name?: string | null; info?: string | null },
): Promise<string> {
  assertRegistered(viewer);
  const c: { name?: string; info?: string | null } = {};
  if (input.name != null) {
    const n = checkTeamName(input.name);
    if (!n.ok) throw new ValidationError(n.code, n.message, n.field);
    c.name = n.value;
  }
  if (input.info != null) {
    const i = checkTeamInfo(input.info);
    if (!i.ok) throw new ValidationError(i.code, i.message, i.field);
    c.info = i.value;
  }
  if (Object.keys(c).length === 0) throw new ValidationError("NoTeamModSelected", "Nothing to change");
  const id = input.id.toLowerCase();
  await deps.db.tx(async (sql) => {
    await lockManaged(sql, viewer, input.id);
    if (c.name !== undefined && (await teamNameTaken(sql, c.name, id))) {
      throw new ValidationError("TeamNameTaken", "A team with this name exists", "name");
    }
    await writeTeam(sql, id, c);
  });
  return id;
}

/** `deleteTeam`: the team's owner or a moderator; its workers are left without a team. */
export async function deleteTeam(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  assertRegistered(viewer);
  await deps.db.tx(async (sql) => {
    await lockManaged(sql, viewer, id);
    await deleteTeamRow(sql, id.toLowerCase());
  });
  return id.toLowerCase();
}

/** Statistics of a page of teams, one grouped statement for all of them. */
export async function statsOfTeams(deps: Deps, ids: readonly string[]): Promise<TeamStats[]> {
  const since = onlineSince(deps.clock.now());
  const rows = await teamStats(deps.db, ids, since);
  const byId = new Map(rows.map((r) => [r.team_id, r]));
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r) return EMPTY_TEAM_STATS;
    return {
      workerCount: r.worker_count,
      contributions: r.contributions,
      requestsFulfilled: r.fulfilments,
      kudos: Number(r.kudos),
      uptime: r.uptime,
      performance: r.online > 0 ? r.speed / r.online / 1e6 : 0,
      speed: r.speed / 1e6,
    };
  });
}
