/**
 * What a worker may hand back for each form, checked before anything is stored (a result is
 * shown to the requester as sent, so its shape is the contract):
 *
 * | form | result |
 * |---|---|
 * | caption | `{caption: string}` |
 * | describe | `{describe: string}` |
 * | nsfw | `{nsfw: boolean}` |
 * | aesthetic | `{aesthetic: number}` (0–10) |
 * | palette | `{palette: ["#rrggbb", …]}` (1–32 colours) |
 * | vectorize | `{vectorize: "<svg …>…</svg>"}` (SVG text) |
 * | interrogation | `{interrogation: {<category>: [{text, confidence}, …], …}}` |
 * | a post-processor | `{image: <base64 PNG/WEBP/JPEG>}`: stored as a blob, shown as `{<form>: url}` |
 *
 * A result carries exactly its form's key, nothing else. Pure: the image itself is decoded by
 * the service (lib/images.ts).
 */
import { type AlchemyResult, formKind } from "./alchemy.rules.ts";

/** Limits on what a result may hold. */
export const RESULT_LIMITS = {
  /** caption and describe, in characters. */
  maxTextChars: 8000,
  /** an SVG, in characters. */
  maxSvgChars: 2 * 1024 * 1024,
  maxPaletteColours: 32,
  maxCategories: 20,
  maxTagsPerCategory: 200,
  maxTagChars: 200,
} as const;

/** A checked data result, ready to store, or an image to decode and store. */
export type CheckedResult = { kind: "data"; result: Record<string, unknown> } | { kind: "image"; base64: string };

function invalid(message: string): AlchemyResult<never> {
  return { ok: false, code: "InvalidAlchemyResult", message, field: "result" };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, what: string, max: number): AlchemyResult<string> {
  if (typeof value !== "string" || value.trim().length === 0) return invalid(`${what} must be a non-empty string.`);
  if (value.length > max) return invalid(`${what} is at most ${max} characters.`);
  return { ok: true, value };
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const CATEGORY = /^[a-z][a-z_]{0,31}$/;

function palette(value: unknown): AlchemyResult<string[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > RESULT_LIMITS.maxPaletteColours) {
    return invalid(`palette must list 1 to ${RESULT_LIMITS.maxPaletteColours} colours.`);
  }
  if (!value.every((c) => typeof c === "string" && COLOUR.test(c))) {
    return invalid('Each palette colour must be "#rrggbb".');
  }
  return { ok: true, value: value as string[] };
}

function svg(value: unknown): AlchemyResult<string> {
  const checked = text(value, "vectorize", RESULT_LIMITS.maxSvgChars);
  if (!checked.ok) return checked;
  const head = checked.value.trimStart().slice(0, 5).toLowerCase();
  if (head !== "<svg " && head !== "<svg>" && head !== "<?xml") return invalid("vectorize must be SVG text.");
  return checked;
}

type Tag = { text: string; confidence: number };

function tags(value: unknown, category: string): AlchemyResult<Tag[]> {
  if (!Array.isArray(value) || value.length > RESULT_LIMITS.maxTagsPerCategory) {
    return invalid(`interrogation.${category} must be a list of at most ${RESULT_LIMITS.maxTagsPerCategory} tags.`);
  }
  const out: Tag[] = [];
  for (const tag of value) {
    if (!isRecord(tag) || Object.keys(tag).some((k) => k !== "text" && k !== "confidence")) {
      return invalid(`Each tag of interrogation.${category} is {text, confidence}.`);
    }
    const t = text(tag.text, `A tag of interrogation.${category}`, RESULT_LIMITS.maxTagChars);
    if (!t.ok) return t;
    const c = tag.confidence;
    if (typeof c !== "number" || !Number.isFinite(c) || c < 0 || c > 100) {
      return invalid(`A tag's confidence in interrogation.${category} is a number from 0 to 100.`);
    }
    out.push({ text: t.value, confidence: c });
  }
  return { ok: true, value: out };
}

function interrogation(value: unknown): AlchemyResult<Record<string, Tag[]>> {
  if (!isRecord(value)) return invalid("interrogation must be an object of tag lists by category.");
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > RESULT_LIMITS.maxCategories) {
    return invalid(`interrogation has 1 to ${RESULT_LIMITS.maxCategories} categories.`);
  }
  const out: Record<string, Tag[]> = {};
  for (const [category, list] of entries) {
    if (!CATEGORY.test(category))
      return invalid("interrogation's categories are lower-case names like tags or artists.");
    const checked = tags(list, category);
    if (!checked.ok) return checked;
    out[category] = checked.value;
  }
  return { ok: true, value: out };
}

function dataValue(form: string, value: unknown): AlchemyResult<unknown> {
  switch (form) {
    case "caption":
    case "describe":
      return text(value, form, RESULT_LIMITS.maxTextChars);
    case "nsfw":
      return typeof value === "boolean" ? { ok: true, value } : invalid("nsfw must be true or false.");
    case "aesthetic":
      return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 10
        ? { ok: true, value }
        : invalid("aesthetic must be a number from 0 to 10.");
    case "palette":
      return palette(value);
    case "vectorize":
      return svg(value);
    case "interrogation":
      return interrogation(value);
    default:
      return invalid(`No result is defined for form ${JSON.stringify(form)}.`);
  }
}

/**
 * Checks a submitted result against its form (the table in the module comment). Refusals are
 * `InvalidAlchemyResult`, or `MissingAlchemyResult` when nothing was sent.
 */
export function checkResult(form: string, result: unknown): AlchemyResult<CheckedResult> {
  if (result === undefined || result === null) {
    return {
      ok: false,
      code: "MissingAlchemyResult",
      message: "A result is required unless the state is FAULTED.",
      field: "result",
    };
  }
  if (!isRecord(result)) return invalid("A result is a JSON object.");
  const key = formKind(form) === "image" ? "image" : form;
  const extra = Object.keys(result).find((k) => k !== key);
  if (extra !== undefined || !(key in result)) {
    return invalid(`A ${form} result is {${key}: …} and nothing else.`);
  }
  const value = result[key];
  if (key === "image") {
    return typeof value === "string" && value.length > 0
      ? { ok: true, value: { kind: "image", base64: value } }
      : invalid("image must be a base64 PNG, WEBP or JPEG.");
  }
  const checked = dataValue(form, value);
  if (!checked.ok) return checked;
  return { ok: true, value: { kind: "data", result: { [form]: checked.value } } };
}
