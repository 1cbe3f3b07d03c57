/**
 * Shared helpers of the requests rule tests: validation as the service runs it (images decoded
 * first; every listed worker taken to exist).
 */
import { BUNDLED_MODELS, indexModels } from "../models/models.rules.ts";
import { decodeRequestImages } from "./requests.images.ts";
import type {
  CreateImageRequestInput,
  ImageParamsInput,
  NormalizedImageRequest,
  RuleResult,
} from "./requests.rules.ts";
import { validateImageRequest } from "./requests.validate.ts";
import { makePng } from "./test-images.ts";

export const models = indexModels(BUNDLED_MODELS);

export const b64 = (buf: Buffer) => buf.toString("base64");
export const W1 = "0b0c3a52-8a8e-4c47-9d55-0c1f8a3c1e01";
export const uuid = (i: number) => `0b0c3a52-8a8e-4c47-9d55-0c1f8a3c1e${String(i).padStart(2, "0")}`;
export const png = b64(makePng(64, 64));

/** Validates as the service does: images decoded first; every listed worker taken to exist. */
export async function validate(
  input: Partial<CreateImageRequestInput> = {},
  params: ImageParamsInput = {},
): Promise<RuleResult<NormalizedImageRequest>> {
  const full = { prompt: "a lighthouse at dusk", params, ...input };
  const ctx = {
    models,
    limits: { maxPromptWords: 7500 },
    images: await decodeRequestImages(full),
    knownWorkers: new Set(full.workers ?? []),
  };
  const result = validateImageRequest(full, ctx);
  return result.ok ? { ...result, value: result.value.request } : result;
}

export function codeOf(result: RuleResult<unknown>): string {
  return result.ok ? "ok" : result.code;
}

export async function accepted(input: Partial<CreateImageRequestInput> = {}, params: ImageParamsInput = {}) {
  const result = await validate(input, params);
  if (!result.ok) throw new Error(`expected acceptance, got ${result.code}: ${result.message}`);
  return result;
}
