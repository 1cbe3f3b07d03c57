import { ValidationError } from "../../errors.ts";
import type { Db } from "../../infra/db.ts";
import { ANONYMOUS_API_KEY } from "../../lib/ids.ts";
import { ANONYMOUS_ID, checkUsername, hashKey, newApiKey } from "./users.rules.ts";

/** The caller, as resolved from an API key (or a shared key, which acts for its owner). */
export interface Viewer {
  userId: number;
  username: string;
  anonymous: boolean;
  trusted: boolean;
  moderator: boolean;
  flagged: boolean;
  /** Extra workers a moderator allowed this user to run. */
  workerInvited: number;
  /** Set when the key was a shared key; the viewer then acts for the key's owner, within it. */
  sharedKeyId: string | null;
  /** The client's address, when the call came over HTTP or a socket (IP blocks, worker limits). */
  ip?: string;
}

export const ANONYMOUS_VIEWER: Viewer = {
  userId: ANONYMOUS_ID,
  username: "Anonymous",
  anonymous: true,
  trusted: false,
  moderator: false,
  flagged: false,
  workerInvited: 0,
  sharedKeyId: null,
};

interface AuthRow {
  id: number;
  username: string;
  trusted: boolean;
  moderator: boolean;
  flagged: boolean;
  worker_invited: number;
  shared_key_id: string | null;
}

/**
 * Resolves an API key to a viewer in one statement: a user's own key, or a shared key standing
 * for its owner. No key (or the anonymous key) is Anonymous; a key that matches nobody is null,
 * which callers turn into `InvalidAPIKey`, never into Anonymous.
 */
export async function authenticate(db: Db, apikey: string | null | undefined): Promise<Viewer | null> {
  if (!apikey || apikey === ANONYMOUS_API_KEY) return ANONYMOUS_VIEWER;
  const hash = hashKey(apikey);
  const rows = await db.query<AuthRow>(
    `SELECT u.id, u.username, u.trusted, u.moderator, u.flagged, u.worker_invited, NULL::uuid AS shared_key_id
       FROM users u WHERE u.api_key_hash = $1
     UNION ALL
     SELECT u.id, u.username, u.trusted, u.moderator, u.flagged, u.worker_invited, k.id
       FROM shared_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1
     LIMIT 1`,
    [hash],
    { name: "authenticate" },
  );
  const r = rows[0];
  if (!r) return null;
  return {
    userId: r.id,
    username: r.username,
    anonymous: r.id === ANONYMOUS_ID,
    trusted: r.trusted,
    moderator: r.moderator,
    flagged: r.flagged,
    workerInvited: r.worker_invited,
    sharedKeyId: r.shared_key_id,
  };
}

/** Creates an account and returns its API key; the key is shown once and only its hash is kept. */
export async function registerUser(db: Db, rawUsername: string): Promise<{ userId: number; apiKey: string }> {
  const check = checkUsername(rawUsername);
  if (!check.ok) throw new ValidationError(check.code, check.message, "username");
  const apiKey = newApiKey();
  const rows = await db.query<{ id: number }>(
    `INSERT INTO users (username, api_key_hash) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING id`,
    [check.username, hashKey(apiKey)],
  );
  const id = rows[0]?.id;
  if (id === undefined) {
    throw new ValidationError("UsernameTaken", `The username '${check.username}' is taken`, "username");
  }
  return { userId: id, apiKey };
}
