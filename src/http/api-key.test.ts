import { describe, expect, it } from "vitest";
import { apiKeyFromHeaders, apiKeyFromObject } from "./api-key.ts";

describe("one API-key reading for HTTP and WebSocket", () => {
  it("trims, prefers apikey, and accepts Authorization: Bearer", () => {
    expect(apiKeyFromHeaders(new Headers({ apikey: "  k1 " }))).toEqual({ ok: true, key: "k1" });
    expect(apiKeyFromObject({ apikey: "  k1 " })).toEqual({ ok: true, key: "k1" });
    expect(apiKeyFromObject({ authorization: "Bearer  k2 " })).toEqual({ ok: true, key: "k2" });
    expect(apiKeyFromObject({ Authorization: "bearer k3" })).toEqual({ ok: true, key: "k3" });
    expect(apiKeyFromObject({})).toEqual({ ok: true, key: null });
    expect(apiKeyFromObject(undefined)).toEqual({ ok: true, key: null });
  });

  it("refuses a key of the wrong type instead of treating it as Anonymous", () => {
    for (const apikey of [1234567890, ["a"], { k: 1 }, true])
      expect(apiKeyFromObject({ apikey })).toEqual({ ok: false });
    expect(apiKeyFromObject({ authorization: 5 })).toEqual({ ok: false });
    expect(apiKeyFromObject("a string")).toEqual({ ok: false });
  });
});
