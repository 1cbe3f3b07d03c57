/**
 * Moderation rules (reference §1.11, §1.12, §3.1 step 12–13, §3.10). Pure.
 */
/** Minutes of an automatic IP timeout after `strikes` earlier corrupt prompts: 3, 9, 15, 21 … */
export function corruptPromptTimeoutMinutes(strikes: number): number {
  return (2 * Math.max(0, strikes) + 1) * 3;
}

/** A prompt filter's kind: `block` refuses the request, `replace` rewrites what matches. */
export type FilterKind = "block" | "replace";

/** A compiled prompt filter. */
export interface PromptFilter {
  id: string;
  kind: FilterKind;
  regex: RegExp;
  replacement: string;
}

export type RegexCheck = { ok: true; regex: RegExp } | { ok: false; message: string };

/** Longest filter expression a moderator may store. */
export const MAX_FILTER_REGEX = 1000;

/** Compiles a filter's expression, case-insensitive and Unicode-aware; refuses invalid or huge ones. */
export function compileFilter(source: string): RegexCheck {
  if (source.length === 0 || source.length > MAX_FILTER_REGEX) {
    return { ok: false, message: `A filter is 1 to ${MAX_FILTER_REGEX} characters` };
  }
  try {
    return { ok: true, regex: new RegExp(source, "giu") };
  } catch (e) {
    return { ok: false, message: `Not a valid regular expression: ${(e as Error).message}` };
  }
}

/** What the AI Horde prepends to the negative prompt of a prompt its replacement filter rewrote. */
export const CSAM_NEGATIVE = "child, infant, underage, immature, teenager, tween";

/**
 * The AI Horde's rewrite for prompts sent to NSFW models and for every flagged user's prompt
 * (reference §3.1 step 13): words that make a subject young are made adult.
 */
export function adultRewrite(prompt: string): string {
  return prompt
    .replace(/\b(student|young|lit+le|lil|small|tiny)\b/giu, "adult")
    .replace(/\b(girl|nina)s?\b/giu, "adult woman")
    .replace(/\b(boys?|sons?)\b/giu, "adult man");
}

/** What screening a prompt decided. */
export type Screened =
  | { ok: true; prompt: string; rewritten: boolean }
  | { ok: false; code: "CorruptPrompt"; message: string; timeout: boolean };

/**
 * Screens a prompt (the positive part, before `###`) at admission:
 * - a `block` filter that matches refuses it (`CorruptPrompt`; the caller raises suspicion and
 *   times the IP out);
 * - `replace` filters rewrite what they match, and the negative prompt then starts with
 *   {@link CSAM_NEGATIVE} (as the AI Horde's replacement filter does);
 * - prompts for NSFW models and every prompt of a flagged user get {@link adultRewrite};
 * - a prompt that nothing is left of is `CorruptPrompt` (without a timeout).
 */
export function screenPrompt(
  prompt: string,
  filters: readonly PromptFilter[],
  o: { nsfwModel: boolean; flagged: boolean },
): Screened {
  const [positive = "", ...rest] = prompt.split("###");
  let negative = rest.join("###");
  for (const f of filters) {
    f.regex.lastIndex = 0;
    if (f.kind === "block" && f.regex.test(positive)) {
      return { ok: false, code: "CorruptPrompt", message: "This prompt is not allowed", timeout: true };
    }
  }
  let out = positive;
  let replaced = false;
  for (const f of filters) {
    if (f.kind !== "replace") continue;
    f.regex.lastIndex = 0;
    const next = out.replace(f.regex, f.replacement);
    if (next !== out) replaced = true;
    out = next;
  }
  if (o.nsfwModel || o.flagged) out = adultRewrite(out);
  if (out.trim().length === 0) {
    return { ok: false, code: "CorruptPrompt", message: "Nothing is left of this prompt", timeout: false };
  }
  if (replaced) negative = negative ? `${CSAM_NEGATIVE}, ${negative}` : CSAM_NEGATIVE;
  const rewritten = out !== positive || replaced;
  return { ok: true, prompt: negative ? `${out}###${negative}` : out, rewritten };
}
