/**
 * Pricing and the upfront decision of an image request.
 *
 * Prices are integer hundredths of a kudos (lib/money.ts), rounded once each by the one rule
 * there: a job's base price, then that base scaled by a model's baseline multiplier. The
 * request's price is `n × perJob + tax`, in exact integer arithmetic. Settlement charges each
 * job `scaleCents(jobCents, multiplier)` with the same function and inputs, which is why a
 * dry-run price is what the request ends up costing when its jobs run on the first model.
 */
import { type Cents, roundCents, scaleCents } from "../../lib/money.ts";
import { type Baseline, HEAVY_POST_PROCESSORS } from "../models/models.rules.ts";
import { type Surcharges, surchargeFactor } from "../trust/surcharge.rules.ts";
import { IMAGE_LIMITS, type NormalizedImageRequest, SECOND_ORDER_SAMPLERS } from "./requests.rules.ts";

/**
 * `k_dpm_adaptive` picks its own step count. Job sizing (TTL, upfront) assumes 40, the
 * default step ceiling, so an adaptive request is not forced to pay upfront on that alone;
 * pricing assumes 50, the basis job's steps.
 */
const ADAPTIVE_SIZING_STEPS = 40;
const ADAPTIVE_PRICING_STEPS = 50;

/**
 * Steps as the GPU experiences them: doubled for second-order samplers, a fixed 40 for the
 * adaptive sampler. Used to size jobs (TTL, upfront kudos, pixelsteps), not to price them.
 */
export function accurateSteps(samplerName: string, steps: number): number {
  if (samplerName === "k_dpm_adaptive") return ADAPTIVE_SIZING_STEPS;
  return SECOND_ORDER_SAMPLERS.includes(samplerName) ? steps * 2 : steps;
}

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
  /** trust (issue 11): the surcharges the AI Horde burns, charged on each job */
  surcharges?: Surcharges;
}

/** A prompt weight group such as `(forest:1.1)`: text without brackets, a colon and a number. */
const WEIGHT_GROUP = /\([^():]*:\s*-?\d+(?:\.\d+)?\s*\)/g;

const PRICE_PER_STEP = 0.1232;
const SIZE_WEIGHT = 8.75;
const PRICE_MIN_AREA = 64 * 64;
const PRICE_REFERENCE_AREA = 1024 * 1024;

/**
 * The base price of one image job in cents (the project's formula, after the AI Horde's
 * pre-network one): `0.1232 · steps · (1 + 8.75 · r)` kudos with
 * `r = max(w·h − 64², 0)^1.75 / (1024² − 64²)^1.75`, where steps are the raw steps (50 for
 * the adaptive sampler) scaled by the denoising strength for img2img. Then × 1.2 per
 * post-processor, × 3 with ControlNet, × 1.5 with a source image, × 1.3 for each heavy
 * post-processor (RealESRGAN_x4plus, CodeFormers), + 1 per prompt weight group, + 3 per LoRA,
 * rounded once to cents. 512×512 at 50 steps costs 10.83; 1024×1024 at 50 costs 60.06.
 * Model-independent: a baseline multiplier is applied to it with {@link jobPriceCents}.
 */
export function imageJobCents(p: PricingInput): Cents {
  let steps = p.samplerName === "k_dpm_adaptive" ? ADAPTIVE_PRICING_STEPS : p.steps;
  if (p.hasSourceImage && p.denoisingStrength !== null) steps *= p.denoisingStrength;
  const r = Math.max(p.width * p.height - PRICE_MIN_AREA, 0) ** 1.75 / (PRICE_REFERENCE_AREA - PRICE_MIN_AREA) ** 1.75;
  let kudos = PRICE_PER_STEP * steps * (1 + SIZE_WEIGHT * r);
  const postProcessors = [...new Set(p.postProcessing)];
  kudos *= 1.2 ** postProcessors.length;
  if (p.controlType) kudos *= 3;
  if (p.hasSourceImage) kudos *= 1.5;
  for (const name of HEAVY_POST_PROCESSORS) if (postProcessors.includes(name)) kudos *= 1.3;
  kudos += (p.prompt.match(WEIGHT_GROUP) ?? []).length;
  kudos += 3 * p.loras;
  return roundCents(kudos * 100);
}

/**
 * What one job costs on a model with baseline multiplier `multiplier`: the base price scaled
 * and rounded once. Settlement (jobs) charges exactly this, from the stored base price.
 */
export function jobPriceCents(jobCents: Cents, multiplier: number): Cents {
  return scaleCents(jobCents, multiplier);
}

/** The horde tax on a request in cents: 3 kudos, less 2 when shared, less 1 when a job costs under 10. */
export function hordeTaxCents(perJob: Cents, shared: boolean): Cents {
  return 100 * (3 - (shared ? 2 : 0) - (perJob < 1000 ? 1 : 0));
}

/** A request's price, in cents. */
export interface RequestPrice {
  /** The base price of one job, model-independent (stored with the request). */
  job: Cents;
  /** One job on the model the estimate assumes. */
  perJob: Cents;
  /** Taken when the request is created. */
  tax: Cents;
  /** `n × perJob × surcharges + tax` (what the jobs will charge: jobs.rules.ts settleJob). */
  total: Cents;
}

/**
 * The price of a whole request, `n × perJob + tax`, where `perJob` is the job price on a model
 * with baseline multiplier `multiplier` (the estimate assumes the first requested model; 1 when
 * none is named) and the tax follows {@link hordeTaxCents}.
 */
export function priceRequest(p: PricingInput, multiplier: number): RequestPrice {
  const job = imageJobCents(p);
  const perJob = jobPriceCents(job, multiplier);
  const tax = hordeTaxCents(perJob, p.shared);
  const charged = Math.max(perJob, scaleCents(perJob, surchargeFactor(p.surcharges ?? NO_SURCHARGE)));
  return { job, perJob, tax, total: p.n * charged + tax };
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
    surcharges: { fastOnly: !req.slowWorkers, blacklist: req.workerBlacklist && req.workers.length > 0 },
  };
}

const NO_SURCHARGE: Surcharges = { fastOnly: false, blacklist: false };

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
