import { createHash, randomBytes } from "node:crypto";
import { canonicalName, invisibleCharacter, isProfane, nameKey, truncateName } from "../../lib/names.ts";

/** A sign-up username is truncated to this many characters (reference §2.1). */
export const USERNAME_MAX = 30;

/** The Anonymous account: id 0, key 0000000000. */
export const ANONYMOUS_ID = 0;

/** SHA-256 of a key; only this is stored. Keys are 128 random bits, so no salt is needed. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A new API key: 22 url-safe characters (128 bits). */
export function newApiKey(): string {
  return randomBytes(16).toString("base64url");
}

export type UsernameCheck =
  | { ok: true; username: string; truncated: boolean }
  | { ok: false; code: string; message: string };

/**
 * The AI Horde's sign-up username rules: trimmed, not empty, no profanity; a name over 30
 * characters is truncated to 30 (`truncated`: the caller raises USERNAME_LONG). Beyond them, names
 * are shown as `name#id`, so `#` is refused, as are control characters, invisible and bidi
 * characters (look-alikes), and the reserved name of the Anonymous account. The name is kept in
 * NFKC; uniqueness is on its key (src/lib/names.ts), enforced by the database.
 */
export function checkUsername(raw: string): UsernameCheck {
  const full = canonicalName(raw);
  if (full.length === 0) return { ok: false, code: "InvalidUsername", message: "A username cannot be empty" };
  // trust (issue 11): truncated with a suspicion, as the AI Horde does, rather than refused
  const username = truncateName(full, USERNAME_MAX);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[#\u0000-\u001f\u007f]/.test(username)) {
    return { ok: false, code: "InvalidUsername", message: "A username may not contain '#' or control characters" };
  }
  const invisible = invisibleCharacter(username);
  if (invisible) {
    return {
      ok: false,
      code: "InvisibleCharacters",
      message: `A username may not contain invisible or text-direction characters (${invisible})`,
    };
  }
  if (nameKey(username) === "anonymous") {
    return { ok: false, code: "UsernameTaken", message: "That username is reserved" };
  }
  if (isProfane(full)) {
    return { ok: false, code: "ProfaneUsername", message: "That username is not allowed" };
  }
  return { ok: true, username, truncated: username !== full };
}

/**
 * Whether a caller may see an account's private parts (kudos history, shared keys): the
 * account's owner with their own key, or a moderator. A shared key is for generating only, and
 * Anonymous's own history is everyone's requests, so neither sees them; moderators see all.
 */
export function seesPrivateOf(
  viewer: { userId: number; anonymous: boolean; moderator: boolean; sharedKeyId: string | null },
  userId: number,
): boolean {
  if (viewer.sharedKeyId) return false;
  if (viewer.moderator) return true;
  return !viewer.anonymous && viewer.userId === userId;
}
