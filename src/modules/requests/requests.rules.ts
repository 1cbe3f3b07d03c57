/**
 * Image request rules: admission, pricing and the upfront-kudos decision.
 *
 * Request lifecycle (the service drives it; these functions decide each step):
 *
 *   input ──validateImageRequest──▶ rejected (RuleResult.code)
 *     │ ok (normalized, defaults applied, warnings)
 *     ├─ dryRun ──imageRequestKudos──▶ priced, nothing stored
 *     ▼
 *   needsUpfrontKudos? ── no ──────────────────────────────▶ ACTIVE
 *     │ yes: requester can reserve the estimate ───────────▶ ACTIVE
 *     │ yes: cannot, allowDowngrade ──downgradeImageRequest─▶ ACTIVE (smaller, slow workers)
 *     │ yes: cannot, no downgrade ─────────────────────────▶ rejected KudosUpfront
 *   ACTIVE ──all n jobs settled / cancelled / too many faults──▶ DONE ──expiry──▶ deleted
 *
 * Contract: validation is total and ordered; the first violation wins and carries a stable
 * code (AI Horde `rc` names where one exists). Model requirement mismatches never reject,
 * they only warn, because a worker can still run the job. Everything here is pure.
 */
import {
  type Baseline,
  HEAVY_POST_PROCESSORS,
  KNOWN_SAMPLERS,
  type ModelInfo,
  POST_PROCESSORS,
  UPSCALERS,
} from "../models/models.rules.ts";

// ───────────────────────────── types ─────────────────────────────

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
  trustedWorkers?: boolean | null;
  slowWorkers?: boolean | null;
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
}

/** Image formats accepted as a source image or mask. */
export type ImageFormat = "png" | "webp" | "jpeg";

/** A decoded source image or mask: its bytes and what its header says. */
export interface DecodedImage {
  bytes: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  /** Whether the file can hold transparency (PNG/WEBP with an alpha channel or tRNS). */
  hasAlpha: boolean;
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
  workers: string[];
  workerBlacklist: boolean;
  sourceImage: DecodedImage | null;
  sourceProcessing: SourceProcessing | null;
  sourceMask: DecodedImage | null;
  shared: boolean;
  dryRun: boolean;
  allowDowngrade: boolean;
}

/** The outcome of a rule: a value with warnings, or a stable error code and message. */
export type RuleResult<T> = { ok: true; value: T; warnings: string[] } | { ok: false; code: string; message: string };

/** What the validator needs to know about the world. */
export interface ValidationContext {
  models: ReadonlyMap<string, ModelInfo>;
  limits: { maxPromptWords: number };
}

// ─────────────────────────── constants ───────────────────────────

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
const SD2_UNSUPPORTED_CONTROL_TYPES: readonly string[] = ["normal", "hough"];

/** Baselines for which no ControlNet exists on the workers. */
const CONTROLNET_UNSUPPORTED_BASELINES: readonly Baseline[] = [
  "stable_diffusion_xl",
  "stable_cascade",
  "flux_1",
  "qwen_image",
  "z_image",
];

/** Baselines whose pipelines have no hires-fix pass. */
const HIRES_FIX_UNSUPPORTED_BASELINES: readonly Baseline[] = ["flux_1", "qwen_image", "z_image"];

const SOURCE_PROCESSINGS: readonly SourceProcessing[] = ["img2img", "inpainting", "outpainting"];

/** Samplers that evaluate the model twice per step. */
export const SECOND_ORDER_SAMPLERS: readonly string[] = [
  "k_heun",
  "k_dpm_2",
  "k_dpm_2_a",
  "k_dpmpp_2s_a",
  "k_dpmpp_sde",
];

/**
 * `k_dpm_adaptive` picks its own step count. Job sizing (TTL, upfront) assumes 40, the
 * default step ceiling, so an adaptive request is not forced to pay upfront on that alone;
 * pricing assumes 50, the basis job's steps.
 */
const ADAPTIVE_SIZING_STEPS = 40;
const ADAPTIVE_PRICING_STEPS = 50;

// ─────────────────────────── helpers ─────────────────────────────

function fail<T>(code: string, message: string): RuleResult<T> {
  return { ok: false, code, message };
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** Counts whitespace-separated words, the unit of the prompt size limit. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}

/**
 * Steps as the GPU experiences them: doubled for second-order samplers, a fixed 40 for the
 * adaptive sampler. Used to size jobs (TTL, upfront kudos, pixelsteps), not to price them.
 */
export function accurateSteps(samplerName: string, steps: number): number {
  if (samplerName === "k_dpm_adaptive") return ADAPTIVE_SIZING_STEPS;
  return SECOND_ORDER_SAMPLERS.includes(samplerName) ? steps * 2 : steps;
}

// ───────────────────────── image headers ─────────────────────────

/** Format, size and alpha capability read from an image's header, without decoding pixels. */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  hasAlpha: boolean;
}

function readPngHeader(buf: Buffer): ImageHeader | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length < 33 || signature.some((byte, i) => buf[i] !== byte)) return null;
  if (buf.toString("latin1", 12, 16) !== "IHDR") return null;
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const colourType = buf[25];
  // Colour types 4 (grey+alpha) and 6 (RGBA) carry alpha; others only through a tRNS chunk.
  let hasAlpha = colourType === 4 || colourType === 6;
  let offset = 8;
  while (!hasAlpha && offset + 8 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString("latin1", offset + 4, offset + 8);
    if (type === "tRNS") hasAlpha = true;
    if (type === "IDAT" || type === "IEND") break;
    offset += 12 + length;
  }
  return { format: "png", width, height, hasAlpha };
}

function isJpegSofMarker(marker: number): boolean {
  // SOF0..SOF15 share C0..CF with DHT (C4), JPG (C8) and DAC (CC), which carry no size.
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegHeader(buf: Buffer): ImageHeader | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let offset = 2;
  while (offset < buf.length) {
    if (buf[offset] !== 0xff) return null;
    while (buf[offset] === 0xff) offset++; // fill bytes
    const marker = buf[offset];
    offset++;
    if (marker === undefined) return null;
    // Standalone markers (TEM, RSTn, SOI) have no length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    // Entropy-coded data or end of image before any frame header: no size to be found.
    if (marker === 0xd9 || marker === 0xda) return null;
    if (offset + 2 > buf.length) return null;
    const length = buf.readUInt16BE(offset);
    if (length < 2) return null;
    if (isJpegSofMarker(marker)) {
      if (offset + 7 > buf.length) return null;
      const height = buf.readUInt16BE(offset + 3);
      const width = buf.readUInt16BE(offset + 5);
      return { format: "jpeg", width, height, hasAlpha: false };
    }
    offset += length;
  }
  return null;
}

function readWebpHeader(buf: Buffer): ImageHeader | null {
  if (buf.length < 25) return null;
  if (buf.toString("latin1", 0, 4) !== "RIFF" || buf.toString("latin1", 8, 12) !== "WEBP") {
    return null;
  }
  const chunk = buf.toString("latin1", 12, 16);
  if (chunk === "VP8 ") {
    if (buf.length < 30 || buf[23] !== 0x9d || buf[24] !== 0x01 || buf[25] !== 0x2a) return null;
    const width = buf.readUInt16LE(26) & 0x3fff;
    const height = buf.readUInt16LE(28) & 0x3fff;
    return { format: "webp", width, height, hasAlpha: false };
  }
  if (chunk === "VP8L") {
    if (buf[20] !== 0x2f) return null;
    const bits = buf.readUInt32LE(21);
    return {
      format: "webp",
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      hasAlpha: ((bits >>> 28) & 1) === 1,
    };
  }
  if (chunk === "VP8X") {
    if (buf.length < 30) return null;
    const flags = buf[20] ?? 0;
    return {
      format: "webp",
      width: buf.readUIntLE(24, 3) + 1,
      height: buf.readUIntLE(27, 3) + 1,
      hasAlpha: (flags & 0x10) !== 0,
    };
  }
  return null;
}

/**
 * Reads format, dimensions and alpha capability from a PNG (IHDR), JPEG (SOFn) or WEBP
 * (VP8/VP8L/VP8X) header. Returns null for anything else or a header with a zero side.
 */
export function readImageHeader(bytes: Buffer): ImageHeader | null {
  const header = readPngHeader(bytes) ?? readJpegHeader(bytes) ?? readWebpHeader(bytes);
  if (!header || header.width === 0 || header.height === 0) return null;
  return header;
}

const DATA_URL_PREFIX = /^data:image\/[a-z+.-]+;base64,/i;
const BASE64_BODY = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Decodes a base64 image (a `data:` URL prefix is tolerated) and reads its header.
 * `what` names the field in messages.
 */
export function decodeBase64Image(text: string, what: string): RuleResult<DecodedImage> {
  const body = text.replace(DATA_URL_PREFIX, "").replace(/\s+/g, "");
  if (body === "" || !BASE64_BODY.test(body) || body.replace(/=+$/, "").length % 4 === 1) {
    return fail("InvalidSourceImage", `${what} is not valid base64.`);
  }
  // Refuse oversize input before allocating its decoded copy.
  const decodedLength = Math.floor((body.replace(/=+$/, "").length * 3) / 4);
  if (decodedLength > IMAGE_LIMITS.maxSourceImageBytes) {
    return fail(
      "SourceImageTooLarge",
      `${what} is ${decodedLength} bytes; at most ${IMAGE_LIMITS.maxSourceImageBytes} are accepted.`,
    );
  }
  const bytes = Buffer.from(body, "base64");
  const header = readImageHeader(bytes);
  if (!header) {
    return fail("InvalidSourceImage", `${what} is not a readable PNG, WEBP or JPEG image.`);
  }
  const max = IMAGE_LIMITS.maxSourceImageSide;
  if (header.width > max || header.height > max) {
    return fail(
      "SourceImageTooLarge",
      `${what} is ${header.width}x${header.height}; at most ${max}x${max} pixels are accepted.`,
    );
  }
  return { ok: true, value: { bytes, ...header }, warnings: [] };
}

// ─────────────────────────── validation ──────────────────────────

function isMultipleOf(value: number, step: number): boolean {
  return Number.isInteger(value) && value % step === 0;
}

function hasAtMostTwoDecimals(value: number): boolean {
  const scaled = value * 100;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

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

/**
 * Validates a `createImageRequest` input and applies every default.
 *
 * Checks run in a fixed order and the first violation is returned. Codes: MissingPrompt,
 * InvalidPromptSize, InvalidSize, InvalidSteps, TooFewSteps, TooManySteps, InvalidAmount,
 * InvalidCfgScale, InvalidDenoisingStrength, InvalidClipSkip, UnknownSampler,
 * UnknownPostProcessor, TooManyUpscalers, TooManyLoras, InvalidLora, UnexpectedModelName,
 * UnknownModel, TooManyWorkers, DuplicateWorker, SourceMaskUnnecessary,
 * InvalidSourceProcessing, InvalidSourceImage, SourceImageTooLarge, InvalidSourceMask,
 * InvalidControlType, ControlNetSourceMissing, ControlNetInpaintingMismatch,
 * ControlNetMismatch, HiResFixMismatch.
 *
 * Worker ids are only counted and de-duplicated here; whether they exist is the service's
 * question. Warnings report model requirement mismatches and ignored fields.
 */
export function validateImageRequest(
  input: CreateImageRequestInput,
  ctx: ValidationContext,
): RuleResult<NormalizedImageRequest> {
  const warnings: string[] = [];
  const p = input.params ?? {};
  const L = IMAGE_LIMITS;

  // Prompt
  const prompt = input.prompt;
  if (prompt.trim() === "") return fail("MissingPrompt", "The prompt is empty.");
  const words = countWords(prompt);
  if (words > ctx.limits.maxPromptWords) {
    return fail(
      "InvalidPromptSize",
      `The prompt has ${words} words; at most ${ctx.limits.maxPromptWords} are accepted.`,
    );
  }
  if (prompt.length > L.maxPromptChars) {
    return fail(
      "InvalidPromptSize",
      `The prompt has ${prompt.length} characters; at most ${L.maxPromptChars} are accepted.`,
    );
  }

  // Size
  const width = p.width ?? IMAGE_DEFAULTS.width;
  const height = p.height ?? IMAGE_DEFAULTS.height;
  for (const [side, value] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!isMultipleOf(value, L.sideMultiple) || value < L.minSide || value > L.maxSide) {
      return fail(
        "InvalidSize",
        `The ${side} must be a multiple of ${L.sideMultiple} between ${L.minSide} and ${L.maxSide}; got ${value}.`,
      );
    }
  }

  // Steps
  const controlType = p.controlType === "" ? null : (p.controlType ?? null);
  let steps = p.steps ?? (controlType !== null ? IMAGE_DEFAULTS.controlNetSteps : IMAGE_DEFAULTS.steps);
  if (!Number.isInteger(steps)) {
    return fail("InvalidSteps", `Steps must be a whole number; got ${steps}.`);
  }
  if (steps < L.minSteps) {
    return fail("TooFewSteps", `At least ${L.minSteps} step is needed; got ${steps}.`);
  }
  if (steps > L.maxSteps) {
    return fail("TooManySteps", `At most ${L.maxSteps} steps are accepted; got ${steps}.`);
  }
  if (controlType !== null && steps > L.maxControlNetSteps) steps = L.maxControlNetSteps;

  // Amount
  const n = p.n ?? IMAGE_DEFAULTS.n;
  if (!Number.isInteger(n) || n < L.minN || n > L.maxN) {
    return fail("InvalidAmount", `n must be a whole number between ${L.minN} and ${L.maxN}; got ${n}.`);
  }

  // Guidance, denoising, clip skip
  const cfgScale = p.cfgScale ?? IMAGE_DEFAULTS.cfgScale;
  if (
    !Number.isFinite(cfgScale) ||
    cfgScale < L.minCfgScale ||
    cfgScale > L.maxCfgScale ||
    !hasAtMostTwoDecimals(cfgScale)
  ) {
    return fail(
      "InvalidCfgScale",
      `cfgScale must be between ${L.minCfgScale} and ${L.maxCfgScale} with at most 2 decimals; got ${cfgScale}.`,
    );
  }
  const denoisingStrength = p.denoisingStrength ?? null;
  if (
    denoisingStrength !== null &&
    (!Number.isFinite(denoisingStrength) ||
      denoisingStrength < L.minDenoisingStrength ||
      denoisingStrength > L.maxDenoisingStrength)
  ) {
    return fail(
      "InvalidDenoisingStrength",
      `denoisingStrength must be between ${L.minDenoisingStrength} and ${L.maxDenoisingStrength}; got ${denoisingStrength}.`,
    );
  }
  const clipSkip = p.clipSkip ?? IMAGE_DEFAULTS.clipSkip;
  if (!Number.isInteger(clipSkip) || clipSkip < L.minClipSkip || clipSkip > L.maxClipSkip) {
    return fail(
      "InvalidClipSkip",
      `clipSkip must be a whole number between ${L.minClipSkip} and ${L.maxClipSkip}; got ${clipSkip}.`,
    );
  }

  // Sampler and post-processing
  const samplerName = p.samplerName ?? IMAGE_DEFAULTS.samplerName;
  if (!KNOWN_SAMPLERS.includes(samplerName)) {
    return fail(
      "UnknownSampler",
      `Unknown sampler ${JSON.stringify(samplerName)}; known samplers: ${KNOWN_SAMPLERS.join(", ")}.`,
    );
  }
  const postProcessing = dedupe(p.postProcessing ?? []);
  for (const name of postProcessing) {
    if (!POST_PROCESSORS.includes(name)) {
      return fail(
        "UnknownPostProcessor",
        `Unknown post-processor ${JSON.stringify(name)}; known: ${POST_PROCESSORS.join(", ")}.`,
      );
    }
  }
  const upscalers = postProcessing.filter((name) => UPSCALERS.includes(name));
  if (upscalers.length > L.maxUpscalers) {
    return fail("TooManyUpscalers", `At most ${L.maxUpscalers} upscaler may be used; got ${upscalers.join(", ")}.`);
  }

  // LoRAs
  const loraInputs = p.loras ?? [];
  if (loraInputs.length > L.maxLoras) {
    return fail("TooManyLoras", `At most ${L.maxLoras} LoRAs are accepted; got ${loraInputs.length}.`);
  }
  const loras: Lora[] = [];
  for (const lora of loraInputs) {
    const name = lora.name.trim();
    const isVersion = lora.isVersion ?? false;
    const model = lora.model ?? IMAGE_DEFAULTS.loraStrength;
    const clip = lora.clip ?? IMAGE_DEFAULTS.loraStrength;
    if (name === "" || name.length > L.maxLoraNameLength) {
      return fail(
        "InvalidLora",
        `A LoRA name must be 1 to ${L.maxLoraNameLength} characters; got ${JSON.stringify(lora.name)}.`,
      );
    }
    if (isVersion && !/^\d+$/.test(name)) {
      return fail(
        "InvalidLora",
        `LoRA ${JSON.stringify(name)} is marked isVersion, so its name must be a numeric version id.`,
      );
    }
    for (const [label, value] of [
      ["model", model],
      ["clip", clip],
    ] as const) {
      if (!Number.isFinite(value) || value < L.minLoraStrength || value > L.maxLoraStrength) {
        return fail(
          "InvalidLora",
          `LoRA ${JSON.stringify(name)} ${label} strength must be between ${L.minLoraStrength} and ${L.maxLoraStrength}; got ${value}.`,
        );
      }
    }
    loras.push({ name, model, clip, isVersion });
  }

  // Models
  const models = dedupe(input.models ?? []);
  const modelInfos: ModelInfo[] = [];
  for (const name of models) {
    if (POST_PROCESSORS.includes(name)) {
      return fail(
        "UnexpectedModelName",
        `${JSON.stringify(name)} is a post-processor, not a model; list it in params.postProcessing.`,
      );
    }
    const info = ctx.models.get(name);
    if (!info) return fail("UnknownModel", `Unknown model ${JSON.stringify(name)}.`);
    modelInfos.push(info);
  }
  const baselines = new Set(modelInfos.map((m) => m.baseline));

  // Workers
  const workers = input.workers ?? [];
  if (workers.length > L.maxWorkers) {
    return fail("TooManyWorkers", `At most ${L.maxWorkers} workers may be listed; got ${workers.length}.`);
  }
  if (new Set(workers).size !== workers.length) {
    return fail("DuplicateWorker", "The workers list names the same worker more than once.");
  }

  // Source image, mask and processing
  const hasSource = input.sourceImage != null && input.sourceImage !== "";
  const hasMask = input.sourceMask != null && input.sourceMask !== "";
  if (hasMask && !hasSource) {
    return fail("SourceMaskUnnecessary", "A sourceMask was sent without a sourceImage.");
  }
  const requestedProcessing = input.sourceProcessing ?? null;
  if (requestedProcessing !== null && !(SOURCE_PROCESSINGS as readonly string[]).includes(requestedProcessing)) {
    return fail(
      "InvalidSourceProcessing",
      `sourceProcessing must be one of ${SOURCE_PROCESSINGS.join(", ")}; got ${JSON.stringify(requestedProcessing)}.`,
    );
  }
  let sourceImage: DecodedImage | null = null;
  let sourceMask: DecodedImage | null = null;
  let sourceProcessing: SourceProcessing | null = null;
  if (hasSource) {
    const decoded = decodeBase64Image(input.sourceImage as string, "The source image");
    if (!decoded.ok) return decoded;
    sourceImage = decoded.value;
    sourceProcessing = (requestedProcessing as SourceProcessing | null) ?? "img2img";
    if (hasMask) {
      const mask = decodeBase64Image(input.sourceMask as string, "The source mask");
      if (!mask.ok) {
        return mask.code === "InvalidSourceImage" ? fail("InvalidSourceMask", mask.message) : mask;
      }
      sourceMask = mask.value;
    }
    if (sourceProcessing === "inpainting" && sourceMask === null && !sourceImage.hasAlpha) {
      return fail(
        "InvalidSourceImage",
        `Inpainting without a sourceMask needs a source image with an alpha channel marking the area to paint; this ${sourceImage.format.toUpperCase()} has none.`,
      );
    }
  } else if (requestedProcessing !== null) {
    warnings.push(
      `SourceProcessingIgnored: sourceProcessing ${requestedProcessing} has no effect without a sourceImage.`,
    );
  }

  // ControlNet
  if (controlType !== null) {
    if (!CONTROL_TYPES.includes(controlType)) {
      return fail(
        "InvalidControlType",
        `Unknown controlType ${JSON.stringify(controlType)}; known: ${CONTROL_TYPES.join(", ")}.`,
      );
    }
    if (sourceImage === null) {
      return fail("ControlNetSourceMissing", "ControlNet needs a sourceImage to take control from.");
    }
    if (sourceProcessing === "inpainting") {
      return fail("ControlNetInpaintingMismatch", "ControlNet cannot be combined with inpainting.");
    }
    const unsupported = modelInfos.find((m) => CONTROLNET_UNSUPPORTED_BASELINES.includes(m.baseline));
    if (unsupported) {
      return fail(
        "ControlNetMismatch",
        `ControlNet is not available for model ${JSON.stringify(unsupported.name)} (${unsupported.baseline}).`,
      );
    }
    if (baselines.has("stable_diffusion_2") && SD2_UNSUPPORTED_CONTROL_TYPES.includes(controlType)) {
      return fail(
        "ControlNetMismatch",
        `ControlNet type ${controlType} is not available for Stable Diffusion 2 models.`,
      );
    }
  }

  // Hires fix
  const hiresFix = p.hiresFix ?? false;
  if (hiresFix) {
    const unsupported = modelInfos.find((m) => HIRES_FIX_UNSUPPORTED_BASELINES.includes(m.baseline));
    if (unsupported) {
      return fail(
        "HiResFixMismatch",
        `Hires fix is not available for model ${JSON.stringify(unsupported.name)} (${unsupported.baseline}).`,
      );
    }
  }

  const params: ImageParams = {
    width,
    height,
    steps,
    n,
    samplerName,
    cfgScale,
    seed: p.seed ?? null,
    denoisingStrength,
    postProcessing,
    karras: p.karras ?? false,
    hiresFix,
    clipSkip,
    loras,
    controlType,
    returnControlMap: controlType !== null && (p.returnControlMap ?? false),
    tiling: p.tiling ?? false,
  };
  for (const info of modelInfos) warnings.push(...requirementWarnings(info, params));

  return {
    ok: true,
    warnings,
    value: {
      prompt,
      params,
      models,
      nsfw: input.nsfw ?? false,
      trustedWorkers: input.trustedWorkers ?? false,
      slowWorkers: input.slowWorkers ?? true,
      workers,
      workerBlacklist: input.workerBlacklist ?? false,
      sourceImage,
      sourceProcessing,
      sourceMask,
      shared: input.shared ?? false,
      dryRun: input.dryRun ?? false,
      allowDowngrade: input.allowDowngrade ?? false,
    },
  };
}

// ──────────────────────────── pricing ────────────────────────────

/** What the price of an image job depends on. */
export interface PricingInput {
  width: number;
  height: number;
  steps: number;
  samplerName: string;
  denoisingStrength: number | null;
  hasSourceImage: boolean;
  postProcessing: string[];
  controlType: string | null;
  /** How many LoRAs the request uses. */
  loras: number;
  prompt: string;
  n: number;
  shared: boolean;
  /**
   * The baseline multiplier of the model the estimate assumes (see `baselineMultiplier`).
   * Only `imageRequestKudos` applies it; `imageJobKudos` is the model-independent base.
   * Default 1.
   */
  baselineMultiplier?: number;
}

/** A prompt weight group such as `(forest:1.1)`: text without brackets, a colon and a number. */
const WEIGHT_GROUP = /\([^():]*:\s*-?\d+(?:\.\d+)?\s*\)/g;

const PRICE_PER_STEP = 0.1232;
const SIZE_WEIGHT = 8.75;
const PRICE_MIN_AREA = 64 * 64;
const PRICE_REFERENCE_AREA = 1024 * 1024;

/**
 * The base kudos price of one image job (the project's formula, after the AI Horde's
 * pre-network one): `0.1232 · steps · (1 + 8.75 · r)` with
 * `r = max(w·h − 64², 0)^1.75 / (1024² − 64²)^1.75`, where steps are the raw steps (50 for
 * the adaptive sampler) scaled by the denoising strength for img2img. Then × 1.2 per
 * post-processor, × 3 with ControlNet, × 1.5 with a source image, × 1.3 for each heavy
 * post-processor (RealESRGAN_x4plus, CodeFormers), + 1 per prompt weight group, + 3 per LoRA,
 * rounded once to 2 decimals. 512×512 at 50 steps costs 10.83; 1024×1024 at 50 costs 60.06.
 */
export function imageJobKudos(p: PricingInput): number {
  let steps = p.samplerName === "k_dpm_adaptive" ? ADAPTIVE_PRICING_STEPS : p.steps;
  if (p.hasSourceImage && p.denoisingStrength !== null) steps *= p.denoisingStrength;
  const r = Math.max(p.width * p.height - PRICE_MIN_AREA, 0) ** 1.75 / (PRICE_REFERENCE_AREA - PRICE_MIN_AREA) ** 1.75;
  let kudos = PRICE_PER_STEP * steps * (1 + SIZE_WEIGHT * r);
  const postProcessors = dedupe(p.postProcessing);
  kudos *= 1.2 ** postProcessors.length;
  if (p.controlType) kudos *= 3;
  if (p.hasSourceImage) kudos *= 1.5;
  for (const name of HEAVY_POST_PROCESSORS) if (postProcessors.includes(name)) kudos *= 1.3;
  kudos += (p.prompt.match(WEIGHT_GROUP) ?? []).length;
  kudos += 3 * p.loras;
  return round2(kudos);
}

/** The horde tax on a request: 3, less 2 when shared, less 1 when a job costs under 10. */
export function hordeTax(perJob: number, shared: boolean): number {
  return 3 - (shared ? 2 : 0) - (perJob < 10 ? 1 : 0);
}

/**
 * The price of a whole request: `n × perJob + tax`, where `perJob` is the job price times
 * the assumed baseline multiplier and the tax follows `hordeTax`. Rounded to 2 decimals.
 */
export function imageRequestKudos(p: PricingInput): { perJob: number; tax: number; total: number } {
  const perJob = round2(imageJobKudos(p) * (p.baselineMultiplier ?? 1));
  const tax = hordeTax(perJob, p.shared);
  return { perJob, tax, total: round2(p.n * perJob + tax) };
}

/** The pricing input of a validated request. */
export function pricingInputOf(req: NormalizedImageRequest): PricingInput {
  return {
    width: req.params.width,
    height: req.params.height,
    steps: req.params.steps,
    samplerName: req.params.samplerName,
    denoisingStrength: req.params.denoisingStrength,
    hasSourceImage: req.sourceImage !== null,
    postProcessing: req.params.postProcessing,
    controlType: req.params.controlType,
    loras: req.params.loras.length,
    prompt: req.prompt,
    n: req.params.n,
    shared: req.shared,
  };
}

// ───────────────────────── upfront kudos ─────────────────────────

/**
 * The largest side (of a square) a request may have without paying upfront:
 * `1024 + 10 × activeThreads − round(0.9 × queuedRequests)`, at least 576, at least 768 for
 * SD2 and 1024 for the 1024-native baselines (SDXL, Cascade, Flux, Qwen, Z-Image), and never
 * above 1024. Busy hordes shrink it; idle ones with many threads keep it at the ceiling.
 */
export function freeMaxResolution(opts: {
  activeThreads: number;
  queuedRequests: number;
  baselines: Baseline[];
}): number {
  let maxRes = 1024 + 10 * opts.activeThreads - Math.round(0.9 * opts.queuedRequests);
  maxRes = Math.max(maxRes, 576);
  if (opts.baselines.includes("stable_diffusion_2")) maxRes = Math.max(maxRes, 768);
  const native1024: readonly Baseline[] = ["stable_diffusion_xl", "stable_cascade", "flux_1", "qwen_image", "z_image"];
  if (opts.baselines.some((b) => native1024.includes(b))) maxRes = Math.max(maxRes, 1024);
  return Math.min(maxRes, 1024);
}

/** What the upfront decision needs besides the request. */
export interface UpfrontContext {
  /** From `freeMaxResolution`. */
  maxRes: number;
  /** The lowest `maxSteps` of the requested models (`lowestMaxSteps`); default 40. */
  modelMaxSteps?: number;
}

const LCM_MAX_FREE_STEPS = 10;
const CONTROLNET_MAX_FREE_STEPS = 20;

/**
 * Why a request must reserve its estimated kudos before it is queued, or null when it may
 * run on credit. Reasons: fast workers only, LCM over 10 steps, more steps than a requested
 * model allows, ControlNet over 20 steps, an area above `maxRes²` (steps are accurate steps).
 */
export function needsUpfrontKudos(req: NormalizedImageRequest, ctx: UpfrontContext): string | null {
  const { params } = req;
  const steps = accurateSteps(params.samplerName, params.steps);
  const modelMaxSteps = ctx.modelMaxSteps ?? 40;
  if (!req.slowWorkers) return "Requests that exclude slow workers pay upfront.";
  if (params.samplerName === "lcm" && steps > LCM_MAX_FREE_STEPS) {
    return `LCM requests over ${LCM_MAX_FREE_STEPS} steps pay upfront (${steps} requested).`;
  }
  if (steps > modelMaxSteps) {
    return `Requests over ${modelMaxSteps} steps for these models pay upfront (${steps} requested).`;
  }
  if (params.controlType !== null && steps > CONTROLNET_MAX_FREE_STEPS) {
    return `ControlNet requests over ${CONTROLNET_MAX_FREE_STEPS} steps pay upfront (${steps} requested).`;
  }
  if (params.width * params.height > ctx.maxRes * ctx.maxRes) {
    return `Images larger than ${ctx.maxRes}x${ctx.maxRes} pixels pay upfront (${params.width}x${params.height} requested).`;
  }
  return null;
}

function snapDown(value: number): number {
  return Math.floor(value / IMAGE_LIMITS.sideMultiple) * IMAGE_LIMITS.sideMultiple;
}

/**
 * Shrinks a request so it runs without upfront kudos, for `allowDowngrade`:
 * - the area is scaled into `maxRes²` keeping the aspect ratio, each side snapped down to a
 *   multiple of 64 but not below 512 (a side already under 512 is never enlarged);
 * - accurate steps are lowered to the smaller of the models' `maxSteps` and 30 (20 with
 *   ControlNet, 10 for LCM), never below 5 raw steps;
 * - slow workers are allowed.
 * Callers re-check `needsUpfrontKudos`: an adaptive-sampler step count cannot be lowered,
 * and the 512 floor can leave a very elongated image above `maxRes²`.
 */
export function downgradeImageRequest(req: NormalizedImageRequest, ctx: UpfrontContext): NormalizedImageRequest {
  const params = { ...req.params };
  const area = params.width * params.height;
  if (area > ctx.maxRes * ctx.maxRes) {
    const scale = ctx.maxRes / Math.sqrt(area);
    params.width = Math.max(snapDown(params.width * scale), Math.min(512, params.width));
    params.height = Math.max(snapDown(params.height * scale), Math.min(512, params.height));
  }
  const isLcm = params.samplerName === "lcm";
  const modeCeiling = isLcm ? 10 : params.controlType !== null ? 20 : 30;
  const ceiling = Math.min(modeCeiling, ctx.modelMaxSteps ?? Number.POSITIVE_INFINITY);
  if (accurateSteps(params.samplerName, params.steps) > ceiling) {
    const perStep = SECOND_ORDER_SAMPLERS.includes(params.samplerName) ? 2 : 1;
    params.steps = Math.min(params.steps, Math.max(5, Math.floor(ceiling / perStep)));
  }
  return { ...req, params, slowWorkers: true };
}
