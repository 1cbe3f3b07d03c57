/**
 * Team rules (reference §1.6, §2.6): names and info, and who may manage a team. Pure.
 */
import { canonicalName, invisibleCharacter } from "../../lib/names.ts";

export const MAX_TEAM_NAME = 100;
export const MAX_TEAM_INFO = 1000;

type Checked<T> = { ok: true; value: T } | { ok: false; code: string; message: string; field: string };

const PROFANITY = /fuck|shit|cunt|nigger|faggot|retard|whore/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A team name: 1 to 100 printable, visible characters, no profanity (unique case-insensitively). */
export function checkTeamName(raw: string): Checked<string> {
  const name = canonicalName(raw);
  if (name.length === 0 || CONTROL.test(name) || [...name].length > MAX_TEAM_NAME || invisibleCharacter(name)) {
    return {
      ok: false,
      code: "InvalidTeamName",
      message: `A team name is 1 to ${MAX_TEAM_NAME} printable characters`,
      field: "name",
    };
  }
  if (PROFANITY.test(name))
    return { ok: false, code: "ProfaneTeamName", message: "That name is not allowed", field: "name" };
  return { ok: true, value: name };
}

/** A team's info: at most 1000 printable characters; empty clears it. */
export function checkTeamInfo(raw: string): Checked<string | null> {
  const text = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text) || [...text].length > MAX_TEAM_INFO) {
    return {
      ok: false,
      code: "InvalidTeamInfo",
      message: `info has at most ${MAX_TEAM_INFO} characters`,
      field: "info",
    };
  }
  return { ok: true, value: text.length > 0 ? text : null };
}

/** Team statistics, summed over its workers (reference §2.6). */
export interface TeamStats {
  workerCount: number;
  contributions: number;
  requestsFulfilled: number;
  kudos: number;
  uptime: number;
  /** Average megapixelsteps per second of its online workers. */
  performance: number;
  /** Total megapixelsteps per second of its online workers. */
  speed: number;
}

export const EMPTY_TEAM_STATS: TeamStats = {
  workerCount: 0,
  contributions: 0,
  requestsFulfilled: 0,
  kudos: 0,
  uptime: 0,
  performance: 0,
  speed: 0,
};
