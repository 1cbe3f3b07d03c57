import type { SubmitState } from "./jobs.rules.ts";

/**
 * Generation metadata a worker may attach to a submit (the AI Horde's `gen_metadata`): what
 * happened to one of the request's inputs (a LoRA or TI it could not download, a source image it
 * could not parse), whether it censored the output, and free information.
 */
export const GEN_METADATA_TYPES = [
  "lora",
  "ti",
  "censorship",
  "source_image",
  "source_mask",
  "extra_source_images",
  "batch_index",
  "information",
  "aesthetic_score",
] as const;

/** The values a metadata entry may carry (`see_ref`: the detail is in `ref`). */
export const GEN_METADATA_VALUES = [
  "download_failed",
  "parse_failed",
  "baseline_mismatch",
  "csam",
  "nsfw",
  "see_ref",
] as const;

export type GenMetadataType = (typeof GEN_METADATA_TYPES)[number];
export type GenMetadataValue = (typeof GEN_METADATA_VALUES)[number];

/** One entry as stored on the job and shown on `Generation`. */
export interface GenMetadataEntry {
  type: GenMetadataType;
  value: GenMetadataValue;
  ref?: string;
}

/**
 * At most this many entries per submit. The AI Horde refuses more than 50, but only after it has
 * settled the job (a quirk); 20 covers a LoRA and a TI per allowed slot plus the rest.
 */
export const MAX_GEN_METADATA = 20;
/** A `ref` names a LoRA, a TI or a short detail; 256 characters hold any of them. */
export const MAX_GEN_METADATA_REF = 256;

/** A refusal with its stable code; `null` when the list is acceptable. */
export type GenMetadataProblem = { code: "TooManyGenMetadata" | "InvalidGenMetadata"; message: string } | null;

/**
 * Checks a submit's metadata: the count and each `ref`'s length (types and values are GraphQL
 * enums, so anything else never reaches here; control characters are refused by the guard).
 */
export function checkGenMetadata(entries: readonly GenMetadataEntry[]): GenMetadataProblem {
  if (entries.length > MAX_GEN_METADATA) {
    return {
      code: "TooManyGenMetadata",
      message: `At most ${MAX_GEN_METADATA} genMetadata entries; got ${entries.length}`,
    };
  }
  for (const [i, e] of entries.entries()) {
    if (e.ref !== undefined && e.ref.length > MAX_GEN_METADATA_REF) {
      return {
        code: "InvalidGenMetadata",
        message: `genMetadata.${i}.ref is at most ${MAX_GEN_METADATA_REF} characters; got ${e.ref.length}`,
      };
    }
  }
  return null;
}

/**
 * The state a submit settles in. As in the AI Horde, an entry of type `censorship` marks the job
 * censored, and one with value `csam` marks it CSAM; a FAULTED submit stays FAULTED, and a state
 * the worker already gave (CENSORED, CSAM) is never softened. OK, CENSORED and CSAM settle alike
 * (docs/KUDOS.md), so this changes what the requester sees, never what moves.
 */
export function stateWithMetadata(state: SubmitState, entries: readonly GenMetadataEntry[]): SubmitState {
  if (state === "faulted" || state === "csam") return state;
  const censorship = entries.filter((e) => e.type === "censorship");
  if (censorship.some((e) => e.value === "csam")) return "csam";
  return censorship.length > 0 ? "censored" : state;
}
