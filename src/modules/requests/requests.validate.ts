/**
 * Validation of a `createImageRequest` input, in sections: prompt; size, steps and parameters;
 * post-processing, LoRAs and models; workers; source image. Each section checks its own fields
 * and returns their normalised values; `validateImageRequest` runs them in a fixed order and the
 * first refusal wins. Every refusal names the input field it concerns (`ValidationError.field`).
 *
 * Model requirement mismatches never refuse, they only warn: a worker can still run the job.
 * Everything here is pure: images arrive already decoded (lib/images.ts) and the listed
 * workers already looked up, in the context.
 */

import { isUuid } from "../../lib/ids.ts";
import type { ImageDecodeResult } from "../../lib/images.ts";
import { KNOWN_SAMPLERS, type ModelInfo, POST_PROCESSORS, UPSCALERS } from "../models/models.rules.ts";
import {
  CONTROL_TYPES,
  CONTROLNET_UNSUPPORTED_BASELINES,
  type CreateImageRequestInput,
  type DecodedImage,
  fail,
  HIRES_FIX_UNSUPPORTED_BASELINES,
  IMAGE_DEFAULTS,
  type ImageParams,
  type ImageParamsInput,
  IMAGE_LIMITS as L,
  type Lora,
  type LoraInput,
  type NormalizedImageRequest,
  pass,
  type RuleFailure,
  type RuleResult,
  SD2_UNSUPPORTED_CONTROL_TYPES,
  SOURCE_PROCESSINGS,
  type SourceProcessing,
} from "./requests.rules.ts";

/** What validation needs to know about the world. */
export interface ValidationContext {
  models: ReadonlyMap<string, ModelInfo>;
  limits: { maxPromptWords: number };
  /** The source image and mask as lib/images decoded them; null when not sent. */
  images: { sourceImage: ImageDecodeResult | null; sourceMask: ImageDecodeResult | null };
  /** Which of the listed worker ids exist. */
  knownWorkers: ReadonlySet<string>;
}

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

function firstDuplicate(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return null;
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

type Core = Omit<ImageParams, "postProcessing" | "loras" | "karras" | "hiresFix" | "returnControlMap" | "tiling">;

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
  return pass({ samplerName, seed });
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

// ──────────────────── post-processing, LoRAs, models ────────────────────

/** Post-processors: known, at most `maxPostProcessors`, no duplicates, at most one upscaler. */
export function checkPostProcessing(list: readonly string[]): RuleResult<string[]> {
  const field = "params.postProcessing";
  if (list.length > L.maxPostProcessors) {
    return fail("TooManyPostProcessors", `At most ${L.maxPostProcessors} post-processors; got ${list.length}.`, field);
  }
  const unknown = list.find((name) => !POST_PROCESSORS.includes(name));
  if (unknown !== undefined) {
    const message = `Unknown post-processor ${JSON.stringify(unknown)}; known: ${POST_PROCESSORS.join(", ")}.`;
    return fail("UnknownPostProcessor", message, field);
  }
  const duplicate = firstDuplicate(list);
  if (duplicate !== null) {
    return fail("DuplicatePostProcessor", `Post-processor ${JSON.stringify(duplicate)} is listed twice.`, field);
  }
  const upscalers = list.filter((name) => UPSCALERS.includes(name));
  if (upscalers.length > L.maxUpscalers) {
    const message = `At most ${L.maxUpscalers} upscaler may be used; got ${upscalers.join(", ")}.`;
    return fail("TooManyUpscalers", message, field);
  }
  return pass([...list]);
}

function checkLora(lora: LoraInput, at: string): RuleResult<Lora> {
  const name = lora.name.trim();
  const isVersion = lora.isVersion ?? false;
  if (name === "" || name.length > L.maxLoraNameLength) {
    const message = `A LoRA name must be 1 to ${L.maxLoraNameLength} characters; got ${JSON.stringify(lora.name.slice(0, 300))}.`;
    return fail("InvalidLora", message, `${at}.name`);
  }
  if (isVersion && !/^\d+$/.test(name)) {
    const message = `LoRA ${JSON.stringify(name)} is marked isVersion, so its name must be a numeric version id.`;
    return fail("InvalidLora", message, `${at}.name`);
  }
  const strengths = {
    model: lora.model ?? IMAGE_DEFAULTS.loraStrength,
    clip: lora.clip ?? IMAGE_DEFAULTS.loraStrength,
  };
  for (const [label, value] of Object.entries(strengths)) {
    if (!Number.isFinite(value) || value < L.minLoraStrength || value > L.maxLoraStrength) {
      const message = `LoRA ${JSON.stringify(name)} ${label} strength must be between ${L.minLoraStrength} and ${L.maxLoraStrength}; got ${value}.`;
      return fail("InvalidLora", message, `${at}.${label}`);
    }
  }
  return pass({ name, ...strengths, isVersion });
}

/** LoRAs: at most `maxLoras`, each well formed, no LoRA twice. */
export function checkLoras(list: readonly LoraInput[]): RuleResult<Lora[]> {
  if (list.length > L.maxLoras) {
    return fail("TooManyLoras", `At most ${L.maxLoras} LoRAs are accepted; got ${list.length}.`, "params.loras");
  }
  const loras: Lora[] = [];
  for (const [i, input] of list.entries()) {
    const lora = checkLora(input, `params.loras.${i}`);
    if (!lora.ok) return lora;
    if (loras.some((l) => l.name === lora.value.name && l.isVersion === lora.value.isVersion)) {
      return fail(
        "DuplicateLora",
        `LoRA ${JSON.stringify(lora.value.name)} is listed twice.`,
        `params.loras.${i}.name`,
      );
    }
    loras.push(lora.value);
  }
  return pass(loras);
}

/** Models: at most `maxModels`, each a known model (not a post-processor), none twice. */
export function checkModels(list: readonly string[], known: ReadonlyMap<string, ModelInfo>): RuleResult<ModelInfo[]> {
  if (list.length > L.maxModels) {
    return fail("TooManyModels", `At most ${L.maxModels} models may be listed; got ${list.length}.`, "models");
  }
  const infos: ModelInfo[] = [];
  for (const name of list) {
    if (POST_PROCESSORS.includes(name)) {
      const message = `${JSON.stringify(name)} is a post-processor, not a model; list it in params.postProcessing.`;
      return fail("UnexpectedModelName", message, "models");
    }
    const info = known.get(name);
    if (!info) return fail("UnknownModel", `Unknown model ${JSON.stringify(name.slice(0, 300))}.`, "models");
    if (infos.includes(info)) return fail("DuplicateModel", `Model ${JSON.stringify(name)} is listed twice.`, "models");
    infos.push(info);
  }
  return pass(infos);
}

// ─────────────────────────────── workers ───────────────────────────────

/** Workers: at most `maxWorkers`, none twice, each one that exists. */
export function checkWorkers(list: readonly string[], known: ReadonlySet<string>): RuleResult<string[]> {
  if (list.length > L.maxWorkers) {
    return fail("TooManyWorkers", `At most ${L.maxWorkers} workers may be listed; got ${list.length}.`, "workers");
  }
  if (firstDuplicate(list) !== null) {
    return fail("DuplicateWorker", "The workers list names the same worker more than once.", "workers");
  }
  const missing = list.filter((id) => !isUuid(id) || !known.has(id));
  if (missing.length > 0) return fail("WorkerNotFound", `No such worker: ${missing.join(", ")}`, "workers");
  return pass([...list]);
}

// ───────────────────────────── source image ─────────────────────────────

type Source = Pick<NormalizedImageRequest, "sourceImage" | "sourceMask" | "sourceProcessing">;

function decoded(result: ImageDecodeResult, field: "sourceImage" | "sourceMask"): RuleResult<DecodedImage> {
  if (result.ok) return pass(result.image);
  const what = field === "sourceImage" ? "The source image" : "The source mask";
  if (result.code === "ImageTooLarge") return fail("SourceImageTooLarge", `${what}: ${result.message}`, field);
  const code = field === "sourceImage" ? "InvalidSourceImage" : "InvalidSourceMask";
  return fail(code, `${what}: ${result.message}`, field);
}

/** Source image, mask and processing: decoded images, a known processing, a mask only with an image. */
export function checkSource(input: CreateImageRequestInput, images: ValidationContext["images"]): RuleResult<Source> {
  const hasSource = input.sourceImage != null && input.sourceImage !== "";
  const hasMask = input.sourceMask != null && input.sourceMask !== "";
  if (hasMask && !hasSource)
    return fail("SourceMaskUnnecessary", "A sourceMask was sent without a sourceImage.", "sourceMask");
  const requested = input.sourceProcessing ?? null;
  if (requested !== null && !(SOURCE_PROCESSINGS as readonly string[]).includes(requested)) {
    const message = `sourceProcessing must be one of ${SOURCE_PROCESSINGS.join(", ")}; got ${JSON.stringify(requested.slice(0, 100))}.`;
    return fail("InvalidSourceProcessing", message, "sourceProcessing");
  }
  if (!hasSource) {
    const warnings =
      requested === null
        ? []
        : [`SourceProcessingIgnored: sourceProcessing ${requested} has no effect without a sourceImage.`];
    return pass({ sourceImage: null, sourceMask: null, sourceProcessing: null }, warnings);
  }
  if (!images.sourceImage) return fail("InvalidSourceImage", "The source image was not decoded.", "sourceImage");
  const image = decoded(images.sourceImage, "sourceImage");
  if (!image.ok) return image;
  let sourceMask: DecodedImage | null = null;
  if (hasMask) {
    if (!images.sourceMask) return fail("InvalidSourceMask", "The source mask was not decoded.", "sourceMask");
    const mask = decoded(images.sourceMask, "sourceMask");
    if (!mask.ok) return mask;
    sourceMask = mask.value;
  }
  const sourceProcessing = (requested as SourceProcessing | null) ?? "img2img";
  if (sourceProcessing === "inpainting" && sourceMask === null && !image.value.hasAlpha) {
    const message = `Inpainting without a sourceMask needs a source image with an alpha channel marking the area to paint; this ${image.value.format.toUpperCase()} has none.`;
    return fail("InvalidSourceImage", message, "sourceImage");
  }
  return pass({ sourceImage: image.value, sourceMask, sourceProcessing });
}

// ───────────────────────── cross-field checks ─────────────────────────

/** ControlNet needs a source image, no inpainting, and models it exists for. */
export function checkControlNet(
  controlType: string | null,
  source: Source,
  models: readonly ModelInfo[],
): RuleFailure | null {
  if (controlType === null) return null;
  const field = "params.controlType";
  if (!CONTROL_TYPES.includes(controlType)) {
    const message = `Unknown controlType ${JSON.stringify(controlType.slice(0, 100))}; known: ${CONTROL_TYPES.join(", ")}.`;
    return fail("InvalidControlType", message, field);
  }
  if (source.sourceImage === null)
    return fail("ControlNetSourceMissing", "ControlNet needs a sourceImage to take control from.", field);
  if (source.sourceProcessing === "inpainting") {
    return fail("ControlNetInpaintingMismatch", "ControlNet cannot be combined with inpainting.", field);
  }
  const unsupported = models.find((m) => CONTROLNET_UNSUPPORTED_BASELINES.includes(m.baseline));
  if (unsupported) {
    const message = `ControlNet is not available for model ${JSON.stringify(unsupported.name)} (${unsupported.baseline}).`;
    return fail("ControlNetMismatch", message, field);
  }
  if (models.some((m) => m.baseline === "stable_diffusion_2") && SD2_UNSUPPORTED_CONTROL_TYPES.includes(controlType)) {
    return fail(
      "ControlNetMismatch",
      `ControlNet type ${controlType} is not available for Stable Diffusion 2 models.`,
      field,
    );
  }
  return null;
}

/** Hires fix needs models whose pipelines have the pass. */
export function checkHiresFix(hiresFix: boolean, models: readonly ModelInfo[]): RuleFailure | null {
  const unsupported = hiresFix ? models.find((m) => HIRES_FIX_UNSUPPORTED_BASELINES.includes(m.baseline)) : undefined;
  if (!unsupported) return null;
  const message = `Hires fix is not available for model ${JSON.stringify(unsupported.name)} (${unsupported.baseline}).`;
  return fail("HiResFixMismatch", message, "params.hiresFix");
}

// ──────────────────────────── warnings ────────────────────────────

function requirementWarnings(model: ModelInfo, params: ImageParams): string[] {
  const req = model.requirements;
  const name = JSON.stringify(model.name);
  const warnings: string[] = [];
  if (req.clipSkip !== undefined && params.clipSkip !== req.clipSkip) {
    warnings.push(
      `ClipSkipMismatch: model ${name} expects clip skip ${req.clipSkip}; the request uses ${params.clipSkip}.`,
    );
  }
  if (req.minSteps !== undefined && params.steps < req.minSteps) {
    warnings.push(`StepsTooFew: model ${name} needs at least ${req.minSteps} steps; the request has ${params.steps}.`);
  }
  if (req.maxSteps !== undefined && params.steps > req.maxSteps) {
    warnings.push(
      `StepsTooMany: model ${name} works best with at most ${req.maxSteps} steps; the request has ${params.steps}.`,
    );
  }
  if (req.cfgScale !== undefined && params.cfgScale !== req.cfgScale) {
    warnings.push(
      `CfgScaleMismatch: model ${name} expects cfg scale ${req.cfgScale}; the request uses ${params.cfgScale}.`,
    );
  }
  if (req.minCfgScale !== undefined && params.cfgScale < req.minCfgScale) {
    warnings.push(
      `CfgScaleTooSmall: model ${name} needs cfg scale at least ${req.minCfgScale}; the request uses ${params.cfgScale}.`,
    );
  }
  if (req.maxCfgScale !== undefined && params.cfgScale > req.maxCfgScale) {
    warnings.push(
      `CfgScaleTooLarge: model ${name} needs cfg scale at most ${req.maxCfgScale}; the request uses ${params.cfgScale}.`,
    );
  }
  if (req.samplers !== undefined && !req.samplers.includes(params.samplerName)) {
    warnings.push(
      `SamplerMismatch: model ${name} works with ${req.samplers.join(", ")}; the request uses ${params.samplerName}.`,
    );
  }
  return warnings;
}

// ───────────────────────────── the whole ─────────────────────────────

/**
 * Validates a `createImageRequest` input and applies every default: prompt, parameters
 * (size, amount, steps, guidance, sampler, seed), post-processing, LoRAs, models, workers,
 * source image, then ControlNet and hires fix against the rest. The first refusal wins.
 *
 * Codes: MissingPrompt, InvalidPromptSize, InvalidSize, InvalidAmount, InvalidSteps,
 * TooFewSteps, TooManySteps, InvalidCfgScale, InvalidDenoisingStrength, InvalidClipSkip,
 * UnknownSampler, InvalidSeed, TooManyPostProcessors, UnknownPostProcessor,
 * DuplicatePostProcessor, TooManyUpscalers, TooManyLoras, InvalidLora, DuplicateLora,
 * TooManyModels, UnexpectedModelName, UnknownModel, DuplicateModel, TooManyWorkers,
 * DuplicateWorker, WorkerNotFound, SourceMaskUnnecessary, InvalidSourceProcessing,
 * InvalidSourceImage, SourceImageTooLarge, InvalidSourceMask, InvalidControlType,
 * ControlNetSourceMissing, ControlNetInpaintingMismatch, ControlNetMismatch, HiResFixMismatch.
 */
export function validateImageRequest(
  input: CreateImageRequestInput,
  ctx: ValidationContext,
): RuleResult<{ request: NormalizedImageRequest; models: ModelInfo[] }> {
  const p = input.params ?? {};
  const prompt = checkPrompt(input.prompt, ctx.limits.maxPromptWords);
  if (!prompt.ok) return prompt;
  const core = checkParams(p);
  if (!core.ok) return core;
  const postProcessing = checkPostProcessing(p.postProcessing ?? []);
  if (!postProcessing.ok) return postProcessing;
  const loras = checkLoras(p.loras ?? []);
  if (!loras.ok) return loras;
  const models = checkModels(input.models ?? [], ctx.models);
  if (!models.ok) return models;
  const workers = checkWorkers(input.workers ?? [], ctx.knownWorkers);
  if (!workers.ok) return workers;
  const source = checkSource(input, ctx.images);
  if (!source.ok) return source;
  const { controlType } = core.value;
  const hiresFix = p.hiresFix ?? false;
  const cross = checkControlNet(controlType, source.value, models.value) ?? checkHiresFix(hiresFix, models.value);
  if (cross) return cross;

  const params: ImageParams = {
    ...core.value,
    postProcessing: postProcessing.value,
    karras: p.karras ?? false,
    hiresFix,
    loras: loras.value,
    returnControlMap: controlType !== null && (p.returnControlMap ?? false),
    tiling: p.tiling ?? false,
  };
  const warnings = [...source.warnings, ...models.value.flatMap((info) => requirementWarnings(info, params))];
  const request: NormalizedImageRequest = {
    prompt: prompt.value,
    params,
    models: models.value.map((m) => m.name),
    nsfw: input.nsfw ?? false,
    trustedWorkers: input.trustedWorkers ?? false,
    slowWorkers: input.slowWorkers ?? true,
    workers: workers.value,
    workerBlacklist: input.workerBlacklist ?? false,
    ...source.value,
    shared: input.shared ?? false,
    dryRun: input.dryRun ?? false,
    allowDowngrade: input.allowDowngrade ?? false,
  };
  return pass({ request, models: models.value }, warnings);
}
