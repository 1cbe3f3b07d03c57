import { describe, expect, it } from "vitest";
import { admitTextRequest, type TextAdmissionContext } from "./text.admit.rules.ts";

const ctx = (over: Partial<TextAdmissionContext> = {}): TextAdmissionContext => ({
  knownWorkers: new Set(),
  sizes: new Map([["big-70B", 70e9]]),
  capacity: { activeThreads: 0, queuedRequests: 0 },
  balance: 0,
  ...over,
});

describe("text admission", () => {
  it("prices by the first requested model's size, 13B when its size is unknown", () => {
    const known = admitTextRequest({ prompt: "x", models: ["big-70B", "other"] }, ctx());
    expect(known.ok && known.price).toEqual({ job: 17252, tax: 100, total: 17252 + 100 + 100 });
    const unknown = admitTextRequest({ prompt: "x", models: ["other", "big-70B"] }, ctx());
    expect(unknown.ok && unknown.price.job).toBe(2288);
  });

  it("needs no kudos upfront for an ordinary request", () => {
    const r = admitTextRequest({ prompt: "x" }, ctx());
    expect(r.ok && r.upfront).toBeNull();
  });

  it("asks upfront for a request longer than the free length, the amount by the largest known model", () => {
    const r = admitTextRequest(
      { prompt: "x", params: { maxLength: 600, maxContextLength: 2048 }, models: ["big-70B"] },
      ctx(),
    );
    expect(r.ok && r.upfront).toEqual({ reason: expect.stringMatching(/600/), cents: 200000 });
  });

  it("shortens to the free length and allows slow workers with allowDowngrade, when the balance cannot hold it", () => {
    const busy = { activeThreads: 0, queuedRequests: 200 }; // free length 512 − 180 = 332
    const r = admitTextRequest(
      { prompt: "x", params: { maxLength: 600, maxContextLength: 2048 }, slowWorkers: false, allowDowngrade: true },
      ctx({ capacity: busy, balance: 1 }),
    );
    expect(r.ok && r.request).toMatchObject({ slowWorkers: true, params: { maxLength: 332 } });
    expect(r.ok && r.upfront).toBeNull();
    expect(r.ok && r.warnings[0]).toMatch(/^Downgraded: /);
    const rich = admitTextRequest(
      { prompt: "x", params: { maxLength: 600, maxContextLength: 2048 }, allowDowngrade: true },
      ctx({ balance: 1000 }),
    );
    expect(rich.ok && rich.request.params.maxLength).toBe(600);
  });

  it("refuses Anonymous a request that needs kudos upfront, but prices its dry run", () => {
    const r = admitTextRequest({ prompt: "x", slowWorkers: false }, ctx({ balance: null }));
    expect(r).toMatchObject({ ok: false, kind: "kudos", code: "KudosUpfront" });
    expect(admitTextRequest({ prompt: "x", slowWorkers: false, dryRun: true }, ctx({ balance: null })).ok).toBe(true);
  });

  it("passes validation refusals through with their field", () => {
    expect(admitTextRequest({ prompt: "" }, ctx())).toMatchObject({ ok: false, kind: "validation", field: "prompt" });
  });
});
