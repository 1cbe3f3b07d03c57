import { describe, expect, it } from "vitest";
import { checkResult } from "./alchemy.results.rules.ts";

describe("alchemy results", () => {
  it("accepts each data form's shape", () => {
    expect(checkResult("caption", { caption: "a cat on a mat" })).toEqual({
      ok: true,
      value: { kind: "data", result: { caption: "a cat on a mat" } },
    });
    expect(checkResult("nsfw", { nsfw: false })).toMatchObject({ ok: true, value: { result: { nsfw: false } } });
    expect(checkResult("describe", { describe: "A long\ndescription" })).toMatchObject({ ok: true });
    expect(checkResult("aesthetic", { aesthetic: 6.5 })).toMatchObject({ ok: true });
    expect(checkResult("palette", { palette: ["#ff0000", "#00FF00"] })).toMatchObject({ ok: true });
    expect(checkResult("vectorize", { vectorize: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' })).toMatchObject({
      ok: true,
    });
    const tags = { tags: [{ text: "cat", confidence: 91.5 }], artists: [] };
    expect(checkResult("interrogation", { interrogation: tags })).toEqual({
      ok: true,
      value: { kind: "data", result: { interrogation: tags } },
    });
  });

  it("hands a post-processor's image on to be decoded", () => {
    expect(checkResult("GFPGAN", { image: "iVBOR" })).toEqual({ ok: true, value: { kind: "image", base64: "iVBOR" } });
    expect(checkResult("GFPGAN", { image: 3 })).toMatchObject({ ok: false, code: "InvalidAlchemyResult" });
  });

  it("refuses a missing result, a wrong key, extra keys and wrong types", () => {
    expect(checkResult("caption", null)).toMatchObject({ ok: false, code: "MissingAlchemyResult" });
    expect(checkResult("caption", "a cat")).toMatchObject({ ok: false, code: "InvalidAlchemyResult" });
    expect(checkResult("caption", { nsfw: true })).toMatchObject({ ok: false, code: "InvalidAlchemyResult" });
    expect(checkResult("caption", { caption: "x", extra: 1 })).toMatchObject({ ok: false });
    expect(checkResult("caption", { caption: "  " })).toMatchObject({ ok: false });
    expect(checkResult("caption", { caption: "x".repeat(8001) })).toMatchObject({ ok: false });
    expect(checkResult("nsfw", { nsfw: "false" })).toMatchObject({ ok: false });
    expect(checkResult("aesthetic", { aesthetic: 11 })).toMatchObject({ ok: false });
    expect(checkResult("aesthetic", { aesthetic: Number.NaN })).toMatchObject({ ok: false });
    expect(checkResult("palette", { palette: [] })).toMatchObject({ ok: false });
    expect(checkResult("palette", { palette: ["red"] })).toMatchObject({ ok: false });
    expect(checkResult("vectorize", { vectorize: "<html></html>" })).toMatchObject({ ok: false });
    expect(checkResult("GFPGAN", { caption: "x" })).toMatchObject({ ok: false });
  });

  it("refuses malformed interrogation tags", () => {
    const bad = [
      { interrogation: [] },
      { interrogation: {} },
      { interrogation: { Tags: [] } },
      { interrogation: { tags: [{ text: "cat" }] } },
      { interrogation: { tags: [{ text: "cat", confidence: 101 }] } },
      { interrogation: { tags: [{ text: "cat", confidence: 1, x: 1 }] } },
      { interrogation: { tags: "cat" } },
    ];
    for (const r of bad)
      expect(checkResult("interrogation", r)).toMatchObject({ ok: false, code: "InvalidAlchemyResult" });
  });
});
