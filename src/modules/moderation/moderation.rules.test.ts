import { describe, expect, it } from "vitest";
import { blockListOf, listed, parseNetwork, workerBlockNetwork } from "./moderation.addresses.ts";
import {
  adultRewrite,
  CSAM_NEGATIVE,
  compileFilter,
  corruptPromptTimeoutMinutes,
  type PromptFilter,
  screenPrompt,
} from "./moderation.rules.ts";

function filter(kind: "block" | "replace", source: string, replacement = ""): PromptFilter {
  const c = compileFilter(source);
  if (!c.ok) throw new Error(c.message);
  return { id: source, kind, regex: c.regex, replacement };
}

describe("IP rules", () => {
  it("times a corrupt prompt's IP out for 3, 9, 15, 21 minutes", () => {
    expect([0, 1, 2, 3].map(corruptPromptTimeoutMinutes)).toEqual([3, 9, 15, 21]);
  });
  it("reads addresses and networks, refusing anything else", () => {
    expect(parseNetwork("10.0.0.1")).toMatchObject({ text: "10.0.0.1/32", family: 4 });
    expect(parseNetwork("10.0.0.0/24")).toMatchObject({ text: "10.0.0.0/24", prefix: 24 });
    expect(parseNetwork("2001:db8::/64")).toMatchObject({ family: 6, prefix: 64 });
    for (const bad of ["", "10.0.0.0/33", "10.0.0.0/4", "abc", "1.2.3.4/x", "1.2.3.4/24/1"]) {
      expect(parseNetwork(bad)).toBeNull();
    }
  });
  it("matches addresses against blocked networks", () => {
    const list = blockListOf(["10.0.0.0/24", "192.168.1.5", "2001:db8::/64"]);
    expect(listed(list, "10.0.0.77")).toBe(true);
    expect(listed(list, "::ffff:10.0.0.77")).toBe(true);
    expect(listed(list, "10.0.1.1")).toBe(false);
    expect(listed(list, "192.168.1.5")).toBe(true);
    expect(listed(list, "2001:db8::abcd")).toBe(true);
    expect(listed(list, "not an ip")).toBe(false);
  });
  it("blocks a worker's IPv6 address as its /64", () => {
    expect(workerBlockNetwork("2001:db8::1")).toBe("2001:db8::1/64");
    expect(workerBlockNetwork("::ffff:10.0.0.1")).toBe("10.0.0.1/32");
  });
});

describe("screenPrompt", () => {
  it("refuses a prompt a block filter matches", () => {
    const r = screenPrompt("a forbidden thing", [filter("block", "forbid+en")], { nsfwModel: false, flagged: false });
    expect(r).toMatchObject({ ok: false, code: "CorruptPrompt", timeout: true });
  });
  it("rewrites what a replace filter matches and prepends the negative guard", () => {
    const r = screenPrompt("a cat on a mat###blurry", [filter("replace", "\\bcat\\b", "dog")], {
      nsfwModel: false,
      flagged: false,
    });
    expect(r).toEqual({ ok: true, prompt: `a dog on a mat###${CSAM_NEGATIVE}, blurry`, rewritten: true });
  });
  it("makes subjects adult for NSFW models and flagged users, and leaves others alone", () => {
    expect(adultRewrite("a young girl and a little boy")).toBe("a adult adult woman and a adult adult man");
    expect(screenPrompt("a young girl", [], { nsfwModel: true, flagged: false })).toMatchObject({ rewritten: true });
    expect(screenPrompt("a young girl", [], { nsfwModel: false, flagged: true })).toMatchObject({ rewritten: true });
    expect(screenPrompt("a young girl", [], { nsfwModel: false, flagged: false })).toEqual({
      ok: true,
      prompt: "a young girl",
      rewritten: false,
    });
  });
  it("refuses, without a timeout, a prompt nothing is left of", () => {
    const r = screenPrompt("wipe", [filter("replace", ".*", "")], { nsfwModel: false, flagged: false });
    expect(r).toMatchObject({ ok: false, timeout: false });
  });
  it("refuses an invalid or huge expression", () => {
    expect(compileFilter("(").ok).toBe(false);
    expect(compileFilter("a".repeat(1001)).ok).toBe(false);
  });
});
