/**
 * Validation sections for the request's lists: post-processors, LoRAs, models and workers. Each
 * has a cap and refuses duplicates, so a list's size is bounded whatever the client sends.
 * Pure; each refusal names its input field. Composed by requests.validate.ts.
 */

import { isUuid } from "../../lib/ids.ts";
import { customModelNameProblem, type ModelInfo, POST_PROCESSORS, UPSCALERS } from "../models/models.rules.ts";
import {
  fail,
  IMAGE_DEFAULTS,
  IMAGE_LIMITS as L,
  type Lora,
  type LoraInput,
  pass,
  type RuleResult,
} from "./requests.rules.ts";

function firstDuplicate(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return null;
}

// ──────────────────── post-processing, LoRAs, models ────────────────────

/** Post-processors: known, at most `maxPostProcessors`, no duplicates, at most one upscaler. */
export function checkPostProcessing(list: readonly string[]): RuleResult<string[]> {
  const field = "params.postProcessing";
  if (list.length > L.maxPostProcessors) {
    return fail("TooManyPostProcessors", `At most ${L.maxPostProcessors} post-processors; got ${list.length}.`, field);
  }
  const unknown = list.find((name) => !POST_PROCESSORS.includes(name));
  if (unknown !== undefined) {
    const message = `Unknown post-processor ${JSON.stringify(unknown)}; known: ${POST_PROCESSORS.join(", ")}.`;
    return fail("UnknownPostProcessor", message, field);
  }
  const duplicate = firstDuplicate(list);
  if (duplicate !== null) {
    return fail("DuplicatePostProcessor", `Post-processor ${JSON.stringify(duplicate)} is listed twice.`, field);
  }
  const upscalers = list.filter((name) => UPSCALERS.includes(name));
  if (upscalers.length > L.maxUpscalers) {
    const message = `At most ${L.maxUpscalers} upscaler may be used; got ${upscalers.join(", ")}.`;
    return fail("TooManyUpscalers", message, field);
  }
  return pass([...list]);
}

function checkLora(lora: LoraInput, at: string): RuleResult<Lora> {
  const name = lora.name.trim();
  const isVersion = lora.isVersion ?? false;
  if (name === "" || name.length > L.maxLoraNameLength) {
    const message = `A LoRA name must be 1 to ${L.maxLoraNameLength} characters; got ${JSON.stringify(lora.name.slice(0, 300))}.`;
    return fail("InvalidLora", message, `${at}.name`);
  }
  if (isVersion && !/^\d+$/.test(name)) {
    const message = `LoRA ${JSON.stringify(name)} is marked isVersion, so its name must be a numeric version id.`;
    return fail("InvalidLora", message, `${at}.name`);
  }
  const strengths = {
    model: lora.model ?? IMAGE_DEFAULTS.loraStrength,
    clip: lora.clip ?? IMAGE_DEFAULTS.loraStrength,
  };
  for (const [label, value] of Object.entries(strengths)) {
    if (!Number.isFinite(value) || value < L.minLoraStrength || value > L.maxLoraStrength) {
      const message = `LoRA ${JSON.stringify(name)} ${label} strength must be between ${L.minLoraStrength} and ${L.maxLoraStrength}; got ${value}.`;
      return fail("InvalidLora", message, `${at}.${label}`);
    }
  }
  return pass({ name, ...strengths, isVersion });
}

/** LoRAs: at most `maxLoras`, each well formed, no LoRA twice. */
export function checkLoras(list: readonly LoraInput[]): RuleResult<Lora[]> {
  if (list.length > L.maxLoras) {
    return fail("TooManyLoras", `At most ${L.maxLoras} LoRAs are accepted; got ${list.length}.`, "params.loras");
  }
  const loras: Lora[] = [];
  for (const [i, input] of list.entries()) {
    const lora = checkLora(input, `params.loras.${i}`);
    if (!lora.ok) return lora;
    if (loras.some((l) => l.name === lora.value.name && l.isVersion === lora.value.isVersion)) {
      return fail(
        "DuplicateLora",
        `LoRA ${JSON.stringify(lora.value.name)} is listed twice.`,
        `params.loras.${i}.name`,
      );
    }
    loras.push(lora.value);
  }
  return pass(loras);
}

/** The requested models: every name, and the reference's entries for those it knows. */
export interface RequestedModels {
  names: string[];
  known: ModelInfo[];
}

/**
 * Models: at most `maxModels`, not a post-processor, none twice. A name outside the reference
 * is accepted as a custom model, as the AI Horde accepts it: only a worker whose owner has the
 * customizer role serves one (until then the request waits, with a NoAvailableWorker warning),
 * and its price and rules are those of a model with no baseline or requirements. Its name must
 * be well formed (`InvalidModelName`).
 */
export function checkModels(
  list: readonly string[],
  known: ReadonlyMap<string, ModelInfo>,
): RuleResult<RequestedModels> {
  if (list.length > L.maxModels) {
    return fail("TooManyModels", `At most ${L.maxModels} models may be listed; got ${list.length}.`, "models");
  }
  const names: string[] = [];
  const infos: ModelInfo[] = [];
  for (const name of list) {
    if (POST_PROCESSORS.includes(name)) {
      const message = `${JSON.stringify(name)} is a post-processor, not a model; list it in params.postProcessing.`;
      return fail("UnexpectedModelName", message, "models");
    }
    if (names.includes(name)) return fail("DuplicateModel", `Model ${JSON.stringify(name)} is listed twice.`, "models");
    const info = known.get(name);
    const problem = info ? null : customModelNameProblem(name);
    if (problem) return fail("InvalidModelName", `${problem}: ${JSON.stringify(name.slice(0, 300))}.`, "models");
    names.push(name);
    if (info) infos.push(info);
  }
  return pass({ names, known: infos });
}

// ─────────────────────────────── workers ───────────────────────────────

/** Workers: at most `maxWorkers`, none twice, each one that exists. */
export function checkWorkers(list: readonly string[], known: ReadonlySet<string>): RuleResult<string[]> {
  if (list.length > L.maxWorkers) {
    return fail("TooManyWorkers", `At most ${L.maxWorkers} workers may be listed; got ${list.length}.`, "workers");
  }
  if (firstDuplicate(list) !== null) {
    return fail("DuplicateWorker", "The workers list names the same worker more than once.", "workers");
  }
  const missing = list.filter((id) => !isUuid(id) || !known.has(id));
  if (missing.length > 0) return fail("WorkerNotFound", `No such worker: ${missing.join(", ")}`, "workers");
  return pass([...list]);
}
