import { KNOWN_SAMPLERS } from "../models/models.rules.ts";
import {
  fail,
  IMAGE_DEFAULTS,
  type ImageParams,
  type ImageParamsInput,
  IMAGE_LIMITS as L,
  pass,
  type RuleResult,
} from "./requests.rules.ts";
import { seedToInt } from "./seed.rules.ts";

/** Counts whitespace-separated words, the unit of the prompt size limit. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}

function isMultipleOf(value: number, step: number): boolean {
  return Number.isInteger(value) && value % step === 0;
}

function hasAtMostTwoDecimals(value: number): boolean {
  const scaled = value * 100;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

// ─────────────────────────────── prompt ───────────────────────────────

/** The prompt: not blank, within the word and character limits. Newlines and tabs are text. */
export function checkPrompt(prompt: string, maxWords: number): RuleResult<string> {
  if (prompt.trim() === "") return fail("MissingPrompt", "The prompt is empty.", "prompt");
  if (prompt.length > L.maxPromptChars) {
    const message = `The prompt has ${prompt.length} characters; at most ${L.maxPromptChars} are accepted.`;
    return fail("InvalidPromptSize", message, "prompt");
  }
  const words = countWords(prompt);
  if (words > maxWords) {
    return fail("InvalidPromptSize", `The prompt has ${words} words; at most ${maxWords} are accepted.`, "prompt");
  }
  return pass(prompt);
}

// ──────────────────────── size, steps, parameters ────────────────────────

/** The parameters the parameter section decides. */
export type Core = Omit<
  ImageParams,
  "postProcessing" | "loras" | "karras" | "hiresFix" | "returnControlMap" | "tiling"
>;

function checkSize(p: ImageParamsInput): RuleResult<{ width: number; height: number; n: number }> {
  const width = p.width ?? IMAGE_DEFAULTS.width;
  const height = p.height ?? IMAGE_DEFAULTS.height;
  for (const [side, value] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!isMultipleOf(value, L.sideMultiple) || value < L.minSide || value > L.maxSide) {
      const message = `The ${side} must be a multiple of ${L.sideMultiple} between ${L.minSide} and ${L.maxSide}; got ${value}.`;
      return fail("InvalidSize", message, `params.${side}`);
    }
  }
  const n = p.n ?? IMAGE_DEFAULTS.n;
  if (!Number.isInteger(n) || n < L.minN || n > L.maxN) {
    return fail("InvalidAmount", `n must be a whole number between ${L.minN} and ${L.maxN}; got ${n}.`, "params.n");
  }
  return pass({ width, height, n });
}

function checkSteps(p: ImageParamsInput, controlType: string | null): RuleResult<number> {
  const steps = p.steps ?? (controlType !== null ? IMAGE_DEFAULTS.controlNetSteps : IMAGE_DEFAULTS.steps);
  if (!Number.isInteger(steps))
    return fail("InvalidSteps", `Steps must be a whole number; got ${steps}.`, "params.steps");
  if (steps < L.minSteps)
    return fail("TooFewSteps", `At least ${L.minSteps} step is needed; got ${steps}.`, "params.steps");
  if (steps > L.maxSteps) {
    return fail("TooManySteps", `At most ${L.maxSteps} steps are accepted; got ${steps}.`, "params.steps");
  }
  // ControlNet steps above the ceiling buy nothing: lowered silently.
  return pass(controlType !== null ? Math.min(steps, L.maxControlNetSteps) : steps);
}

function checkGuidance(p: ImageParamsInput): RuleResult<Pick<Core, "cfgScale" | "denoisingStrength" | "clipSkip">> {
  const cfgScale = p.cfgScale ?? IMAGE_DEFAULTS.cfgScale;
  if (
    !Number.isFinite(cfgScale) ||
    cfgScale < L.minCfgScale ||
    cfgScale > L.maxCfgScale ||
    !hasAtMostTwoDecimals(cfgScale)
  ) {
    const message = `cfgScale must be between ${L.minCfgScale} and ${L.maxCfgScale} with at most 2 decimals; got ${cfgScale}.`;
    return fail("InvalidCfgScale", message, "params.cfgScale");
  }
  const denoisingStrength = p.denoisingStrength ?? null;
  if (
    denoisingStrength !== null &&
    (!Number.isFinite(denoisingStrength) ||
      denoisingStrength < L.minDenoisingStrength ||
      denoisingStrength > L.maxDenoisingStrength)
  ) {
    const message = `denoisingStrength must be between ${L.minDenoisingStrength} and ${L.maxDenoisingStrength}; got ${denoisingStrength}.`;
    return fail("InvalidDenoisingStrength", message, "params.denoisingStrength");
  }
  const clipSkip = p.clipSkip ?? IMAGE_DEFAULTS.clipSkip;
  if (!Number.isInteger(clipSkip) || clipSkip < L.minClipSkip || clipSkip > L.maxClipSkip) {
    const message = `clipSkip must be a whole number between ${L.minClipSkip} and ${L.maxClipSkip}; got ${clipSkip}.`;
    return fail("InvalidClipSkip", message, "params.clipSkip");
  }
  return pass({ cfgScale, denoisingStrength, clipSkip });
}

function checkSamplerAndSeed(p: ImageParamsInput): RuleResult<Pick<Core, "samplerName" | "seed">> {
  const samplerName = p.samplerName ?? IMAGE_DEFAULTS.samplerName;
  if (!KNOWN_SAMPLERS.includes(samplerName)) {
    const message = `Unknown sampler ${JSON.stringify(samplerName)}; known samplers: ${KNOWN_SAMPLERS.join(", ")}.`;
    return fail("UnknownSampler", message, "params.samplerName");
  }
  const seed = p.seed ?? null;
  if (seed !== null && seed.length > L.maxSeedLength) {
    const message = `A seed is at most ${L.maxSeedLength} characters; got ${seed.length}.`;
    return fail("InvalidSeed", message, "params.seed");
  }
  // Converted here, once, so every job of the request hands its worker the same integer seed,
  // which the worker's submit then echoes back as an integer. An empty seed means "random".
  return pass({ samplerName, seed: seed === null || seed === "" ? null : seedToInt(seed) });
}

/** Size, amount, steps, guidance, sampler and seed, in that order. */
export function checkParams(p: ImageParamsInput): RuleResult<Core> {
  const controlType = p.controlType === "" ? null : (p.controlType ?? null);
  const size = checkSize(p);
  if (!size.ok) return size;
  const steps = checkSteps(p, controlType);
  if (!steps.ok) return steps;
  const guidance = checkGuidance(p);
  if (!guidance.ok) return guidance;
  const sampler = checkSamplerAndSeed(p);
  if (!sampler.ok) return sampler;
  return pass({ ...size.value, steps: steps.value, ...guidance.value, ...sampler.value, controlType });
}
