import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { useTestApp } from "../../support/app.ts";
import { expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { everyRowAsText, retain } from "../../support/ratings.ts";
import { seedUser } from "../../support/seed.ts";
import { createText, popTextJobs, submitText, textStatus } from "../../support/text.ts";

/** A text request's prompt and texts are gone RETENTION_SECONDS after it ended, as an image request's. */

const RETENTION = 120;
const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
const ctx = useTestApp({ clock, env: { RETENTION_SECONDS: String(RETENTION) } });

describe("retention of a text request", () => {
  it("blanks its prompt, parameters and generated texts after the window; the ledger stays", async () => {
    const requester = await fundedUser(ctx.db, 100);
    const id = await createText(ctx.t, requester.apiKey, {
      prompt: "a secret prompt qx81",
      params: { stopSequence: ["zz93"] },
    });
    const owner = await seedUser(ctx.db);
    const [job] = await popTextJobs(ctx.t, owner.apiKey, { name: `ret-${owner.id}`, models: ["m-13B"] });
    await submitText(ctx.t, owner.apiKey, { id: job!.id, text: "the secret answer kw55" });
    expect((await textStatus(ctx.t, id)).generations[0]!.text).toBe("the secret answer kw55");
    const ledger = await ctx.db.query("SELECT * FROM kudos_ledger ORDER BY id");
    await retain(ctx.t);
    clock.advance((RETENTION + 1) * 1000);
    expect((await retain(ctx.t)).purged).toBe(1);
    expect((await ctx.t.gql("query($id: ID!) { textRequest(id: $id) { id } }", { id })).data.textRequest).toBeNull();
    const everything = await everyRowAsText(ctx.db);
    for (const secret of ["qx81", "zz93", "kw55"]) expect(everything).not.toContain(secret);
    expect(await ctx.db.query("SELECT * FROM kudos_ledger ORDER BY id")).toEqual(ledger);
    await expectLedgerBalanced(ctx.db);
  });
});
