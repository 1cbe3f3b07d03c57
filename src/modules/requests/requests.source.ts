/**
 * Validation sections for the source image, mask and processing, the checks across fields
 * (ControlNet, hires fix) and the model-requirement warnings. Images arrive decoded
 * (requests.images.ts), so this stays pure. Composed by requests.validate.ts.
 */

import type { ImageDecodeResult } from "../../lib/images.ts";
import type { ModelInfo } from "../models/models.rules.ts";
import {
  CONTROL_TYPES,
  CONTROLNET_UNSUPPORTED_BASELINES,
  type CreateImageRequestInput,
  type DecodedImage,
  fail,
  HIRES_FIX_UNSUPPORTED_BASELINES,
  type ImageParams,
  type NormalizedImageRequest,
  pass,
  type RuleFailure,
  type RuleResult,
  SD2_UNSUPPORTED_CONTROL_TYPES,
  SOURCE_PROCESSINGS,
  type SourceProcessing,
} from "./requests.rules.ts";
import type { ValidationContext } from "./requests.validate.ts";

// ───────────────────────────── source image ─────────────────────────────

/** What the source-image section decides. */
export type Source = Pick<NormalizedImageRequest, "sourceImage" | "sourceMask" | "sourceProcessing">;

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

/** Warnings (never refusals) for every requirement of `model` the request misses. */
export function requirementWarnings(model: ModelInfo, params: ImageParams): string[] {
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
