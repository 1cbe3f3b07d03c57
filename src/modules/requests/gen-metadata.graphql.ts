import { builder } from "../../graphql/builder.ts";
import {
  GEN_METADATA_TYPES,
  GEN_METADATA_VALUES,
  type GenMetadataEntry,
  type GenMetadataType,
  type GenMetadataValue,
} from "../jobs/gen-metadata.rules.ts";

/** `lora` → `LORA`: the GraphQL names of the AI Horde's lower-case metadata words. */
function enumValues<T extends string>(words: readonly T[]): Record<string, { value: T }> {
  return Object.fromEntries(words.map((w) => [w.toUpperCase(), { value: w }]));
}

/** What a generation metadata entry is about. */
export const GenMetadataTypeEnum = builder.enumType("GenMetadataType", {
  description: "What a generation metadata entry is about (the AI Horde's gen_metadata types)",
  values: enumValues<GenMetadataType>(GEN_METADATA_TYPES),
});

/** What happened to it. */
export const GenMetadataValueEnum = builder.enumType("GenMetadataValue", {
  description: "What happened (SEE_REF: the detail is in ref)",
  values: enumValues<GenMetadataValue>(GEN_METADATA_VALUES),
});

/** One entry a worker attaches to a submit. */
export const GenMetadataInput = builder.inputType("GenMetadataInput", {
  fields: (t) => ({
    type: t.field({ type: GenMetadataTypeEnum, required: true }),
    value: t.field({ type: GenMetadataValueEnum, required: true }),
    ref: t.string({ description: "What it concerns (a LoRA or TI name, a detail), at most 256 characters" }),
  }),
});

/** One entry as shown on `Generation`. */
export const GenMetadataRef = builder.objectRef<GenMetadataEntry>("GenMetadata").implement({
  description: "Something the worker reported about a generation",
  fields: (t) => ({
    type: t.field({ type: GenMetadataTypeEnum, resolve: (e) => e.type }),
    value: t.field({ type: GenMetadataValueEnum, resolve: (e) => e.value }),
    ref: t.string({ nullable: true, resolve: (e) => e.ref ?? null }),
  }),
});
