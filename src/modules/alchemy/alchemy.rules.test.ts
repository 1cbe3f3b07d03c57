import { describe, expect, it } from "vitest";
import {
  ALCHEMY_FORMS,
  aggregateState,
  checkDeclaration,
  checkForms,
  type EligibilityFacts,
  formCharge,
  formKind,
  formReward,
  formStateOf,
  imageTiles,
  isSlowAlchemist,
  mayTakeForm,
  requestPrice,
  withinConcurrency,
} from "./alchemy.rules.ts";

describe("forms", () => {
  it("lists the reference's data forms and every post-processor", () => {
    for (const f of ["caption", "interrogation", "nsfw", "vectorize", "palette", "describe", "aesthetic"]) {
      expect(ALCHEMY_FORMS).toContain(f);
      expect(formKind(f)).toBe("data");
    }
    for (const f of ["GFPGAN", "RealESRGAN_x4plus", "CodeFormers", "strip_background", "4x_AnimeSharp"]) {
      expect(ALCHEMY_FORMS).toContain(f);
      expect(formKind(f)).toBe("image");
    }
  });

  it("drops a repeated form name and keeps its first payload", () => {
    const r = checkForms([
      { name: "caption", payload: { a: 1 } },
      { name: "nsfw" },
      { name: "caption", payload: { a: 2 } },
    ]);
    expect(r).toEqual({
      ok: true,
      value: [
        { name: "caption", payload: { a: 1 } },
        { name: "nsfw", payload: {} },
      ],
    });
  });

  it("refuses an unknown form name with UnknownForm naming the field", () => {
    const r = checkForms([{ name: "caption" }, { name: "Caption" }]);
    expect(r).toMatchObject({ ok: false, code: "UnknownForm", field: "forms.1.name" });
  });

  it("refuses an empty list, a list that is too long, and a payload that is not an object or too big", () => {
    expect(checkForms([])).toMatchObject({ ok: false, code: "MissingForms" });
    expect(checkForms(Array.from({ length: 51 }, () => ({ name: "nsfw" })))).toMatchObject({
      ok: false,
      code: "TooManyForms",
    });
    expect(checkForms([{ name: "nsfw", payload: [1] }])).toMatchObject({ ok: false, code: "InvalidFormPayload" });
    expect(checkForms([{ name: "nsfw", payload: "x" }])).toMatchObject({ ok: false, code: "InvalidFormPayload" });
    expect(checkForms([{ name: "nsfw", payload: { x: "é".repeat(2100) } }])).toMatchObject({
      ok: false,
      code: "InvalidFormPayload",
      field: "forms.0.payload",
    });
  });
});

describe("tiles", () => {
  it("counts 512×512 tiles, rounding each side up", () => {
    expect(imageTiles(512, 512)).toBe(1);
    expect(imageTiles(513, 512)).toBe(2);
    expect(imageTiles(1, 1)).toBe(1);
    expect(imageTiles(1024, 1536)).toBe(6);
    expect(imageTiles(8160, 8160)).toBe(256);
  });
});

describe("prices (§4.4)", () => {
  it("pays the worker 1 for data forms, 3 for interrogation, 3 per tile for post-processors", () => {
    expect(formReward("caption", 9)).toBe(100);
    expect(formReward("nsfw", 9)).toBe(100);
    expect(formReward("interrogation", 9)).toBe(300);
    expect(formReward("RealESRGAN_x4plus", 4)).toBe(1200);
  });

  it("charges the requester the reward +1, or +2 when slow workers are accepted", () => {
    expect(formCharge("caption", 1, false)).toBe(200);
    expect(formCharge("caption", 1, true)).toBe(300);
    expect(formCharge("interrogation", 1, false)).toBe(400);
    expect(formCharge("interrogation", 1, true)).toBe(500);
    expect(formCharge("GFPGAN", 2, true)).toBe(800);
    expect(requestPrice([{ name: "caption" }, { name: "GFPGAN" }], 2, false)).toBe(200 + 700);
  });

  it("limits a requester to concurrency × 10 open forms", () => {
    expect(withinConcurrency(295, 5, 30)).toBe(true);
    expect(withinConcurrency(296, 5, 30)).toBe(false);
  });
});

describe("worker declaration", () => {
  it("keeps known forms once, defaults maxTiles to 80", () => {
    expect(checkDeclaration({ name: "alchemist", forms: ["caption", "caption", "future_form", "GFPGAN"] })).toEqual({
      ok: true,
      value: {
        kind: "alchemy",
        name: "alchemist",
        models: ["caption", "GFPGAN"],
        maxTiles: 80,
        nsfw: false,
        amount: 1,
        threads: 1,
        bridgeAgent: "unknown:0:unknown",
        maxConcurrentJobs: 1,
      },
    });
  });

  it("refuses a bad name, no known form, and numbers out of range", () => {
    const d = (o: object) => checkDeclaration({ name: "alchemist", forms: ["nsfw"], ...o });
    expect(d({ name: "" })).toMatchObject({ ok: false, code: "InvalidWorkerName", field: "name" });
    expect(d({ name: "my colab box" })).toMatchObject({ ok: false, code: "InvalidWorkerName" });
    expect(d({ forms: ["nope"] })).toMatchObject({ ok: false, code: "NoValidForms" });
    expect(d({ forms: [] })).toMatchObject({ ok: false, code: "NoValidForms" });
    expect(d({ maxTiles: 0 })).toMatchObject({ ok: false, code: "InvalidMaxTiles" });
    expect(d({ maxTiles: 256 })).toMatchObject({ ok: false, code: "InvalidMaxTiles" });
    expect(d({ amount: 21 })).toMatchObject({ ok: false, code: "InvalidAmount" });
    expect(d({ threads: 0 })).toMatchObject({ ok: false, code: "InvalidThreads" });
    expect(d({ maxConcurrentJobs: 21 })).toMatchObject({ ok: false, code: "InvalidMaxConcurrentJobs" });
    expect(d({ priorityUsernames: ["db0"] })).toMatchObject({ ok: false, code: "InvalidPriorityUsername" });
    expect(d({ priorityUsernames: ["db0#1"] })).toMatchObject({ ok: true });
  });
});

describe("eligibility (§3.3 interrogation pop)", () => {
  const base: EligibilityFacts = {
    form: "caption",
    imageTiles: 4,
    trustedWorkers: false,
    slowWorkers: true,
    workerForms: ["caption"],
    workerMaxTiles: 16,
    ownerTrusted: false,
    secondsPerForm: 2,
    paused: false,
    maintenance: false,
    ownRequest: false,
  };

  it("serves a form the worker lists within its tiles", () => {
    expect(mayTakeForm(base)).toBe(true);
  });

  it("refuses another form, too many tiles, an untrusted owner for trustedWorkers", () => {
    expect(mayTakeForm({ ...base, form: "nsfw" })).toBe(false);
    expect(mayTakeForm({ ...base, imageTiles: 17 })).toBe(false);
    expect(mayTakeForm({ ...base, trustedWorkers: true })).toBe(false);
    expect(mayTakeForm({ ...base, trustedWorkers: true, ownerTrusted: true })).toBe(true);
  });

  it("gives a slow worker (≥ 10 s per form) only requests that accept slow workers", () => {
    expect(isSlowAlchemist(10)).toBe(true);
    expect(isSlowAlchemist(9.99)).toBe(false);
    expect(mayTakeForm({ ...base, secondsPerForm: 10, slowWorkers: false })).toBe(false);
    expect(mayTakeForm({ ...base, secondsPerForm: 10, slowWorkers: true })).toBe(true);
    expect(mayTakeForm({ ...base, secondsPerForm: 9, slowWorkers: false })).toBe(true);
  });

  it("serves only its owner's requests in maintenance, and nothing while paused", () => {
    expect(mayTakeForm({ ...base, maintenance: true })).toBe(false);
    expect(mayTakeForm({ ...base, maintenance: true, ownRequest: true })).toBe(true);
    expect(mayTakeForm({ ...base, paused: true, ownRequest: true })).toBe(false);
  });
});

describe("form timeouts and state", () => {
  it("maps job states to form states", () => {
    expect(formStateOf("waiting")).toBe("WAITING");
    expect(formStateOf("processing")).toBe("PROCESSING");
    expect(formStateOf("ok")).toBe("DONE");
    expect(formStateOf("cancelled")).toBe("CANCELLED");
    expect(formStateOf("faulted")).toBe("FAULTED");
  });

  it("aggregates forms into waiting, processing, partial, done or faulted", () => {
    expect(aggregateState(["WAITING", "WAITING"])).toBe("waiting");
    expect(aggregateState(["WAITING", "PROCESSING"])).toBe("processing");
    expect(aggregateState(["DONE", "PROCESSING"])).toBe("partial");
    expect(aggregateState(["DONE", "FAULTED"])).toBe("done");
    expect(aggregateState(["CANCELLED", "DONE"])).toBe("done");
    expect(aggregateState(["FAULTED", "FAULTED"])).toBe("faulted");
  });
});
