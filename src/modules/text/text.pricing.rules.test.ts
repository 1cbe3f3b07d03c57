import { describe, expect, it } from "vitest";
import {
  contextMultiplier,
  countTokens,
  freeMaxTokens,
  isValidatedBackend,
  parseModelParameters,
  priceTextRequest,
  settleTextJob,
  slowThreshold,
  textJobCents,
  textJobEstimateCents,
  textSpeedLimit,
  textTooFast,
  textUpfrontCents,
  textUpfrontReason,
} from "./text.pricing.rules.ts";

// Golden values computed from the reference's formulas (§4.2) with Python's round().
const job = (over: Partial<Parameters<typeof textJobCents>[0]> = {}) =>
  textJobCents({
    textChars: 400,
    promptChars: 100,
    maxLength: 80,
    billions: 13,
    ownerTrusted: false,
    validatedBackend: true,
    ...over,
  });

describe("text model sizes", () => {
  it("reads the size tag of a model's name", () => {
    expect(parseModelParameters("koboldcpp/LLaMA2-13B-Tiefighter")).toBe(13e9);
    expect(parseModelParameters("aphrodite/Llama-3-70B-Instruct-AWQ")).toBe(70e9);
    expect(parseModelParameters("Qwen2.5-0.5B-Instruct")).toBe(0.5e9);
    expect(parseModelParameters("facebook/opt-350m")).toBe(350e6);
    expect(parseModelParameters("EleutherAI/gpt-neox-20b")).toBe(20e9);
  });

  it("counts a mixture of experts as experts × size", () => {
    expect(parseModelParameters("Mixtral-8x7B-Instruct-v0.1")).toBe(56e9);
  });

  it("does not take quantisation or version tags for sizes", () => {
    expect(parseModelParameters("some-model-4bit")).toBeNull();
    expect(parseModelParameters("Mistral-v0.1")).toBeNull();
    expect(parseModelParameters("gpt2")).toBeNull();
    expect(parseModelParameters("L3-8B-Stheno-v3.2-bf16")).toBe(8e9);
  });

  it("refuses implausible sizes, so a name cannot claim a huge reward", () => {
    expect(parseModelParameters("scam-99999B")).toBeNull();
    expect(parseModelParameters("zero-0B")).toBeNull();
  });
});

describe("tokens and the context multiplier", () => {
  it("counts ceil(chars / 4) tokens, at least 20 and at most maxLength", () => {
    expect(countTokens(400, 512)).toBe(100);
    expect(countTokens(401, 512)).toBe(101);
    expect(countTokens(10, 512)).toBe(20);
    expect(countTokens(4000, 80)).toBe(80);
    expect(countTokens(0, 16)).toBe(16);
  });

  it("is 1.2 + 2.2^(log2(ctx / 1024)), clamped to [0.1, 30]", () => {
    expect(contextMultiplier(1024)).toBeCloseTo(2.2, 10);
    expect(contextMultiplier(2048)).toBeCloseTo(3.4, 10);
    expect(contextMultiplier(80)).toBeCloseTo(1.255023, 5);
    expect(contextMultiplier(1_048_576)).toBe(30);
  });
});

describe("a finished job's price (§4.2)", () => {
  it("prices a known model by its size: tokens × bonus × B / 125 × ctx", () => {
    expect(job()).toBe(1011);
    expect(job({ billions: 70 })).toBe(7620);
  });

  it("takes 30% on a backend that is not validated", () => {
    expect(job({ billions: 70, validatedBackend: false })).toBe(2286);
  });

  it("counts at least 20 tokens for a short text", () => {
    expect(job({ textChars: 10 })).toBe(253);
  });

  it("pays an unknown model's untrusted owner only the context multiplier, a trusted one as 2.7B", () => {
    expect(job({ billions: null })).toBe(121);
    expect(job({ billions: null, ownerTrusted: true })).toBe(262);
  });

  it("charges the requester the price + 1 and burns the 1; FAULTED moves nothing", () => {
    const facts = {
      textChars: 400,
      promptChars: 100,
      maxLength: 80,
      billions: 13,
      ownerTrusted: false,
      validatedBackend: true,
    };
    expect(settleTextJob("ok", facts)).toEqual({
      price: 10.11,
      charge: 11.11,
      reward: 10.11,
      burned: 1,
      escrow: 0,
      tokens: 80,
    });
    expect(settleTextJob("censored", facts).charge).toBe(11.11);
    expect(settleTextJob("faulted", facts)).toEqual({
      price: 0,
      charge: 0,
      reward: 0,
      burned: 0,
      escrow: 0,
      tokens: 0,
    });
    expect(settleTextJob("ok", facts, (r) => r / 2).escrow).toBe(5.055);
  });
});

describe("estimates and upfront kudos", () => {
  it("estimates a job as maxLength × bonus × B × ctx(maxContextLength) / 100, 13B without a model", () => {
    expect(textJobEstimateCents({ maxLength: 80, maxContextLength: 1024, billions: null })).toBe(2288);
    expect(textJobEstimateCents({ maxLength: 80, maxContextLength: 1024, billions: 70 })).toBe(17252);
    expect(textJobEstimateCents({ maxLength: 200, maxContextLength: 4096, billions: 7 })).toBe(8456);
  });

  it("prices a request as n × (estimate + 1) + the tax of 1", () => {
    expect(priceTextRequest({ n: 3, maxLength: 80, maxContextLength: 1024, billions: null })).toEqual({
      job: 2288,
      tax: 100,
      total: 3 * 2388 + 100,
    });
  });

  it("serves 512 + 5 × threads − 0.9 × queue tokens free, within 256–512", () => {
    expect(freeMaxTokens({ activeThreads: 0, queuedRequests: 0 })).toBe(512);
    expect(freeMaxTokens({ activeThreads: 0, queuedRequests: 100 })).toBe(422);
    expect(freeMaxTokens({ activeThreads: 0, queuedRequests: 1000 })).toBe(256);
    expect(freeMaxTokens({ activeThreads: 50, queuedRequests: 0 })).toBe(512);
  });

  it("asks upfront when slow workers are excluded or maxLength is over the free length", () => {
    expect(textUpfrontReason({ slowWorkers: true, maxLength: 512, maxTokens: 512 })).toBeNull();
    expect(textUpfrontReason({ slowWorkers: false, maxLength: 80, maxTokens: 512 })).toMatch(/slow/);
    expect(textUpfrontReason({ slowWorkers: true, maxLength: 513, maxTokens: 512 })).toMatch(/513/);
  });

  it("requires 20 × n without models, else round(maxLength × largest B / 21, 2) × n", () => {
    expect(textUpfrontCents({ n: 2, maxLength: 80, modelBillions: [] })).toBe(4000);
    expect(textUpfrontCents({ n: 2, maxLength: 80, modelBillions: [13, 70, null] })).toBe(2 * 26667);
    expect(textUpfrontCents({ n: 1, maxLength: 80, modelBillions: [null] })).toBe(4952);
  });
});

describe("workers", () => {
  it("knows the validated backends by the bridge name before the version", () => {
    expect(isValidatedBackend("AI Horde Worker:24:https://github.com/Haidra-Org")).toBe(true);
    expect(isValidatedBackend("TabbyAPI:1:x")).toBe(true);
    expect(isValidatedBackend("my-bridge:1:x")).toBe(false);
    expect(isValidatedBackend("unknown:0:unknown")).toBe(false);
  });

  it("asks 3, 4 or 5 tokens/s of a fast worker by its first model's size", () => {
    expect(slowThreshold(70, true)).toBe(3);
    expect(slowThreshold(20, true)).toBe(3);
    expect(slowThreshold(13, true)).toBe(4);
    expect(slowThreshold(7, true)).toBe(5);
    expect(slowThreshold(null, true)).toBe(5);
    expect(slowThreshold(null, false)).toBe(3);
  });
});

describe("unreasonable speed (§3.8, text)", () => {
  it("allows 150 tokens/s, and less to an untrusted owner's large known model", () => {
    expect(textSpeedLimit({ model: "m-70B", billions: 70, ownerTrusted: true })).toBe(150);
    expect(textSpeedLimit({ model: "unknown", billions: null, ownerTrusted: false })).toBe(150);
    expect(textSpeedLimit({ model: "m-70B", billions: 70, ownerTrusted: false })).toBe(30);
    expect(textSpeedLimit({ model: "m-20B", billions: 20, ownerTrusted: false })).toBe(100);
    expect(textSpeedLimit({ model: "m-8B", billions: 8, ownerTrusted: false })).toBe(150);
    expect(textSpeedLimit({ model: "Mixtral-8x22B", billions: 176, ownerTrusted: false })).toBe(90);
    expect(textTooFast(80, 1, 150)).toBe(false);
    expect(textTooFast(80, 0.5, 150)).toBe(true);
    expect(textTooFast(80, 0, 150)).toBe(false);
  });
});
