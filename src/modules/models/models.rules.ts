/**
 * Image model reference rules.
 *
 * Contract: the model reference is data, not code. `parseModelReference` is the only way a
 * reference (bundled or loaded later) becomes `ModelInfo[]`, and it refuses anything it does
 * not understand, naming the model and field, because a silently mis-typed requirement or
 * baseline would misprice jobs or route them to workers that cannot run them.
 * Everything here is pure: no IO beyond the JSON that the bundler inlines.
 */
import { invisibleCharacter } from "../../lib/names.ts";
import data from "./reference.json" with { type: "json" };

/** The model families the broker prices and routes differently. */
export type Baseline =
  | "stable_diffusion_1"
  | "stable_diffusion_2"
  | "stable_diffusion_xl"
  | "stable_cascade"
  | "flux_1"
  | "qwen_image"
  | "z_image";

/** Every accepted baseline, in the order they appeared historically. */
export const BASELINES: readonly Baseline[] = [
  "stable_diffusion_1",
  "stable_diffusion_2",
  "stable_diffusion_xl",
  "stable_cascade",
  "flux_1",
  "qwen_image",
  "z_image",
];

/**
 * Parameters a model works best with. A request outside them is still accepted (the worker
 * can run it) but gets a warning, as the AI Horde does.
 */
export interface ModelRequirements {
  minSteps?: number;
  maxSteps?: number;
  /** The one guidance scale the model expects. */
  cfgScale?: number;
  minCfgScale?: number;
  maxCfgScale?: number;
  /** Samplers the model works with; any other sampler is a mismatch. */
  samplers?: string[];
  /** The CLIP skip the model was trained with. */
  clipSkip?: number;
}

/** One entry of the image model reference. */
export interface ModelInfo {
  name: string;
  baseline: Baseline;
  nsfw: boolean;
  inpainting: boolean;
  description: string;
  requirements: ModelRequirements;
}

/** The model used when a caller needs one concrete SD1.5 model by name. */
export const DEFAULT_MODEL = "stable_diffusion";

/** The 14 samplers a request may name (AI Horde `KNOWN_SAMPLERS`). */
export const KNOWN_SAMPLERS: readonly string[] = [
  "k_lms",
  "k_heun",
  "k_euler",
  "k_euler_a",
  "k_dpm_2",
  "k_dpm_2_a",
  "k_dpm_fast",
  "k_dpm_adaptive",
  "k_dpmpp_2s_a",
  "k_dpmpp_2m",
  "dpmsolver",
  "k_dpmpp_sde",
  "DDIM",
  "lcm",
];

/** Post-processors that enlarge the image; a request may use at most one of them. */
export const UPSCALERS: readonly string[] = [
  "RealESRGAN_x4plus",
  "RealESRGAN_x2plus",
  "RealESRGAN_x4plus_anime_6B",
  "NMKD_Siax",
  "4x_AnimeSharp",
  "4xNomos8kSC",
];

/** Post-processors that restore faces without changing the size. */
export const FACE_FIXERS: readonly string[] = ["GFPGAN", "GFPGANv1.3", "CodeFormers", "RestoreFormer"];

/** Every post-processor name a request may list. */
export const POST_PROCESSORS: readonly string[] = [...FACE_FIXERS, ...UPSCALERS, "strip_background"];

/**
 * Post-processors costly enough that a worker batches fewer jobs carrying them (§3.4) and
 * that add to the job price.
 */
export const HEAVY_POST_PROCESSORS: readonly string[] = ["RealESRGAN_x4plus", "CodeFormers"];

const REQUIREMENT_NUMBER_KEYS = ["minSteps", "maxSteps", "cfgScale", "minCfgScale", "maxCfgScale", "clipSkip"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBaseline(value: unknown): value is Baseline {
  return typeof value === "string" && (BASELINES as readonly string[]).includes(value);
}

/**
 * The baseline names the AI Horde's published image model reference uses (stable_diffusion.json:
 * "stable diffusion 1", "stable diffusion 2 512", "flux_schnell", ...), after lower-casing and
 * turning spaces and hyphens into underscores, mapped to the families this broker prices and
 * routes. Both SD2 resolutions are one family here; Flux's variants are Flux.
 */
const PUBLISHED_BASELINES: Readonly<Record<string, Baseline>> = {
  stable_diffusion_2_512: "stable_diffusion_2",
  stable_diffusion_2_768: "stable_diffusion_2",
  flux_schnell: "flux_1",
  flux_dev: "flux_1",
  z_image_turbo: "z_image",
};

/** A reference's baseline as one of {@link BASELINES}, or undefined when it names none of them. */
export function normalizeBaseline(value: unknown): Baseline | undefined {
  if (typeof value !== "string") return undefined;
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (isBaseline(key)) return key;
  return PUBLISHED_BASELINES[key];
}

/** The published reference's snake_case requirement names, and the names used here. */
const SNAKE_REQUIREMENTS: Readonly<Record<string, string>> = {
  min_steps: "minSteps",
  max_steps: "maxSteps",
  cfg_scale: "cfgScale",
  min_cfg_scale: "minCfgScale",
  max_cfg_scale: "maxCfgScale",
  clip_skip: "clipSkip",
};

/**
 * Requirements the published reference carries that this broker has no parameter for (it has
 * `karras`, not a scheduler); they are read and dropped rather than refused.
 */
const IGNORED_REQUIREMENTS: readonly string[] = ["schedulers", "scheduler"];

function parseRequirements(name: string, raw: unknown): ModelRequirements {
  if (raw === undefined) return {};
  if (!isRecord(raw)) {
    throw new Error(`model reference: model "${name}": "requirements" must be an object`);
  }
  const out: ModelRequirements = {};
  for (const [rawKey, value] of Object.entries(raw)) {
    if (IGNORED_REQUIREMENTS.includes(rawKey)) continue;
    const key = SNAKE_REQUIREMENTS[rawKey] ?? rawKey;
    if ((REQUIREMENT_NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        throw new Error(`model reference: model "${name}": requirement "${key}" must be a non-negative number`);
      }
      out[key as (typeof REQUIREMENT_NUMBER_KEYS)[number]] = value;
    } else if (key === "samplers") {
      if (!Array.isArray(value) || value.length === 0) {
        throw new Error(`model reference: model "${name}": requirement "samplers" must be a non-empty array`);
      }
      for (const sampler of value) {
        if (typeof sampler !== "string" || !KNOWN_SAMPLERS.includes(sampler)) {
          throw new Error(
            `model reference: model "${name}": requirement "samplers" names unknown sampler ${JSON.stringify(sampler)}`,
          );
        }
      }
      out.samplers = [...(value as string[])];
    } else {
      // A misspelt requirement would otherwise be ignored and never warn anyone.
      throw new Error(`model reference: model "${name}": unknown requirement "${key}"`);
    }
  }
  if (out.minSteps !== undefined && out.maxSteps !== undefined && out.minSteps > out.maxSteps) {
    throw new Error(`model reference: model "${name}": "minSteps" is above "maxSteps"`);
  }
  if (out.minCfgScale !== undefined && out.maxCfgScale !== undefined && out.minCfgScale > out.maxCfgScale) {
    throw new Error(`model reference: model "${name}": "minCfgScale" is above "maxCfgScale"`);
  }
  return out;
}

/**
 * Validates an image model reference (an object keyed by model name) and returns its models
 * in document order.
 *
 * Extra top-level fields on a model are ignored, so richer upstream references still load;
 * unknown requirement keys are refused because they would silently never apply.
 *
 * @throws Error naming the offending model and field.
 */
export function parseModelReference(json: unknown): ModelInfo[] {
  if (!isRecord(json)) {
    throw new Error("model reference: expected an object keyed by model name");
  }
  const models: ModelInfo[] = [];
  for (const [name, raw] of Object.entries(json)) {
    if (name.trim() === "") {
      throw new Error("model reference: a model has an empty name");
    }
    if (!isRecord(raw)) {
      throw new Error(`model reference: model "${name}" must be an object`);
    }
    const baseline = normalizeBaseline(raw.baseline);
    if (!baseline) {
      throw new Error(
        `model reference: model "${name}": unknown baseline ${JSON.stringify(raw.baseline)} (expected one of ${BASELINES.join(", ")})`,
      );
    }
    if (typeof raw.nsfw !== "boolean") {
      throw new Error(`model reference: model "${name}": "nsfw" must be a boolean`);
    }
    // The published reference leaves `inpainting` and `description` out of many entries.
    if (raw.inpainting !== undefined && typeof raw.inpainting !== "boolean") {
      throw new Error(`model reference: model "${name}": "inpainting" must be a boolean`);
    }
    if (raw.type !== "ckpt" && raw.type !== "diffusers") {
      throw new Error(
        `model reference: model "${name}": "type" must be "ckpt" or "diffusers", got ${JSON.stringify(raw.type)}`,
      );
    }
    if (raw.description !== undefined && typeof raw.description !== "string") {
      throw new Error(`model reference: model "${name}": "description" must be a string`);
    }
    models.push({
      name,
      baseline,
      nsfw: raw.nsfw,
      inpainting: raw.inpainting === true,
      description: raw.description ?? "",
      requirements: parseRequirements(name, raw.requirements),
    });
  }
  return models;
}

/**
 * The price multiplier a model's baseline applies to a job's base kudos (§3.8): bigger
 * architectures take proportionally longer per step.
 */
export function baselineMultiplier(baseline: Baseline, opts: { hiresFix: boolean }): number {
  switch (baseline) {
    case "stable_diffusion_xl":
      return 2;
    case "stable_cascade":
      // Hires fix on Cascade runs a second full pass at the larger size.
      return opts.hiresFix ? 7 : 4;
    case "flux_1":
    case "z_image":
      return 8;
    case "qwen_image":
      return 12;
    default:
      return 1;
  }
}

/** Baselines slow enough that their jobs get a longer TTL and cannot use hires fix. */
export function isHeavyBaseline(baseline: Baseline): boolean {
  return baseline === "flux_1" || baseline === "qwen_image" || baseline === "z_image";
}

/**
 * The lowest `maxSteps` among the given models, or `fallback` when none declares one.
 * The default 40 is the AI Horde's assumption for a model without a step ceiling.
 */
export function lowestMaxSteps(models: readonly ModelInfo[], fallback = 40): number {
  let lowest: number | undefined;
  for (const model of models) {
    const max = model.requirements.maxSteps;
    if (max !== undefined && (lowest === undefined || max < lowest)) lowest = max;
  }
  return lowest ?? fallback;
}

/** The AI Horde's step requirements for a model the reference gives none for (or does not know). */
export const DEFAULT_MIN_STEPS = 20;
export const DEFAULT_MAX_STEPS = 40;

/**
 * The lowest average of min and max steps among the requested models (`undefined`: a model
 * outside the reference), each defaulting to {@link DEFAULT_MIN_STEPS}/{@link DEFAULT_MAX_STEPS}.
 * A request that names no model runs on whichever model the worker picks, so it gets the
 * defaults' average. A worker declaring `limitMaxSteps` skips requests whose accurate steps are
 * above this (the AI Horde's `step_count`).
 */
export function lowestStepAverage(models: readonly (ModelInfo | undefined)[]): number {
  const all = models.length === 0 ? [undefined] : models;
  return Math.min(
    ...all.map(
      (m) => ((m?.requirements.minSteps ?? DEFAULT_MIN_STEPS) + (m?.requirements.maxSteps ?? DEFAULT_MAX_STEPS)) / 2,
    ),
  );
}

/** The longest name a model outside the reference (a custom model) may have. */
export const MAX_CUSTOM_MODEL_NAME = 100;

/**
 * Why `name` cannot be a custom model's name (one outside the reference, which a request may
 * ask for and a customizer's worker may serve), or null when it can: 1 to
 * {@link MAX_CUSTOM_MODEL_NAME} characters, printable, visible, no surrounding spaces (names
 * match exactly, so " x" would never meet "x").
 */
export function customModelNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_CUSTOM_MODEL_NAME) {
    return `A model name has 1 to ${MAX_CUSTOM_MODEL_NAME} characters`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u001f\u007f]/.test(name)) return "A model name may not contain control characters";
  const invisible = invisibleCharacter(name);
  if (invisible) return `A model name may not contain invisible or text-direction characters (${invisible})`;
  if (name.trim() !== name) return "A model name may not begin or end with spaces";
  return null;
}

/** Indexes models by name for the request validator. */
export function indexModels(models: readonly ModelInfo[]): ReadonlyMap<string, ModelInfo> {
  return new Map(models.map((model) => [model.name, model]));
}

/** The model reference shipped with the broker. */
export const BUNDLED_MODELS: ModelInfo[] = parseModelReference(data);
