import { describe, expect, it } from "vitest";
import { checkDeclaration, parsePriorityUsernames } from "./workers.rules.ts";

const known = new Map<string, unknown>([
  ["stable_diffusion", {}],
  ["Juggernaut XL", {}],
]);

function declare(input: Record<string, unknown>, customizer = false) {
  return checkDeclaration({ name: "w", models: ["stable_diffusion"], ...input }, known, { customizer });
}

describe("the reference's other pop fields", () => {
  it("default to the AI Horde's: not extra-slow, no step limit, no upfront kudos, no SDXL ControlNet, no priority users", () => {
    const r = declare({});
    expect(r.ok && r.value).toMatchObject({
      extraSlowWorker: false,
      limitMaxSteps: false,
      requireUpfrontKudos: false,
      allowSdxlControlnet: false,
      priorityUserIds: [],
    });
  });

  it("are kept as declared", () => {
    const r = declare({
      extraSlowWorker: true,
      limitMaxSteps: true,
      requireUpfrontKudos: true,
      allowSdxlControlnet: true,
      priorityUsernames: ["alice#12", "bob#7", "alice#12"],
    });
    expect(r.ok && r.value).toMatchObject({
      extraSlowWorker: true,
      limitMaxSteps: true,
      requireUpfrontKudos: true,
      allowSdxlControlnet: true,
      priorityUserIds: [12, 7],
    });
  });
});

describe("parsePriorityUsernames", () => {
  it("takes the id after the last #", () => {
    expect(parsePriorityUsernames(["a#b#3", "x#0"])).toEqual({ ok: true, ids: [3, 0] });
  });

  it.each([
    ["no #", "alice"],
    ["no id", "alice#"],
    ["not a number", "alice#bob"],
    ["a negative id", "alice#-1"],
    ["an id past int4", "alice#2147483648"],
    ["a fraction", "alice#1.5"],
    ["NUL bytes", "alice#1\u0000"],
    ["a huge entry", `${"a".repeat(300)}#1`],
  ])("refuses %s with InvalidPriorityUsername", (_label, entry) => {
    const r = parsePriorityUsernames([entry]);
    expect(r.ok ? "ok" : `${r.code} @ ${r.field}`).toBe("InvalidPriorityUsername @ priorityUsernames");
  });

  it("refuses more than 100 entries", () => {
    const r = parsePriorityUsernames(Array.from({ length: 101 }, (_v, i) => `u#${i}`));
    expect(r.ok ? "ok" : r.code).toBe("InvalidPriorityUsername");
  });

  it("is checked by the declaration", () => {
    const r = declare({ priorityUsernames: ["nobody"] });
    expect(r.ok ? "ok" : r.code).toBe("InvalidPriorityUsername");
  });
});

describe("models outside the reference (custom models)", () => {
  it("are dropped and reported for an owner without the customizer role", () => {
    const r = declare({ models: ["stable_diffusion", "my-custom"] });
    expect(r.ok && { models: r.value.models, unknown: r.unknownModels }).toEqual({
      models: ["stable_diffusion"],
      unknown: ["my-custom"],
    });
  });

  it("leave NoValidModels when nothing else is declared", () => {
    const r = declare({ models: ["my-custom"] });
    expect(r.ok ? "ok" : r.code).toBe("NoValidModels");
  });

  it("are served by a customizer's worker, with the known ones", () => {
    const r = declare({ models: ["my-custom", "Juggernaut XL", "my-custom"] }, true);
    expect(r.ok && { models: r.value.models, unknown: r.unknownModels }).toEqual({
      models: ["my-custom", "Juggernaut XL"],
      unknown: [],
    });
  });

  it.each([
    ["an empty name", ""],
    ["a NUL byte", "x\u0000y"],
    ["a zero-width space", "x\u200by"],
    ["surrounding spaces", " x"],
    ["101 characters", "m".repeat(101)],
  ])("must be well formed for a customizer too: %s is InvalidModelName", (_label, name) => {
    const r = declare({ models: [name] }, true);
    expect(r.ok ? "ok" : `${r.code} @ ${r.field}`).toBe("InvalidModelName @ models");
  });

  it("a customizer's worker declaring no model at all is still NoValidModels", () => {
    const r = declare({ models: [] }, true);
    expect(r.ok ? "ok" : r.code).toBe("NoValidModels");
  });
});
