/**
 * Names people choose (usernames, worker names) and the look-alikes they must not collide with.
 * Pure.
 *
 * Two names are the same name when their keys are equal: NFKC (compatibility forms folded, so
 * fullwidth `Ｂｏｂ` is `Bob`), then lower case. The database keeps the key as a generated
 * column, `lower(normalize(name, NFKC))`, with a unique index, so this is the one rule for
 * uniqueness; {@link nameKey} mirrors it for code and tests.
 *
 * Characters that show nothing or reorder what is shown (zero-width, joiners, soft hyphen,
 * variation selectors, tags, bidi controls) are refused outright: with them `bob` and `b\u200Bob`
 * look the same and have different keys.
 */

/** Default-ignorable code points (invisible) and bidirectional controls. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;

/** The first invisible or bidi-control character of `s` as `U+XXXX`, or null. */
export function invisibleCharacter(s: string): string | null {
  const m = INVISIBLE.exec(s);
  if (!m) return null;
  return `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The name as stored: trimmed, in NFKC. */
export function canonicalName(raw: string): string {
  return raw.trim().normalize("NFKC");
}

/** The key two names collide on (what the database's generated column holds). */
export function nameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

/**
 * The built-in profanity list (no network, no dictionary package): substrings matched case
 * insensitively after NFKC. Usernames, worker names and the trust rules share it.
 */
export const PROFANE_WORDS = ["fuck", "shit", "cunt", "nigger", "faggot", "retard", "whore"] as const;

/** Whether a name or text contains a word of {@link PROFANE_WORDS}. */
export function isProfane(text: string): boolean {
  const lower = text.normalize("NFKC").toLowerCase();
  return PROFANE_WORDS.some((w) => lower.includes(w));
}

/** The first `max` code points of `name` (never half a surrogate pair). */
export function truncateName(name: string, max: number): string {
  const points = [...name];
  return points.length <= max ? name : points.slice(0, max).join("");
}
