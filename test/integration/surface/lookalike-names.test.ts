import { describe, expect, it } from "vitest";
import { invisibleCharacter, nameKey } from "../../../src/lib/names.ts";
import { PopImageJobFieldDocument, RegisterUserFieldDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Look-alike names: usernames and worker names are unique by NFKC + lower case, and invisible or
 * bidi-control characters are refused with a stable code.
 */

const ctx = useTestApp();

const REGISTER = RegisterUserFieldDocument;
const POP = PopImageJobFieldDocument;

const MODEL = "stable_diffusion";

async function register(username: string) {
  const r = await ctx.t.gql(REGISTER, { input: { username } });
  return r.data.registerUser;
}

describe("usernames", () => {
  it("are unique whatever their case or compatibility form", async () => {
    expect((await register("Lookalike")).__typename).toBe("RegisterUserPayload");
    for (const twin of ["lookalike", "LOOKALIKE", "Ｌｏｏｋａｌｉｋｅ", "Lookalike "]) {
      expect(await register(twin), twin).toMatchObject({ code: "UsernameTaken", field: "username" });
    }
  });

  it("refuse zero-width, joiner, soft hyphen, BOM and bidi characters", async () => {
    for (const c of ["\u200b", "\u200c", "\u200d", "\u00ad", "\ufeff", "\u202e", "\u2066", "\u200f", "\u061c"]) {
      expect(await register(`zw${c}name`), JSON.stringify(c)).toMatchObject({
        code: "InvisibleCharacters",
        field: "username",
      });
    }
  });

  it("are stored in NFKC", async () => {
    expect(await register("ｆｕｌｌ")).toMatchObject({ user: { username: "full" } });
  });
});

describe("worker names", () => {
  it("are unique across owners whatever their case or compatibility form", async () => {
    const a = await seedUser(ctx.db);
    const b = await seedUser(ctx.db);
    const first = await ctx.t.gql(POP, { input: { name: "Shared Name", models: [MODEL] } }, { apikey: a.apiKey });
    expect(first.data.popImageJob.__typename).toBe("PopImageJobPayload");
    for (const twin of ["shared name", "SHARED NAME", "Ｓｈａｒｅｄ Ｎａｍｅ"]) {
      const r = await ctx.t.gql(POP, { input: { name: twin, models: [MODEL] } }, { apikey: b.apiKey });
      expect(r.data.popImageJob, twin).toMatchObject({ code: "WrongCredentials" });
    }
    // The owner's own look-alike is the same worker, not a second one.
    const again = await ctx.t.gql(POP, { input: { name: "shared NAME", models: [MODEL] } }, { apikey: a.apiKey });
    expect(again.data.popImageJob.__typename).toBe("PopImageJobPayload");
    const rows = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM workers WHERE user_id = $1", [a.id]);
    expect(rows[0]?.n).toBe(1);
  });

  it("refuse invisible and bidi characters", async () => {
    const a = await seedUser(ctx.db);
    for (const c of ["\u200b", "\u202e", "\u2067", "\ufeff"]) {
      const r = await ctx.t.gql(POP, { input: { name: `w${c}x`, models: [MODEL] } }, { apikey: a.apiKey });
      expect(r.data.popImageJob, JSON.stringify(c)).toMatchObject({ code: "InvisibleCharacters", field: "name" });
    }
  });
});

describe("the key the database keeps", () => {
  it("matches the JS mirror", async () => {
    for (const name of ["Bob", "ＢＯＢ", "Élise", "ﬁsh"]) {
      const rows = await ctx.db.query<{ k: string }>("SELECT lower(normalize($1::text, NFKC)) AS k", [name]);
      expect(rows[0]?.k, name).toBe(nameKey(name));
    }
    expect(invisibleCharacter("a\u200bb")).toBe("U+200B");
    expect(invisibleCharacter("emoji 🐱 ok")).toBeNull();
  });
});
