/**
 * `admitImageRequest`: the one pure step between a client's input and a request ready to store.
 *
 * The service gathers what the step needs to know about the world (the model catalog, the
 * decoded images, which listed workers exist, the horde's capacity, the requester's balance)
 * and calls it once; it validates, prices, decides the upfront question (downgrading when the
 * request allows it and the requester cannot pay), and prices the result. The service then only
 * stores what it returns. Nothing here reads a clock, a database or a socket.
 */
import { type Cents, toCents } from "../../lib/money.ts";
import { baselineMultiplier, lowestMaxSteps, type ModelInfo } from "../models/models.rules.ts";
import { isShared, sharingWarning } from "../ratings/sharing.rules.ts";
import {
  downgradeImageRequest,
  freeMaxResolution,
  needsUpfrontKudos,
  priceRequest,
  pricingInputOf,
  type RequestPrice,
  type UpfrontContext,
} from "./requests.pricing.ts";
import type { CreateImageRequestInput, NormalizedImageRequest } from "./requests.rules.ts";
import { type ValidationContext, validateImageRequest } from "./requests.validate.ts";

/** What admission needs to know about the world besides validation's context. */
export interface AdmissionContext extends ValidationContext {
  /** Image threads online and live requests waiting, for the free size (`freeMaxResolution`). */
  capacity: { activeThreads: number; queuedRequests: number };
  /** The requester's balance in kudos, or null for one who cannot pay upfront (Anonymous). */
  balance: number | null;
  /** The requester is Anonymous, whose requests are always shared. */
  anonymous: boolean;
}

/** An admitted request: normalised, priced, its upfront question answered. */
export interface Admitted {
  ok: true;
  request: NormalizedImageRequest;
  /** The models it names, as the catalog knows them. */
  models: ModelInfo[];
  price: RequestPrice;
  /**
   * Why the requester must hold `price.total` before it is queued (checked again under the
   * requester's lock when stored), or null when it runs on credit.
   */
  upfront: string | null;
  warnings: string[];
}

/** A refusal: `validation` (the input) or `kudos` (Anonymous cannot pay upfront). */
export interface Refused {
  ok: false;
  kind: "validation" | "kudos";
  code: string;
  message: string;
  /** The input field a validation refusal concerns. */
  field: string | null;
}

/** The price the requester sees: n jobs at the first requested model's multiplier, plus the tax. */
function priceOf(req: NormalizedImageRequest, models: readonly ModelInfo[]): RequestPrice {
  const first = models[0];
  const multiplier = first ? baselineMultiplier(first.baseline, { hiresFix: req.params.hiresFix }) : 1;
  return priceRequest(pricingInputOf(req), multiplier);
}

function canHold(balance: number | null, total: Cents): boolean {
  return balance !== null && toCents(balance) >= total;
}

/**
 * Validates, prices and decides the upfront question, in one pass:
 * - a refusal of the input (`kind: "validation"`, the code and field from requests.validate.ts);
 * - a request that needs kudos upfront and cannot have them: with `allowDowngrade` and a
 *   requester who cannot hold the price it is downgraded (`Downgraded:` warning) and decided
 *   again; one who can hold it pays for what they asked;
 * - Anonymous, which can never pay upfront, is refused `KudosUpfront` (not on a dry run, which
 *   only prices);
 * - `shared` becomes what is really shared (ratings/sharing.rules.ts), before the price.
 */
export function admitImageRequest(input: CreateImageRequestInput, ctx: AdmissionContext): Admitted | Refused {
  const checked = validateImageRequest(input, ctx);
  if (!checked.ok)
    return { ok: false, kind: "validation", code: checked.code, message: checked.message, field: checked.field };
  const { models } = checked.value;
  // Shared is decided once, here, before pricing: the tax discount follows what is really shared.
  const sharing = {
    requested: checked.value.request.shared,
    anonymous: ctx.anonymous,
    hasSourceImage: checked.value.request.sourceImage !== null,
  };
  let request = { ...checked.value.request, shared: isShared(sharing) };
  const warnings = [...checked.warnings];
  const refused = sharingWarning(sharing);
  if (refused) warnings.push(refused);
  const upfrontCtx: UpfrontContext = {
    maxRes: freeMaxResolution({ ...ctx.capacity, baselines: models.map((m) => m.baseline) }),
    modelMaxSteps: lowestMaxSteps(models),
  };
  let upfront = needsUpfrontKudos(request, upfrontCtx);
  if (upfront && request.allowDowngrade && !canHold(ctx.balance, priceOf(request, models).total)) {
    request = downgradeImageRequest(request, upfrontCtx);
    warnings.push(`Downgraded: ${upfront}`);
    upfront = needsUpfrontKudos(request, upfrontCtx);
  }
  if (upfront && ctx.balance === null && !request.dryRun) {
    const message = `${upfront} Anonymous cannot pay upfront; register and earn kudos first.`;
    return { ok: false, kind: "kudos", code: "KudosUpfront", message, field: null };
  }
  return { ok: true, request, models, price: priceOf(request, models), upfront, warnings };
}
