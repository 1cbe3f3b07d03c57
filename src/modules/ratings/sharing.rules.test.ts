import { describe, expect, it } from "vitest";
import { isShared, sharingWarning } from "./sharing.rules.ts";

describe("isShared", () => {
  it("shares what a registered requester opts into, and nothing else", () => {
    expect(isShared({ requested: true, anonymous: false, hasSourceImage: false })).toBe(true);
    expect(isShared({ requested: false, anonymous: false, hasSourceImage: false })).toBe(false);
  });

  it("always shares Anonymous's requests, asked or not", () => {
    expect(isShared({ requested: false, anonymous: true, hasSourceImage: false })).toBe(true);
  });

  it("never shares a request built on a source image, whoever asks", () => {
    for (const anonymous of [true, false]) {
      expect(isShared({ requested: true, anonymous, hasSourceImage: true })).toBe(false);
    }
  });

  it("warns only when sharing was asked for and refused", () => {
    expect(sharingWarning({ requested: true, anonymous: false, hasSourceImage: true })).toMatch(/^SharingRefused/);
    expect(sharingWarning({ requested: false, anonymous: false, hasSourceImage: true })).toBeNull();
    expect(sharingWarning({ requested: true, anonymous: false, hasSourceImage: false })).toBeNull();
  });
});
