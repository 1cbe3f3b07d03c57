import { describe, expect, it } from "vitest";
import { type CreateTextRequestInput, validateTextRequest } from "./text.rules.ts";
import { checkTextDeclaration, checkTextSubmit } from "./text.worker.rules.ts";

const W1 = "0b6f1c2e-0000-4000-8000-000000000001";
const W2 = "0b6f1c2e-0000-4000-8000-000000000002";

function check(input: Partial<CreateTextRequestInput>, known: string[] = [W1, W2]) {
  return validateTextRequest({ prompt: "Once upon a time", ...input }, new Set(known));
}

function code(input: Partial<CreateTextRequestInput>) {
  const r = check(input);
  return r.ok ? "ok" : `${r.code} ${r.field}`;
}

describe("createTextRequest validation", () => {
  it("applies the defaults: maxLength 80, maxContextLength 1024, n 1, slow workers allowed", () => {
    const r = check({});
    expect(r.ok && r.value).toMatchObject({
      params: { n: 1, maxLength: 80, maxContextLength: 1024 },
      models: [],
      softprompt: "",
      nsfw: false,
      trustedWorkers: false,
      slowWorkers: true,
      validatedBackends: false,
      workers: [],
      dryRun: false,
    });
  });

  it("passes only the sampling knobs the client set", () => {
    const r = check({ params: { temperature: 0.7, topK: 40, stopSequence: ["\n"], singleline: true } });
    expect(r.ok && r.value.params).toEqual({
      n: 1,
      maxLength: 80,
      maxContextLength: 1024,
      temperature: 0.7,
      topK: 40,
      stopSequence: ["\n"],
      singleline: true,
    });
  });

  it("refuses an empty prompt", () => {
    expect(code({ prompt: "  " })).toBe("MissingPrompt prompt");
  });

  it("refuses n outside 1–20", () => {
    expect(code({ params: { n: 0 } })).toBe("InvalidAmount params.n");
    expect(code({ params: { n: 21 } })).toBe("InvalidAmount params.n");
    expect(code({ params: { n: 20 } })).toBe("ok");
  });

  it("bounds maxLength to 16–4096 and maxContextLength to 80–1048576", () => {
    expect(code({ params: { maxLength: 15 } })).toBe("InvalidMaxLength params.maxLength");
    expect(code({ params: { maxLength: 4097, maxContextLength: 8192 } })).toBe("InvalidMaxLength params.maxLength");
    expect(code({ params: { maxContextLength: 79, maxLength: 16 } })).toBe(
      "InvalidMaxContextLength params.maxContextLength",
    );
    expect(code({ params: { maxContextLength: 1_048_577 } })).toBe("InvalidMaxContextLength params.maxContextLength");
    expect(code({ params: { maxLength: 4096, maxContextLength: 1_048_576 } })).toBe("ok");
  });

  it("refuses more tokens than the context holds (TokenOverflow)", () => {
    expect(code({ params: { maxLength: 512, maxContextLength: 256 } })).toBe("TokenOverflow params.maxLength");
    expect(code({ params: { maxLength: 256, maxContextLength: 256 } })).toBe("ok");
  });

  it("bounds every sampling knob, whole numbers where the knob counts", () => {
    expect(code({ params: { temperature: 5.01 } })).toBe("InvalidSamplingParameter params.temperature");
    expect(code({ params: { temperature: -0.1 } })).toBe("InvalidSamplingParameter params.temperature");
    expect(code({ params: { repPen: 0.9 } })).toBe("InvalidSamplingParameter params.repPen");
    expect(code({ params: { topK: 201 } })).toBe("InvalidSamplingParameter params.topK");
    expect(code({ params: { topP: 0 } })).toBe("InvalidSamplingParameter params.topP");
    expect(code({ params: { repPenRange: 10.5 } })).toBe("InvalidSamplingParameter params.repPenRange");
    expect(code({ params: { tfs: 1e308 } })).toBe("InvalidSamplingParameter params.tfs");
    expect(code({ params: { typical: Number.NaN } })).toBe("InvalidSamplingParameter params.typical");
    expect(code({ params: { repPen: 3, temperature: 0, topK: 200, topP: 1, repPenRange: 4096 } })).toBe("ok");
  });

  it("wants a custom sampler order to list all 7 samplers once", () => {
    expect(code({ params: { samplerOrder: [6, 0, 1, 3, 4, 2, 5] } })).toBe("ok");
    expect(code({ params: { samplerOrder: [0, 1, 2, 3, 4, 5] } })).toBe("NotEnoughSamplers params.samplerOrder");
    expect(code({ params: { samplerOrder: [0, 1, 2, 3, 4, 5, 5] } })).toBe("NotEnoughSamplers params.samplerOrder");
    expect(code({ params: { samplerOrder: [0, 1, 2, 3, 4, 5, 7] } })).toBe("NotEnoughSamplers params.samplerOrder");
  });

  it("takes at most 128 stop sequences totalling at most 2000 characters", () => {
    expect(code({ params: { stopSequence: Array(128).fill("x") } })).toBe("ok");
    expect(code({ params: { stopSequence: Array(129).fill("x") } })).toBe("TooManyStopSequences params.stopSequence");
    expect(code({ params: { stopSequence: ["a".repeat(1000), "b".repeat(1000)] } })).toBe("ok");
    expect(code({ params: { stopSequence: ["a".repeat(1000), "b".repeat(1001)] } })).toBe(
      "ExcessiveStopSequence params.stopSequence",
    );
  });

  it("checks models: at most 20, named, no duplicates; any name may be asked for", () => {
    expect(code({ models: ["koboldcpp/anything-7B"] })).toBe("ok");
    expect(code({ models: Array.from({ length: 21 }, (_, i) => `m${i}`) })).toBe("TooManyModels models");
    expect(code({ models: [""] })).toBe("InvalidModelName models");
    expect(code({ models: ["a", "a"] })).toBe("DuplicateModel models");
  });

  it("checks the worker list: at most 5 existing text workers, once each", () => {
    expect(check({ workers: [W1.toUpperCase()] }).ok && check({ workers: [W1.toUpperCase()] })).toMatchObject({
      value: { workers: [W1] },
    });
    expect(code({ workers: [W1, W1] })).toBe("DuplicateWorker workers");
    expect(code({ workers: ["0b6f1c2e-0000-4000-8000-000000000009"] })).toBe("WorkerNotFound workers");
    expect(code({ workers: ["not-a-uuid"] })).toBe("WorkerNotFound workers");
    expect(code({ workers: Array(6).fill(W1) })).toBe("TooManyWorkers workers");
  });

  it("bounds the softprompt name", () => {
    expect(code({ softprompt: "x".repeat(257) })).toBe("InvalidSoftprompt softprompt");
    expect(check({ softprompt: " mine " }).ok && check({ softprompt: " mine " })).toMatchObject({
      value: { softprompt: "mine" },
    });
  });
});

describe("text worker declaration", () => {
  const decl = (over: Record<string, unknown> = {}) =>
    checkTextDeclaration({ name: "kobold-1", models: ["m-13B"], ...over });

  it("applies the pop defaults: maxLength 512, maxContextLength 2048", () => {
    const r = decl();
    expect(r.ok && r.value).toEqual({
      kind: "text",
      name: "kobold-1",
      models: ["m-13B"],
      softprompts: [],
      nsfw: false,
      bridgeAgent: "unknown:0:unknown",
      maxLength: 512,
      maxContextLength: 2048,
      threads: 1,
      amount: 1,
      maxConcurrentJobs: 1,
    });
  });

  it("refuses bad declarations with stable codes", () => {
    const c = (over: Record<string, unknown>) => {
      const r = decl(over);
      return r.ok ? "ok" : r.code;
    };
    expect(c({ models: [] })).toBe("NoValidModels");
    expect(c({ models: Array.from({ length: 201 }, (_, i) => `m${i}`) })).toBe("TooManyModels");
    expect(c({ models: [" "] })).toBe("InvalidModelName");
    expect(c({ maxLength: 15 })).toBe("InvalidMaxLength");
    expect(c({ maxContextLength: 79 })).toBe("InvalidMaxContextLength");
    expect(c({ softprompts: Array.from({ length: 101 }, (_, i) => `s${i}`) })).toBe("TooManySoftprompts");
    expect(c({ threads: 0 })).toBe("InvalidThreads");
    expect(c({ amount: 21 })).toBe("InvalidAmount");
    expect(c({ maxConcurrentJobs: 21 })).toBe("InvalidMaxConcurrentJobs");
    expect(c({ name: "" })).toBe("InvalidWorkerName");
    expect(c({ name: "my colab box" })).toBe("InvalidWorkerName");
  });
});

describe("text submits", () => {
  const c = (input: Parameters<typeof checkTextSubmit>[0]) => {
    const r = checkTextSubmit(input);
    return r.ok ? r.value : `${r.code} ${r.field}`;
  };

  it("wants a text unless FAULTED; an empty text is a text", () => {
    expect(c({ id: "x" })).toBe("MissingText text");
    expect(c({ id: "x", state: "faulted" })).toEqual({ state: "faulted", text: "", seed: "0", genMetadata: null });
    expect(c({ id: "x", text: "" })).toMatchObject({ state: "ok", text: "" });
  });

  it("bounds the text and checks the seed and metadata", () => {
    expect(c({ id: "x", text: "a".repeat(262_145) })).toBe("TextTooLong text");
    expect(c({ id: "x", text: "a", seed: "abc" })).toBe("InvalidSeed seed");
    expect(c({ id: "x", text: "a", seed: "42" })).toMatchObject({ seed: "42" });
    expect(c({ id: "x", text: "a", genMetadata: Array(21).fill({ type: "information", value: "see_ref" }) })).toBe(
      "TooManyGenMetadata genMetadata",
    );
  });

  it("turns a censorship entry into CENSORED, and a csam one into CSAM", () => {
    expect(c({ id: "x", text: "", genMetadata: [{ type: "censorship", value: "nsfw" }] })).toMatchObject({
      state: "censored",
    });
    expect(c({ id: "x", text: "", genMetadata: [{ type: "censorship", value: "csam" }] })).toMatchObject({
      state: "csam",
    });
  });
});
