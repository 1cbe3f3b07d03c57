import { createHash, randomBytes } from "node:crypto";
import { canonicalName, invisibleCharacter, nameKey } from "../../lib/names.ts";

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

const PROFANITY = ["fuck", "shit", "cunt", "nigger", "faggot", "retard", "whore"];

export type UsernameCheck = { ok: true; username: string } | { ok: false; code: string; message: string };

/**
 * The AI Horde's username rules: trimmed, 1 to 30 characters, no profanity. Beyond them, names
 * are shown as `name#id`, so `#` is refused, as are control characters, invisible and bidi
 * characters (look-alikes), and the reserved name of the Anonymous account. The name is kept in
 * NFKC; uniqueness is on its key (src/lib/names.ts), enforced by the database.
 */
export function checkUsername(raw: string): UsernameCheck {
  const username = canonicalName(raw);
  if (username.length === 0) return { ok: false, code: "InvalidUsername", message: "A username cannot be empty" };
  if ([...username].length > 30) {
    return { ok: false, code: "UsernameTooLong", message: "A username may have at most 30 characters" };
  }
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
  const lower = username.toLowerCase();
  if (PROFANITY.some((w) => lower.includes(w))) {
    return { ok: false, code: "ProfaneUsername", message: "That username is not allowed" };
  }
  return { ok: true, username };
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
