/**
 * `admitTextRequest`: the one pure step between a client's input and a text request ready to
 * store: validate, price from the first model's size, and answer the upfront question
 * (downgrading when the request allows it and the requester cannot hold the amount).
 */
import { toCents } from "../../lib/money.ts";
import {
  billionsOf,
  freeMaxTokens,
  priceTextRequest,
  type TextRequestPrice,
  textUpfrontCents,
  textUpfrontReason,
} from "./text.pricing.rules.ts";
import { type CreateTextRequestInput, type NormalizedTextRequest, validateTextRequest } from "./text.rules.ts";

/** What admission needs to know about the world. */
export interface TextAdmissionContext {
  /** Which listed worker ids are text workers (lower case). */
  knownWorkers: ReadonlySet<string>;
  /** Model name → parameters, for the requested models the model table knows the size of. */
  sizes: ReadonlyMap<string, number>;
  /** Text threads online and text requests queued (the free length, §3.8). */
  capacity: { activeThreads: number; queuedRequests: number };
  /** The requester's balance, or null for Anonymous (who cannot pay upfront). */
  balance: number | null;
}

/** An admitted text request. */
export interface AdmittedText {
  ok: true;
  request: NormalizedTextRequest;
  price: TextRequestPrice;
  /** Why kudos are needed upfront and how many (hundredths), or null. Checked again when stored. */
  upfront: { reason: string; cents: number } | null;
  warnings: string[];
}

/** A refusal of the input (`validation`) or of the upfront rule (`kudos`). */
export interface RefusedText {
  ok: false;
  kind: "validation" | "kudos";
  code: string;
  message: string;
  field: string | null;
}

function priceOf(req: NormalizedTextRequest, sizes: ReadonlyMap<string, number>): TextRequestPrice {
  const first = req.models[0];
  return priceTextRequest({
    n: req.params.n,
    maxLength: req.params.maxLength,
    maxContextLength: req.params.maxContextLength,
    billions: first === undefined ? null : billionsOf(sizes.get(first)),
  });
}

function upfrontOf(req: NormalizedTextRequest, ctx: TextAdmissionContext): AdmittedText["upfront"] {
  const maxTokens = freeMaxTokens(ctx.capacity);
  const reason = textUpfrontReason({ slowWorkers: req.slowWorkers, maxLength: req.params.maxLength, maxTokens });
  if (!reason) return null;
  const modelBillions = req.models.map((m) => billionsOf(ctx.sizes.get(m)));
  return { reason, cents: textUpfrontCents({ n: req.params.n, maxLength: req.params.maxLength, modelBillions }) };
}

/**
 * Validates, prices and decides the upfront question. With `allowDowngrade`, a requester who
 * cannot hold the upfront amount gets the request downgraded instead (slow workers allowed,
 * maxLength cut to the free length: the AI Horde's text downgrade); Anonymous, who can never
 * pay upfront, is refused `KudosUpfront` otherwise (a dry run only prices).
 */
export function admitTextRequest(input: CreateTextRequestInput, ctx: TextAdmissionContext): AdmittedText | RefusedText {
  const checked = validateTextRequest(input, ctx.knownWorkers);
  if (!checked.ok)
    return { ok: false, kind: "validation", code: checked.code, message: checked.message, field: checked.field };
  let request = checked.value;
  const warnings: string[] = [];
  let upfront = upfrontOf(request, ctx);
  const canHold = (cents: number) => ctx.balance !== null && toCents(ctx.balance) >= cents;
  if (upfront && request.allowDowngrade && !canHold(upfront.cents)) {
    const maxLength = Math.min(request.params.maxLength, freeMaxTokens(ctx.capacity));
    request = { ...request, slowWorkers: true, params: { ...request.params, maxLength } };
    warnings.push(`Downgraded: ${upfront.reason}`);
    upfront = upfrontOf(request, ctx);
  }
  if (upfront && ctx.balance === null && !request.dryRun) {
    const message = `${upfront.reason} Anonymous cannot pay upfront; register and earn kudos first.`;
    return { ok: false, kind: "kudos", code: "KudosUpfront", message, field: null };
  }
  return { ok: true, request, price: priceOf(request, ctx.sizes), upfront, warnings };
}
