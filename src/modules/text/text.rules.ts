/**
 * Text requests (the AI Horde's KoboldAI side, reference §1.2, §2.3, §3.1 items 15 and 17):
 * what a `createTextRequest` input may hold, its defaults, and its validation. Pure: the service
 * looks the listed workers up and passes them in.
 *
 * Validation runs in a fixed order and the first refusal wins; every refusal names its input
 * field: prompt, amount, lengths (then TokenOverflow), sampling knobs, sampler order, stop
 * sequences, models, softprompt, workers.
 *
 * The Kobold sampling knobs are passed to the worker as sent: a knob the client leaves out is
 * left out of the job too, so the worker's backend applies its own default (the AI Horde sends
 * the worker only what the client set). Only `maxLength` and `maxContextLength` get server-side
 * defaults, because eligibility and pricing need them.
 */

import { isUuid } from "../../lib/ids.ts";

/** The Kobold parameters of a text request, as a client sends them (camelCase AI Horde names). */
export interface TextParamsInput {
  n?: number | null;
  maxLength?: number | null;
  maxContextLength?: number | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  topA?: number | null;
  typical?: number | null;
  tfs?: number | null;
  minP?: number | null;
  repPen?: number | null;
  repPenRange?: number | null;
  repPenSlope?: number | null;
  smoothingFactor?: number | null;
  dynatempRange?: number | null;
  dynatempExponent?: number | null;
  samplerOrder?: number[] | null;
  stopSequence?: string[] | null;
  useDefaultBadwordsids?: boolean | null;
  singleline?: boolean | null;
  frmtadsnsp?: boolean | null;
  frmtrmblln?: boolean | null;
  frmtrmspch?: boolean | null;
  frmttriminc?: boolean | null;
}

/** A `createTextRequest` input. */
export interface CreateTextRequestInput {
  prompt: string;
  params?: TextParamsInput | null;
  /** Empty: any model. */
  models?: string[] | null;
  /** A softprompt the worker must have loaded; empty or omitted: none. */
  softprompt?: string | null;
  nsfw?: boolean | null;
  trustedWorkers?: boolean | null;
  slowWorkers?: boolean | null;
  /** Only workers whose bridge is a validated backend (the AI Horde's `validated_backends`). */
  validatedBackends?: boolean | null;
  workers?: string[] | null;
  workerBlacklist?: boolean | null;
  dryRun?: boolean | null;
  allowDowngrade?: boolean | null;
}

/** The parameters a job carries to the worker: lengths always, knobs only when the client set them. */
export interface TextParams {
  n: number;
  maxLength: number;
  maxContextLength: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  topA?: number;
  typical?: number;
  tfs?: number;
  minP?: number;
  repPen?: number;
  repPenRange?: number;
  repPenSlope?: number;
  smoothingFactor?: number;
  dynatempRange?: number;
  dynatempExponent?: number;
  samplerOrder?: number[];
  stopSequence?: string[];
  useDefaultBadwordsids?: boolean;
  singleline?: boolean;
  frmtadsnsp?: boolean;
  frmtrmblln?: boolean;
  frmtrmspch?: boolean;
  frmttriminc?: boolean;
}

/** A validated text request, every default applied. */
export interface NormalizedTextRequest {
  prompt: string;
  params: TextParams;
  models: string[];
  /** Empty string: no softprompt (matches every worker). */
  softprompt: string;
  nsfw: boolean;
  trustedWorkers: boolean;
  slowWorkers: boolean;
  validatedBackends: boolean;
  workers: string[];
  workerBlacklist: boolean;
  dryRun: boolean;
  allowDowngrade: boolean;
}

/** Defaults (the contract's and the AI Horde's parser). */
export const TEXT_DEFAULTS = { n: 1, maxLength: 80, maxContextLength: 1024 } as const;

/** Bounds (reference §3.1 items 15 and 17, and the AI Horde's Kobold payload model). */
export const TEXT_LIMITS = {
  minN: 1,
  maxN: 20,
  minMaxLength: 16,
  maxMaxLength: 4096,
  minContextLength: 80,
  maxContextLength: 1_048_576,
  /** A prompt longer than this is refused: about 250k tokens, far past what a worker keeps. */
  maxPromptChars: 1_000_000,
  maxStopSequences: 128,
  maxStopSequenceChars: 2000,
  samplers: 7,
  maxModels: 20,
  maxModelNameLength: 256,
  maxSoftpromptLength: 256,
  maxWorkers: 5,
} as const;

/** A sampling knob's bounds: `int` knobs must be whole numbers. */
interface KnobRange {
  min: number;
  max: number;
  int?: boolean;
}

/** The sampling knobs and their ranges (the AI Horde's Kobold payload model). */
export const KNOB_RANGES = {
  temperature: { min: 0, max: 5 },
  topP: { min: 0.001, max: 1 },
  topK: { min: 0, max: 200, int: true },
  topA: { min: 0, max: 1 },
  typical: { min: 0, max: 1 },
  tfs: { min: 0, max: 1 },
  minP: { min: 0, max: 1 },
  repPen: { min: 1, max: 3 },
  repPenRange: { min: 0, max: 4096, int: true },
  repPenSlope: { min: 0, max: 10 },
  smoothingFactor: { min: 0, max: 10 },
  dynatempRange: { min: 0, max: 5 },
  dynatempExponent: { min: 0, max: 5 },
} as const satisfies Record<string, KnobRange>;

type Knob = keyof typeof KNOB_RANGES;

const FLAGS = ["useDefaultBadwordsids", "singleline", "frmtadsnsp", "frmtrmblln", "frmtrmspch", "frmttriminc"] as const;

/** A rule's outcome: the value, or the first refusal with its code and input field. */
export type TextRuleResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string; field: string };

/** A refusal. */
export function refuse(
  code: string,
  message: string,
  field: string,
): { ok: false; code: string; message: string; field: string } {
  return { ok: false, code, message, field };
}

function intIn(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/** Code points, as the AI Horde (Python) counts a string's length. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function checkLengths(p: TextParamsInput): TextRuleResult<{ n: number; maxLength: number; maxContextLength: number }> {
  const L = TEXT_LIMITS;
  const n = p.n ?? TEXT_DEFAULTS.n;
  if (!intIn(n, L.minN, L.maxN))
    return refuse("InvalidAmount", `n must be ${L.minN} to ${L.maxN}; got ${n}.`, "params.n");
  const maxLength = p.maxLength ?? TEXT_DEFAULTS.maxLength;
  if (!intIn(maxLength, L.minMaxLength, L.maxMaxLength)) {
    const message = `maxLength must be ${L.minMaxLength} to ${L.maxMaxLength} tokens; got ${maxLength}.`;
    return refuse("InvalidMaxLength", message, "params.maxLength");
  }
  const maxContextLength = p.maxContextLength ?? TEXT_DEFAULTS.maxContextLength;
  if (!intIn(maxContextLength, L.minContextLength, L.maxContextLength)) {
    const message = `maxContextLength must be ${L.minContextLength} to ${L.maxContextLength} tokens; got ${maxContextLength}.`;
    return refuse("InvalidMaxContextLength", message, "params.maxContextLength");
  }
  if (maxContextLength < maxLength) {
    const message = `You cannot request more tokens (maxLength ${maxLength}) than your context length (${maxContextLength}).`;
    return refuse("TokenOverflow", message, "params.maxLength");
  }
  return { ok: true, value: { n, maxLength, maxContextLength } };
}

function checkKnobs(p: TextParamsInput): TextRuleResult<Partial<Record<Knob, number>>> {
  const out: Partial<Record<Knob, number>> = {};
  for (const [knob, range] of Object.entries(KNOB_RANGES) as [Knob, KnobRange][]) {
    const v = p[knob];
    if (v === null || v === undefined) continue;
    const whole = !range.int || Number.isInteger(v);
    if (!Number.isFinite(v) || !whole || v < range.min || v > range.max) {
      const kind = range.int ? "a whole number" : "a number";
      const message = `${knob} must be ${kind} from ${range.min} to ${range.max}; got ${v}.`;
      return refuse("InvalidSamplingParameter", message, `params.${knob}`);
    }
    out[knob] = v;
  }
  return { ok: true, value: out };
}

/** A custom sampler order must name each of the 7 samplers (0–6) exactly once. */
function checkSamplerOrder(order: readonly number[] | null | undefined): TextRuleResult<number[] | undefined> {
  if (order === null || order === undefined) return { ok: true, value: undefined };
  const n = TEXT_LIMITS.samplers;
  const valid = order.length === n && order.every((s) => intIn(s, 0, n - 1)) && new Set(order).size === n;
  if (!valid) {
    const message = `A custom samplerOrder must list all ${n} samplers (0 to ${n - 1}) once each; got [${order.slice(0, 20).join(", ")}].`;
    return refuse("NotEnoughSamplers", message, "params.samplerOrder");
  }
  return { ok: true, value: [...order] };
}

/** At most 128 stop sequences, totalling at most 2000 characters. */
function checkStopSequence(list: readonly string[] | null | undefined): TextRuleResult<string[] | undefined> {
  if (list === null || list === undefined) return { ok: true, value: undefined };
  const L = TEXT_LIMITS;
  if (list.length > L.maxStopSequences) {
    const message = `At most ${L.maxStopSequences} stop sequences; got ${list.length}.`;
    return refuse("TooManyStopSequences", message, "params.stopSequence");
  }
  const total = list.reduce((sum, s) => sum + charCount(s), 0);
  if (total > L.maxStopSequenceChars) {
    const message = `Stop sequences may total at most ${L.maxStopSequenceChars} characters; these total ${total}.`;
    return refuse("ExcessiveStopSequence", message, "params.stopSequence");
  }
  return { ok: true, value: [...list] };
}

/** Validates the Kobold parameters and applies the length defaults. */
export function checkTextParams(p: TextParamsInput): TextRuleResult<TextParams> {
  const lengths = checkLengths(p);
  if (!lengths.ok) return lengths;
  const knobs = checkKnobs(p);
  if (!knobs.ok) return knobs;
  const samplerOrder = checkSamplerOrder(p.samplerOrder);
  if (!samplerOrder.ok) return samplerOrder;
  const stopSequence = checkStopSequence(p.stopSequence);
  if (!stopSequence.ok) return stopSequence;
  const params: TextParams = { ...lengths.value, ...knobs.value };
  if (samplerOrder.value) params.samplerOrder = samplerOrder.value;
  if (stopSequence.value) params.stopSequence = stopSequence.value;
  for (const flag of FLAGS) {
    const v = p[flag];
    if (v !== null && v !== undefined) params[flag] = v;
  }
  return { ok: true, value: params };
}

function firstDuplicate(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return null;
}

/** Requested models: at most 20 names of 1–256 characters, no duplicates. Any name may be asked for. */
export function checkTextModels(list: readonly string[]): TextRuleResult<string[]> {
  const L = TEXT_LIMITS;
  if (list.length > L.maxModels)
    return refuse("TooManyModels", `At most ${L.maxModels} models; got ${list.length}.`, "models");
  const bad = list.find((m) => m.trim() === "" || m.length > L.maxModelNameLength);
  if (bad !== undefined) {
    const message = `A model name has 1 to ${L.maxModelNameLength} characters; got ${JSON.stringify(bad.slice(0, 300))}.`;
    return refuse("InvalidModelName", message, "models");
  }
  const duplicate = firstDuplicate(list);
  if (duplicate !== null)
    return refuse("DuplicateModel", `Model ${JSON.stringify(duplicate)} is listed twice.`, "models");
  return { ok: true, value: [...list] };
}

/** Listed workers: at most 5 existing text workers, no duplicates (ids compared in lower case). */
function checkWorkers(list: readonly string[], known: ReadonlySet<string>): TextRuleResult<string[]> {
  const L = TEXT_LIMITS;
  if (list.length > L.maxWorkers) {
    return refuse("TooManyWorkers", `At most ${L.maxWorkers} workers; got ${list.length}.`, "workers");
  }
  const ids = list.map((id) => id.toLowerCase());
  const duplicate = firstDuplicate(ids);
  if (duplicate !== null) return refuse("DuplicateWorker", `Worker ${duplicate} is listed twice.`, "workers");
  const missing = ids.find((id) => !isUuid(id) || !known.has(id));
  if (missing !== undefined)
    return refuse("WorkerNotFound", `No text worker ${JSON.stringify(missing.slice(0, 100))}.`, "workers");
  return { ok: true, value: ids };
}

/**
 * Validates a `createTextRequest` input (codes: MissingPrompt, InvalidPromptSize, InvalidAmount,
 * InvalidMaxLength, InvalidMaxContextLength, TokenOverflow, InvalidSamplingParameter,
 * NotEnoughSamplers, TooManyStopSequences, ExcessiveStopSequence, TooManyModels,
 * InvalidModelName, DuplicateModel, InvalidSoftprompt, TooManyWorkers, DuplicateWorker,
 * WorkerNotFound). `knownWorkers`: which listed ids are text workers (lower case).
 */
export function validateTextRequest(
  input: CreateTextRequestInput,
  knownWorkers: ReadonlySet<string>,
): TextRuleResult<NormalizedTextRequest> {
  if (input.prompt.trim() === "") return refuse("MissingPrompt", "The prompt is empty.", "prompt");
  if (input.prompt.length > TEXT_LIMITS.maxPromptChars) {
    const message = `A prompt may have at most ${TEXT_LIMITS.maxPromptChars} characters.`;
    return refuse("InvalidPromptSize", message, "prompt");
  }
  const params = checkTextParams(input.params ?? {});
  if (!params.ok) return params;
  const models = checkTextModels(input.models ?? []);
  if (!models.ok) return models;
  const softprompt = (input.softprompt ?? "").trim();
  if (softprompt.length > TEXT_LIMITS.maxSoftpromptLength) {
    const message = `A softprompt name has at most ${TEXT_LIMITS.maxSoftpromptLength} characters.`;
    return refuse("InvalidSoftprompt", message, "softprompt");
  }
  const workers = checkWorkers(input.workers ?? [], knownWorkers);
  if (!workers.ok) return workers;
  return {
    ok: true,
    value: {
      prompt: input.prompt,
      params: params.value,
      models: models.value,
      softprompt,
      nsfw: input.nsfw ?? false,
      trustedWorkers: input.trustedWorkers ?? false,
      slowWorkers: input.slowWorkers ?? true,
      validatedBackends: input.validatedBackends ?? false,
      workers: workers.value,
      workerBlacklist: input.workerBlacklist ?? false,
      dryRun: input.dryRun ?? false,
      allowDowngrade: input.allowDowngrade ?? false,
    },
  };
}
