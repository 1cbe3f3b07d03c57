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

import type { ImageDecodeResult } from "../../lib/images.ts";
import type { ModelInfo } from "../models/models.rules.ts";
import { checkLoras, checkModels, checkPostProcessing, checkWorkers } from "./requests.lists.ts";
import { checkParams, checkPrompt } from "./requests.params.ts";
import {
  type CreateImageRequestInput,
  type ImageParams,
  type NormalizedImageRequest,
  pass,
  type RuleResult,
} from "./requests.rules.ts";
import { checkControlNet, checkHiresFix, checkSource, requirementWarnings } from "./requests.source.ts";

export { countWords } from "./requests.params.ts";

/** What validation needs to know about the world. */
export interface ValidationContext {
  models: ReadonlyMap<string, ModelInfo>;
  limits: { maxPromptWords: number };
  /** The source image and mask as lib/images decoded them; null when not sent. */
  images: { sourceImage: ImageDecodeResult | null; sourceMask: ImageDecodeResult | null };
  /** Which of the listed worker ids exist. */
  knownWorkers: ReadonlySet<string>;
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
 * TooManyModels, UnexpectedModelName, InvalidModelName, DuplicateModel, TooManyWorkers,
 * DuplicateWorker, WorkerNotFound, SourceMaskUnnecessary, InvalidSourceProcessing,
 * InvalidSourceImage, SourceImageTooLarge, InvalidSourceMask, InvalidControlType,
 * ControlNetSourceMissing, ControlNetInpaintingMismatch, ControlNetMismatch, HiResFixMismatch.
 */
export function validateImageRequest(
  input: CreateImageRequestInput,
  ctx: ValidationContext,
): RuleResult<{ request: NormalizedImageRequest; models: ModelInfo[] }> {
  // `models` in the result: the requested models the reference knows (custom ones have no entry)
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
  const known = models.value.known;
  const cross = checkControlNet(controlType, source.value, known) ?? checkHiresFix(hiresFix, known);
  if (cross) return cross;

  const params: ImageParams = {
    ...core.value,
    postProcessing: postProcessing.value,
    karras: p.karras ?? false,
    hiresFix,
    loras: loras.value,
    returnControlMap: controlType !== null && (p.returnControlMap ?? false),
    tiling: p.tiling ?? false,
    useNsfwCensor: !(input.nsfw ?? false) || (input.censorNsfw ?? false),
  };
  const warnings = [...source.warnings, ...known.flatMap((info) => requirementWarnings(info, params))];
  const request: NormalizedImageRequest = {
    prompt: prompt.value,
    params,
    models: models.value.names,
    nsfw: input.nsfw ?? false,
    trustedWorkers: input.trustedWorkers ?? false,
    slowWorkers: input.slowWorkers ?? true,
    extraSlowWorkers: input.extraSlowWorkers ?? false,
    workers: workers.value,
    workerBlacklist: input.workerBlacklist ?? false,
    ...source.value,
    shared: input.shared ?? false,
    dryRun: input.dryRun ?? false,
    allowDowngrade: input.allowDowngrade ?? false,
  };
  return pass({ request, models: known }, warnings);
}
