import { describe, expect, it } from "vitest";
import { checkInfo, checkMessage, checkRename } from "./workers.admin.rules.ts";

describe("worker changes", () => {
  it("renames within 5 to 100 characters, without profanity or the pop's refused names", () => {
    expect(checkRename("  new-name ")).toEqual({ ok: true, value: "new-name" });
    expect(checkRename("abcd")).toMatchObject({ ok: false, code: "InvalidWorkerName" });
    expect(checkRename("x".repeat(101))).toMatchObject({ ok: false, code: "InvalidWorkerName" });
    expect(checkRename("my colab box")).toMatchObject({ ok: false, code: "InvalidWorkerName" });
    expect(checkRename("shitty worker")).toMatchObject({ ok: false, code: "ProfaneWorkerName" });
    expect(checkRename("a\u200bbcdef")).toMatchObject({ ok: false, code: "InvisibleCharacters" });
  });
  it("keeps info to 1000 printable characters, empty clearing it", () => {
    expect(checkInfo("")).toEqual({ ok: true, value: null });
    expect(checkInfo("x".repeat(1001))).toMatchObject({ ok: false, code: "InvalidWorkerInfo" });
    expect(checkInfo("a\u0000b")).toMatchObject({ ok: false, code: "InvalidWorkerInfo" });
  });
  it("bounds a message and its lifetime", () => {
    expect(checkMessage("hi", null)).toEqual({ ok: true, value: { text: "hi", hours: 12 } });
    expect(checkMessage(" ", 1)).toMatchObject({ ok: false, code: "InvalidWorkerMessage" });
    expect(checkMessage("hi", 721)).toMatchObject({ ok: false, code: "InvalidExpiry" });
    expect(checkMessage("hi", 0)).toMatchObject({ ok: false, code: "InvalidExpiry" });
  });
});
