/**
 * What a text worker declares when it pops or subscribes (`PopTextJobInput`), its defaults and
 * bounds (reference §1.2 text pop, §2.2 TextWorker). Pure.
 *
 * Any model name may be declared: the AI Horde checks text models against its text model
 * reference, which this broker does not have; a model's size comes from its name
 * (text.pricing.rules.ts). Softprompts are names; the empty softprompt matches every worker.
 */

import { canonicalName } from "../../lib/names.ts";
import { checkGenMetadata, type GenMetadataEntry, stateWithMetadata } from "../jobs/gen-metadata.rules.ts";
import { refuseWorkerName } from "../workers/workers.rules.ts";
import { refuse, TEXT_LIMITS, type TextRuleResult } from "./text.rules.ts";

/** A `popTextJob` / `textJobAssigned` input. */
export interface PopTextJobInput {
  name: string;
  models: string[];
  maxLength?: number | null;
  maxContextLength?: number | null;
  softprompts?: string[] | null;
  nsfw?: boolean | null;
  threads?: number | null;
  amount?: number | null;
  maxConcurrentJobs?: number | null;
  bridgeAgent?: string | null;
}

/** A text worker's declaration, defaults applied. */
export interface TextWorkerDeclaration {
  kind: "text";
  name: string;
  models: string[];
  maxLength: number;
  maxContextLength: number;
  softprompts: string[];
  nsfw: boolean;
  threads: number;
  amount: number;
  maxConcurrentJobs: number;
  bridgeAgent: string;
}

/** Pop defaults (the AI Horde's text pop parser: 512 and 2048). */
export const TEXT_WORKER_DEFAULTS = { maxLength: 512, maxContextLength: 2048 } as const;

/** Bounds of a text worker's declaration. */
export const TEXT_WORKER_LIMITS = {
  maxModels: 200,
  minMaxLength: 16,
  maxMaxLength: 65_536,
  minContextLength: 80,
  maxContextLength: 1_048_576,
  maxSoftprompts: 100,
  maxAmount: 20,
  maxThreads: 100,
  maxConcurrentJobs: 20,
  maxBridgeAgentLength: 200,
} as const;

function intIn(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

function checkModelList(input: PopTextJobInput): TextRuleResult<string[]> {
  const L = TEXT_WORKER_LIMITS;
  if (input.models.length > L.maxModels) {
    return refuse("TooManyModels", `A worker may serve at most ${L.maxModels} models`, "models");
  }
  const models = [...new Set(input.models.map((m) => m.trim()))];
  if (models.some((m) => m === "" || m.length > TEXT_LIMITS.maxModelNameLength)) {
    return refuse("InvalidModelName", `A model name has 1 to ${TEXT_LIMITS.maxModelNameLength} characters`, "models");
  }
  if (models.length === 0) return refuse("NoValidModels", "A text worker must serve at least one model", "models");
  return { ok: true, value: models };
}

function checkSoftprompts(list: readonly string[] | null | undefined): TextRuleResult<string[]> {
  const L = TEXT_WORKER_LIMITS;
  const names = [...new Set((list ?? []).map((s) => s.trim()).filter((s) => s !== ""))];
  if (names.length > L.maxSoftprompts) {
    return refuse("TooManySoftprompts", `A worker may list at most ${L.maxSoftprompts} softprompts`, "softprompts");
  }
  if (names.some((s) => s.length > TEXT_LIMITS.maxSoftpromptLength)) {
    const message = `A softprompt name has at most ${TEXT_LIMITS.maxSoftpromptLength} characters`;
    return refuse("InvalidSoftprompt", message, "softprompts");
  }
  return { ok: true, value: names };
}

type Counts = Pick<
  TextWorkerDeclaration,
  "maxLength" | "maxContextLength" | "threads" | "amount" | "maxConcurrentJobs"
>;

function checkCounts(input: PopTextJobInput): TextRuleResult<Counts> {
  const L = TEXT_WORKER_LIMITS;
  const maxLength = input.maxLength ?? TEXT_WORKER_DEFAULTS.maxLength;
  if (!intIn(maxLength, L.minMaxLength, L.maxMaxLength)) {
    return refuse("InvalidMaxLength", `maxLength must be ${L.minMaxLength} to ${L.maxMaxLength}`, "maxLength");
  }
  const maxContextLength = input.maxContextLength ?? TEXT_WORKER_DEFAULTS.maxContextLength;
  if (!intIn(maxContextLength, L.minContextLength, L.maxContextLength)) {
    const message = `maxContextLength must be ${L.minContextLength} to ${L.maxContextLength}`;
    return refuse("InvalidMaxContextLength", message, "maxContextLength");
  }
  const amount = input.amount ?? 1;
  if (!intIn(amount, 1, L.maxAmount)) return refuse("InvalidAmount", `amount must be 1 to ${L.maxAmount}`, "amount");
  const threads = input.threads ?? 1;
  if (!intIn(threads, 1, L.maxThreads))
    return refuse("InvalidThreads", `threads must be 1 to ${L.maxThreads}`, "threads");
  const maxConcurrentJobs = input.maxConcurrentJobs ?? 1;
  if (!intIn(maxConcurrentJobs, 1, L.maxConcurrentJobs)) {
    const message = `maxConcurrentJobs must be 1 to ${L.maxConcurrentJobs}`;
    return refuse("InvalidMaxConcurrentJobs", message, "maxConcurrentJobs");
  }
  return { ok: true, value: { maxLength, maxContextLength, threads, amount, maxConcurrentJobs } };
}

/**
 * Validates a text worker's declaration and applies the defaults (codes: InvalidWorkerName,
 * InvisibleCharacters, TooManyModels, InvalidModelName, NoValidModels, TooManySoftprompts,
 * InvalidSoftprompt, InvalidMaxLength, InvalidMaxContextLength, InvalidAmount, InvalidThreads,
 * InvalidMaxConcurrentJobs).
 */
export function checkTextDeclaration(input: PopTextJobInput): TextRuleResult<TextWorkerDeclaration> {
  const name = canonicalName(input.name);
  const badName = refuseWorkerName(name);
  if (badName && !badName.ok) return refuse(badName.code, badName.message, badName.field);
  const models = checkModelList(input);
  if (!models.ok) return models;
  const softprompts = checkSoftprompts(input.softprompts);
  if (!softprompts.ok) return softprompts;
  const counts = checkCounts(input);
  if (!counts.ok) return counts;
  const bridgeAgent = (input.bridgeAgent ?? "unknown:0:unknown").slice(0, TEXT_WORKER_LIMITS.maxBridgeAgentLength);
  return {
    ok: true,
    value: {
      kind: "text",
      name,
      models: models.value,
      softprompts: softprompts.value,
      nsfw: input.nsfw ?? false,
      bridgeAgent,
      ...counts.value,
    },
  };
}

/** The longest text a worker may submit, in characters (64k tokens of 4 characters). */
export const MAX_SUBMITTED_TEXT_CHARS = 262_144;

/** A `submitTextJob` input. */
export interface SubmitTextJobInput {
  id: string;
  text?: string | null;
  state?: "ok" | "censored" | "csam" | "faulted" | null;
  seed?: string | null;
  genMetadata?: readonly GenMetadataEntry[] | null;
}

/** A checked submit: the state (metadata may turn it CENSORED or CSAM), text, seed, metadata. */
export interface CheckedTextSubmit {
  state: "ok" | "censored" | "csam" | "faulted";
  /** The text ("" for FAULTED). */
  text: string;
  seed: string;
  genMetadata: GenMetadataEntry[] | null;
}

/**
 * Checks a text submit before anything is stored (codes: MissingText, TextTooLong, InvalidSeed,
 * TooManyGenMetadata, InvalidGenMetadata). The text may be omitted only when FAULTED; an empty
 * text is a text (the model stopped at once) and is paid as the 20-token minimum. The seed is
 * optional (the AI Horde's default 0), an integer when given.
 */
export function checkTextSubmit(input: SubmitTextJobInput): TextRuleResult<CheckedTextSubmit> {
  const entries = input.genMetadata ?? [];
  const problem = checkGenMetadata(entries);
  if (problem) return refuse(problem.code, problem.message, "genMetadata");
  const seed = (input.seed ?? "0").trim();
  if (!/^-?\d{1,20}$/.test(seed)) return refuse("InvalidSeed", "seed must be an integer", "seed");
  const state = stateWithMetadata(input.state ?? "ok", entries);
  if (state !== "faulted" && (input.text === null || input.text === undefined)) {
    return refuse("MissingText", "A text is required unless the state is FAULTED", "text");
  }
  const text = state === "faulted" ? "" : (input.text ?? "");
  if (text.length > MAX_SUBMITTED_TEXT_CHARS) {
    return refuse("TextTooLong", `A text may have at most ${MAX_SUBMITTED_TEXT_CHARS} characters`, "text");
  }
  return { ok: true, value: { state, text, seed, genMetadata: entries.length > 0 ? [...entries] : null } };
}
