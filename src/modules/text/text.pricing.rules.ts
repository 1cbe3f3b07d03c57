/**
 * Text prices and rewards (reference §4.2, §3.8 "Text settlement" and "Upfront kudos (text)").
 * Pure; amounts in whole hundredths through lib/money.ts, rounded once.
 *
 * Model sizes. The AI Horde reads a text model's parameter count from its text model reference.
 * Here text models are declared by workers: a model's size is read from its name's size tag
 * (`LLaMA2-13B-Tiefighter` 13B, `Mixtral-8x7B` 56B, `opt-350m` 0.35B), as the reference's own
 * names carry it, and kept in the model table (known_models kind 'text', `parameters`) the
 * first time any worker declares the name; later declarations cannot change it. A name with no
 * size tag (or one claiming more than {@link MAX_TEXT_MODEL_BILLIONS}) is an unknown model and
 * earns the AI Horde's unknown-model reward.
 */

import { fromCents, roundCents, toCents } from "../../lib/money.ts";

/** The largest size a name may claim; past it the model counts as unknown (no 2000B model exists). */
export const MAX_TEXT_MODEL_BILLIONS = 1000;

/** The bridges the AI Horde calls validated backends (`validated_backends`, the × 0.3 rule). */
export const VALIDATED_BACKENDS: readonly string[] = [
  "AI Horde Worker",
  "AI Horde Worker~aphrodite~oai",
  "AI Horde Worker~aphrodite~kai",
  "KoboldCppEmbedWorker",
  "TabbyAPI",
];

/** Whether a worker's `bridgeAgent` (`name:version:url`) names a validated backend. */
export function isValidatedBackend(bridgeAgent: string): boolean {
  return VALIDATED_BACKENDS.includes(bridgeAgent.split(":")[0] ?? "");
}

// A size tag: optional "<experts>x", a number, then B or M, standing alone in the name (so
// "4bit", "v0.1" or "bf16" are not sizes).
const SIZE_TAG = /(?<![a-z0-9.])(?:(\d{1,3})x)?(\d{1,5}(?:\.\d{1,3})?)([bm])(?![a-z0-9])/gi;

/**
 * A text model's parameter count read from its name (the last size tag wins: `org/Model-13B`),
 * or null when the name carries none or an implausible one. `NxMB` (mixture of experts) counts
 * N × M billions. Whole parameters, so it fits the `parameters bigint` column.
 */
export function parseModelParameters(name: string): number | null {
  let found: number | null = null;
  for (const m of name.matchAll(SIZE_TAG)) {
    const experts = m[1] ? Number(m[1]) : 1;
    const unit = m[3]?.toLowerCase() === "m" ? 1e6 : 1e9;
    found = Math.round(experts * Number(m[2]) * unit);
  }
  if (found === null || found <= 0 || found > MAX_TEXT_MODEL_BILLIONS * 1e9) return null;
  return found;
}

/** Parameters to billions (the unit every formula here uses). */
export function billionsOf(parameters: number | null | undefined): number | null {
  return parameters === null || parameters === undefined || parameters <= 0 ? null : parameters / 1e9;
}

/** Tokens a text counts for: ceil(chars / 4), at least 20, at most the request's `maxLength`. */
export function countTokens(chars: number, maxLength: number): number {
  return Math.min(Math.max(Math.ceil(chars / 4), 20), maxLength);
}

/** The context multiplier: 1.2 + 2.2^(log2(ctx / 1024)), clamped to [0.1, 30]. */
export function contextMultiplier(ctx: number): number {
  const m = 1.2 + 2.2 ** Math.log2(Math.max(ctx, 1) / 1024);
  return Math.min(Math.max(m, 0.1), 30);
}

/** The size bonus of a model: (max(B, 13) / 13)^0.2. */
function sizeBonus(b: number): number {
  return (Math.max(b, 13) / 13) ** 0.2;
}

/** What a finished text job is worth. */
export interface TextJobFacts {
  /** Characters (code points) of the generated text. */
  textChars: number;
  /** Characters of the request's prompt. */
  promptChars: number;
  maxLength: number;
  /** The job's model's size in billions; null for an unknown model. */
  billions: number | null;
  /** The worker's owner is trusted (unknown models only). */
  ownerTrusted: boolean;
  /** The worker's bridge is a validated backend. */
  validatedBackend: boolean;
}

/**
 * The AI Horde's `get_gen_kudos`, in hundredths: tokens from the delivered text; the context
 * multiplier from the prompt's tokens capped like the output's (the AI Horde's quirk, kept: the
 * multiplier stays about 1.2–1.3, docs/KUDOS.md); a known model earns
 * `tokens × (max(B,13)/13)^0.2 × B / 125 × ctx`, × 0.3 on a backend that is not validated; an
 * unknown model earns `ctx` from an untrusted owner's worker, `tokens × ctx × 0.027` from a
 * trusted one's.
 */
export function textJobCents(f: TextJobFacts): number {
  const tokens = countTokens(f.textChars, f.maxLength);
  const ctx = contextMultiplier(countTokens(f.promptChars, f.maxLength));
  if (f.billions === null) return toCents(f.ownerTrusted ? tokens * ctx * 0.027 : ctx);
  const kudos = roundCents(((tokens * sizeBonus(f.billions) * f.billions) / 125) * ctx * 100);
  return f.validatedBackend ? kudos : roundCents(kudos * 0.3);
}

/** The per-job horde tax a text requester pays on top of the job's price (§4.2). */
export const TEXT_JOB_TAX_CENTS = 100;
/** The one-off horde tax when a text request is accepted (§3.2: text pays 1). */
export const TEXT_REQUEST_TAX_CENTS = 100;

/** What one settled text job moves, in kudos (two decimals). */
export interface TextSettlement {
  /** The job's price: what the worker's owner earns. */
  price: number;
  /** What the requester pays: price + 1. */
  charge: number;
  reward: number;
  /** charge − reward: the per-job horde tax, burned. */
  burned: number;
  /** The part of the reward held in escrow (untrusted owners, trust/escrow.rules.ts). */
  escrow: number;
  /** Tokens delivered (what the job counts for: jobs.things, workers.tokens). */
  tokens: number;
}

/**
 * Settles a submitted text job: the worker's owner earns the job's price and the requester pays
 * it plus 1, burned. OK, CENSORED and CSAM settle alike (as image jobs do: the worker spent the
 * time); FAULTED moves nothing and counts no tokens.
 */
export function settleTextJob(
  state: "ok" | "censored" | "csam" | "faulted",
  f: TextJobFacts,
  escrowOf?: (reward: number) => number,
): TextSettlement {
  if (state === "faulted") return { price: 0, charge: 0, reward: 0, burned: 0, escrow: 0, tokens: 0 };
  const price = textJobCents(f);
  const charge = price + TEXT_JOB_TAX_CENTS;
  const reward = fromCents(price);
  return {
    price: reward,
    charge: fromCents(charge),
    reward,
    burned: fromCents(charge - price),
    escrow: Math.min(escrowOf?.(reward) ?? 0, reward),
    tokens: countTokens(f.textChars, f.maxLength),
  };
}

/** The size an estimate assumes when the request names no model, or none of known size. */
export const ESTIMATE_DEFAULT_BILLIONS = 13;

/**
 * One job's estimated price, in hundredths (the AI Horde's `calculate_kudos` for a dry run):
 * `maxLength × bonus × B × ctx(maxContextLength) / 100`, B from the first requested model, 13
 * when it names none. An unknown first model (the AI Horde crashes there) is estimated as 13B.
 */
export function textJobEstimateCents(a: {
  maxLength: number;
  maxContextLength: number;
  billions: number | null;
}): number {
  const b = a.billions ?? ESTIMATE_DEFAULT_BILLIONS;
  return roundCents(a.maxLength * sizeBonus(b) * b * contextMultiplier(a.maxContextLength));
}

/** A request's estimated price: n jobs at (estimate + 1), plus the request's horde tax. */
export interface TextRequestPrice {
  /** One job's estimated price (what its worker would earn), hundredths. */
  job: number;
  /** The acceptance tax, hundredths. */
  tax: number;
  /** n × (job + 1) + tax, hundredths: the `kudos` a dry run and a real request answer. */
  total: number;
}

/** Prices a request from its first model's size. */
export function priceTextRequest(a: {
  n: number;
  maxLength: number;
  maxContextLength: number;
  billions: number | null;
}): TextRequestPrice {
  const job = textJobEstimateCents(a);
  return { job, tax: TEXT_REQUEST_TAX_CENTS, total: a.n * (job + TEXT_JOB_TAX_CENTS) + TEXT_REQUEST_TAX_CENTS };
}

/**
 * The largest `maxLength` served without kudos upfront: `512 + 5 × text threads online −
 * round(0.9 × text requests queued)`, clamped to 256–512.
 */
export function freeMaxTokens(a: { activeThreads: number; queuedRequests: number }): number {
  const t = 512 + 5 * a.activeThreads - Math.round(0.9 * a.queuedRequests);
  return Math.min(Math.max(t, 256), 512);
}

/** Why a text request needs kudos upfront (slow workers excluded, or too long), or null. */
export function textUpfrontReason(a: { slowWorkers: boolean; maxLength: number; maxTokens: number }): string | null {
  if (!a.slowWorkers) return "Excluding slow workers needs kudos upfront.";
  if (a.maxLength > a.maxTokens) {
    return `maxLength ${a.maxLength} is over the ${a.maxTokens} tokens served without kudos upfront now.`;
  }
  return null;
}

/**
 * What the requester must hold upfront, in hundredths (the AI Horde's kobold.py): 20 × n with
 * no models, else round(maxLength × largest B / 21, 2) × n, B of the requested models of known
 * size (13 when none is).
 */
export function textUpfrontCents(a: {
  n: number;
  maxLength: number;
  modelBillions: readonly (number | null)[];
}): number {
  if (a.modelBillions.length === 0) return 20 * a.n * 100;
  const known = a.modelBillions.filter((b): b is number => b !== null);
  const b = known.length > 0 ? Math.max(...known) : ESTIMATE_DEFAULT_BILLIONS;
  return roundCents((a.maxLength * b * 100) / 21) * a.n;
}

/** The slowest speed (tokens/s) a worker may have to serve requests that exclude slow workers. */
export function slowThreshold(firstModelBillions: number | null, hasModels: boolean): number {
  if (!hasModels) return 3;
  const b = firstModelBillions ?? 0;
  if (b >= 20) return 3;
  if (b >= 13) return 4;
  return 5;
}

/**
 * The fastest a text job may have been generated, in tokens per second, before its worker is
 * suspected of faking it (§3.8, text): 150 for every job; an untrusted owner's known model of 70B
 * or more 30, of 14B or more 100, else 150; a mixture-of-experts name (`8x`) gets 3 × its size's
 * limit.
 */
export function textSpeedLimit(a: { model: string | null; billions: number | null; ownerTrusted: boolean }): number {
  if (a.ownerTrusted || a.billions === null) return 150;
  const bySize = a.billions >= 70 ? 30 : a.billions >= 14 ? 100 : 150;
  const limit = /8x/i.test(a.model ?? "") ? bySize * 3 : bySize;
  return Math.min(limit, 150);
}

/** Whether `tokens` in `seconds` is faster than the limit (a job of no measurable time is not judged). */
export function textTooFast(tokens: number, seconds: number, limit: number): boolean {
  return seconds > 0 && tokens / seconds > limit;
}
