import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";
import { createText, popTextJobs, submitText } from "../../support/text.ts";

/** A text worker that delivers tokens faster than its model can is suspected (§3.8, text). */

const clock = new ManualClock();
// the suspicion checks are on here (the test app turns them off by default)
const ctx = useTestApp({ clock, env: { SUSPICION_MAX_MPS: "20" } });

async function suspicions(name: string) {
  return ctx.db.query<{ reason: string }>(
    "SELECT s.reason FROM worker_suspicions s JOIN workers w ON w.id = s.worker_id WHERE w.name = $1",
    [name],
  );
}

describe("unreasonably fast text workers", () => {
  it("suspects 80 tokens of an untrusted owner's 70B model in 2 s (over 30/s), not in 3 s", async () => {
    const owner = await seedUser(ctx.db);
    const input = { name: `fast-${owner.id}`, models: ["huge-70B"], threads: 2 };
    await createText(ctx.t, undefined, { params: { n: 2 } });
    const [a, b] = await popTextJobs(ctx.t, owner.apiKey, { ...input, amount: 2 });
    clock.advance(2_000);
    await submitText(ctx.t, owner.apiKey, { id: a!.id });
    expect(await suspicions(input.name)).toEqual([{ reason: "UNREASONABLY_FAST" }]);
    clock.advance(1_000);
    await submitText(ctx.t, owner.apiKey, { id: b!.id });
    expect(await suspicions(input.name)).toHaveLength(1);
  });

  it("lets a trusted owner's worker run up to 150 tokens/s", async () => {
    const owner = await seedUser(ctx.db, { trusted: true });
    const name = `trusted-${owner.id}`;
    await createText(ctx.t, undefined, {});
    const [job] = await popTextJobs(ctx.t, owner.apiKey, { name, models: ["huge-70B"] });
    clock.advance(1_000);
    await submitText(ctx.t, owner.apiKey, { id: job!.id });
    expect(await suspicions(name)).toEqual([]);
  });
});
