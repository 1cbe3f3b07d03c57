/**
 * The text kind as the engine sees it (jobs/kinds.ts): the workers row's text columns, the
 * feed's guess (kind, models, nsfw, and the request's length within the worker's), and the
 * request-wide fault policy (a FAULTED text job is always replaced, §3.6). Eligibility is
 * `text_eligible` (migrations 20261201220001_engine, 20261201223002_text).
 */
import { commonMightTake, defineKind } from "../jobs/jobs.service.ts";
import { billionsOf, parseModelParameters, slowThreshold } from "./text.pricing.rules.ts";
import type { TextWorkerDeclaration } from "./text.worker.rules.ts";

/** A text worker's speed before its first job: 1 token/s, the AI Horde's baseline (§2.2). */
export const TEXT_INITIAL_SPEED = 1;

export const textKind = defineKind<TextWorkerDeclaration>({
  kind: "text",
  faults: "request",
  workerColumns: (d) => ({
    models: d.models,
    nsfw: d.nsfw,
    threads: d.threads,
    bridge_agent: d.bridgeAgent,
    max_length: d.maxLength,
    max_context_length: d.maxContextLength,
    softprompts: d.softprompts,
    // the slow rule's threshold, by the first model's size (text_eligible compares it to speed)
    fast_speed: slowThreshold(
      d.models[0] === undefined ? null : billionsOf(parseModelParameters(d.models[0])),
      d.models.length > 0,
    ),
  }),
  // The wake-up hint does not carry a request's lengths: the claim's text_eligible decides them.
  mightTake: (d, hint) => commonMightTake(d, hint),
});
