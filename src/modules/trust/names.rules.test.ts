import { describe, expect, it } from "vitest";
import { isProfane, truncateName } from "../../lib/names.ts";
import { usernameSuspicions, workerNameSuspicions } from "./names.rules.ts";

describe("workerNameSuspicions", () => {
  it("raises nothing up to 100 characters, WORKER_NAME_LONG above, and WORKER_NAME_EXTREME above 200", () => {
    expect(workerNameSuspicions("w".repeat(100))).toEqual([]);
    expect(workerNameSuspicions("w".repeat(101))).toEqual(["WORKER_NAME_LONG"]);
    expect(workerNameSuspicions("w".repeat(200))).toEqual(["WORKER_NAME_LONG"]);
    expect(workerNameSuspicions("w".repeat(201))).toEqual(["WORKER_NAME_LONG", "WORKER_NAME_EXTREME"]);
  });
  it("counts code points, not UTF-16 units, and ignores surrounding blanks", () => {
    expect(workerNameSuspicions("😀".repeat(100))).toEqual([]);
    expect(workerNameSuspicions(`  ${"w".repeat(100)}  `)).toEqual([]);
  });
});

describe("usernameSuspicions", () => {
  it("raises USERNAME_LONG above 30 characters", () => {
    expect(usernameSuspicions("u".repeat(30))).toEqual([]);
    expect(usernameSuspicions("u".repeat(31))).toEqual(["USERNAME_LONG"]);
  });
});

describe("truncateName", () => {
  it("keeps the first code points, never half a surrogate pair", () => {
    expect(truncateName("abc", 5)).toBe("abc");
    expect(truncateName("abcdef", 3)).toBe("abc");
    expect(truncateName("😀😀😀", 2)).toBe("😀😀");
  });
});

describe("isProfane", () => {
  it("finds a listed word in any case, also in compatibility forms", () => {
    expect(isProfane("my SHIT worker")).toBe(true);
    expect(isProfane("ｆｕｃｋ")).toBe(true);
    expect(isProfane("a decent worker")).toBe(false);
  });
});
