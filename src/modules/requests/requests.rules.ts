/**
 * The shapes, defaults and limits of an image request: what a client sends
 * (`CreateImageRequestInput`), what admission makes of it (`NormalizedImageRequest`), and the
 * `RuleResult` every rule returns. The rules themselves live beside this file:
 *
 *   requests.validate.ts  validation: runs the sections below in order, first refusal wins
 *   requests.params.ts    section: prompt, size, amount, steps, guidance, sampler, seed
 *   requests.lists.ts     section: post-processors, LoRAs, models, workers (caps, no duplicates)
 *   requests.source.ts    section: source image and mask; ControlNet and hires fix; warnings
 *   requests.images.ts    decodes the source image and mask (lib/images.ts) before admission
 *   requests.pricing.ts   the price, the upfront decision and the downgrade
 *   requests.admit.ts     `admitImageRequest`: the one pure step from input to admitted request
 *
 * Request lifecycle (the service drives it; these rules decide each step):
 *
 *   input ──admitImageRequest──▶ refused (stable code, the input field it concerns)
 *     │ admitted: normalised, priced, upfront decided (downgraded when allowed and needed)
 *     ├─ dryRun ─────────────────────────────────────────▶ priced, nothing stored
 *     ▼
 *   stored ACTIVE (horde tax charged) ──all n jobs settled / cancelled / faulted──▶ DONE ──▶ deleted
 */
import type { DecodedImage } from "../../lib/images.ts";
import type { Baseline } from "../models/models.rules.ts";

export type { DecodedImage, ImageFormat } from "../../lib/images.ts";

/** A LoRA as a client sends it. `name` is a CivitAI model id/name, or a version id when `isVersion`. */
export interface LoraInput {
  name: string;
  model?: number | null;
  clip?: number | null;
  isVersion?: boolean | null;
}

/** Image parameters as a client sends them; omitted or null fields take the defaults. */
export interface ImageParamsInput {
  width?: number | null;
  height?: number | null;
  steps?: number | null;
  n?: number | null;
  samplerName?: string | null;
  cfgScale?: number | null;
  seed?: string | null;
  denoisingStrength?: number | null;
  postProcessing?: string[] | null;
  karras?: boolean | null;
  hiresFix?: boolean | null;
  clipSkip?: number | null;
  loras?: LoraInput[] | null;
  controlType?: string | null;
  returnControlMap?: boolean | null;
  tiling?: boolean | null;
}

/** `createImageRequest` input, as the GraphQL layer hands it over. */
export interface CreateImageRequestInput {
  prompt: string;
  params?: ImageParamsInput | null;
  models?: string[] | null;
  nsfw?: boolean | null;
  /** Censor NSFW output even when `nsfw` allows it (the AI Horde's `censor_nsfw`). */
  censorNsfw?: boolean | null;
  trustedWorkers?: boolean | null;
  slowWorkers?: boolean | null;
  /** Extra-slow workers may take it (the AI Horde's `extra_slow_workers`, default false). */
  extraSlowWorkers?: boolean | null;
  workers?: string[] | null;
  workerBlacklist?: boolean | null;
  sourceImage?: string | null;
  sourceProcessing?: string | null;
  sourceMask?: string | null;
  shared?: boolean | null;
  dryRun?: boolean | null;
  allowDowngrade?: boolean | null;
}

/** A LoRA with its strengths filled in. */
export interface Lora {
  name: string;
  model: number;
  clip: number;
  isVersion: boolean;
}

/** Image parameters with every default applied. */
export interface ImageParams {
  width: number;
  height: number;
  steps: number;
  n: number;
  samplerName: string;
  cfgScale: number;
  seed: string | null;
  denoisingStrength: number | null;
  postProcessing: string[];
  karras: boolean;
  hiresFix: boolean;
  clipSkip: number;
  loras: Lora[];
  controlType: string | null;
  returnControlMap: boolean;
  tiling: boolean;
  /**
   * Whether the worker must censor NSFW output (the AI Horde's `use_nsfw_censor`): the request
   * is not NSFW, or it asks for censoring. Kept in the parameters so the claim, which returns
   * them, hands it to the worker without another column. Absent on requests stored before it.
   */
  useNsfwCensor?: boolean;
}

/** How a source image is used. */
export type SourceProcessing = "img2img" | "inpainting" | "outpainting";

/** A validated request, every default applied and images decoded. */
export interface NormalizedImageRequest {
  prompt: string;
  params: ImageParams;
  /** Empty means any model. */
  models: string[];
  nsfw: boolean;
  trustedWorkers: boolean;
  slowWorkers: boolean;
  extraSlowWorkers: boolean;
  workers: string[];
  workerBlacklist: boolean;
  sourceImage: DecodedImage | null;
  sourceProcessing: SourceProcessing | null;
  sourceMask: DecodedImage | null;
  shared: boolean;
  dryRun: boolean;
  allowDowngrade: boolean;
}

/** A refusal: a stable code (AI Horde `rc` names where one exists) and the input field it concerns. */
export interface RuleFailure {
  ok: false;
  code: string;
  message: string;
  /** The path of the offending input field, e.g. `params.width`, `prompt`, `params.loras.0.name`. */
  field: string;
}

/** The outcome of a rule: a value with warnings, or a refusal. */
export type RuleResult<T> = { ok: true; value: T; warnings: string[] } | RuleFailure;

/** A refusal naming `field`. */
export function fail(code: string, message: string, field: string): RuleFailure {
  return { ok: false, code, message, field };
}

/** An accepted value with its warnings. */
export function pass<T>(value: T, warnings: string[] = []): RuleResult<T> {
  return { ok: true, value, warnings };
}

/** Defaults applied to omitted parameters (see api-contract.md). */
export const IMAGE_DEFAULTS = {
  width: 512,
  height: 512,
  steps: 30,
  controlNetSteps: 20,
  n: 1,
  samplerName: "k_euler_a",
  cfgScale: 7.5,
  clipSkip: 1,
  loraStrength: 1,
} as const;

/** Hard limits of an image request. */
export const IMAGE_LIMITS = {
  minSide: 64,
  maxSide: 3072,
  sideMultiple: 64,
  minSteps: 1,
  maxSteps: 500,
  /** ControlNet steps above this are lowered silently: more buys nothing. */
  maxControlNetSteps: 40,
  minN: 1,
  maxN: 20,
  minCfgScale: 0,
  maxCfgScale: 100,
  minDenoisingStrength: 0.01,
  maxDenoisingStrength: 1,
  minClipSkip: 1,
  maxClipSkip: 12,
  maxUpscalers: 1,
  maxLoras: 5,
  minLoraStrength: -5,
  maxLoraStrength: 5,
  maxLoraNameLength: 255,
  /** Models a request may list (any one of them may serve it); duplicates are refused. */
  maxModels: 100,
  /** Post-processors a request may list; duplicates are refused. */
  maxPostProcessors: 10,
  /** A seed that is not a number is converted at admission (seed.rules.ts); longer buys nothing. */
  maxSeedLength: 256,
  maxWorkers: 5,
  maxPromptChars: 100_000,
  maxSourceImageBytes: 10 * 1024 * 1024,
  maxSourceImageSide: 3072,
} as const;

/** ControlNet types a request may name. */
export const CONTROL_TYPES: readonly string[] = [
  "canny",
  "hed",
  "depth",
  "normal",
  "openpose",
  "seg",
  "scribble",
  "fakescribbles",
  "hough",
];

/** ControlNet annotators that have no SD2 ControlNet model. */
export const SD2_UNSUPPORTED_CONTROL_TYPES: readonly string[] = ["normal", "hough"];

/** Baselines for which no ControlNet exists on the workers. */
export const CONTROLNET_UNSUPPORTED_BASELINES: readonly Baseline[] = [
  "stable_diffusion_xl",
  "stable_cascade",
  "flux_1",
  "qwen_image",
  "z_image",
];

/** Baselines whose pipelines have no hires-fix pass. */
export const HIRES_FIX_UNSUPPORTED_BASELINES: readonly Baseline[] = ["flux_1", "qwen_image", "z_image"];

/** The ways a source image can be used. */
export const SOURCE_PROCESSINGS: readonly SourceProcessing[] = ["img2img", "inpainting", "outpainting"];

/** Samplers that evaluate the model twice per step. */
export const SECOND_ORDER_SAMPLERS: readonly string[] = [
  "k_heun",
  "k_dpm_2",
  "k_dpm_2_a",
  "k_dpmpp_2s_a",
  "k_dpmpp_sde",
];
