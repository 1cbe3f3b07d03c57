import { describe, expect, it } from "vitest";
import { checkGenMetadata, type GenMetadataEntry, MAX_GEN_METADATA, stateWithMetadata } from "./gen-metadata.rules.ts";

const lora: GenMetadataEntry = { type: "lora", value: "download_failed", ref: "123456" };

describe("checkGenMetadata", () => {
  it("accepts up to the limit, with refs up to 256 characters", () => {
    expect(checkGenMetadata([])).toBeNull();
    expect(checkGenMetadata(Array(MAX_GEN_METADATA).fill(lora))).toBeNull();
    expect(checkGenMetadata([{ ...lora, ref: "x".repeat(256) }])).toBeNull();
  });
  it("refuses more entries than the limit, and a longer ref", () => {
    expect(checkGenMetadata(Array(MAX_GEN_METADATA + 1).fill(lora))?.code).toBe("TooManyGenMetadata");
    expect(checkGenMetadata([lora, { ...lora, ref: "x".repeat(257) }])).toEqual({
      code: "InvalidGenMetadata",
      message: "genMetadata.1.ref is at most 256 characters; got 257",
    });
  });
});

describe("stateWithMetadata", () => {
  it("marks an OK submit censored by a censorship entry, and CSAM by its csam value", () => {
    expect(stateWithMetadata("ok", [lora])).toBe("ok");
    expect(stateWithMetadata("ok", [{ type: "censorship", value: "nsfw" }])).toBe("censored");
    expect(stateWithMetadata("ok", [lora, { type: "censorship", value: "csam" }])).toBe("csam");
    expect(stateWithMetadata("censored", [{ type: "censorship", value: "csam" }])).toBe("csam");
  });
  it("never softens CSAM and leaves FAULTED alone", () => {
    expect(stateWithMetadata("csam", [{ type: "censorship", value: "nsfw" }])).toBe("csam");
    expect(stateWithMetadata("faulted", [{ type: "censorship", value: "csam" }])).toBe("faulted");
    expect(stateWithMetadata("ok", [{ type: "information", value: "csam" }])).toBe("ok");
  });
});
