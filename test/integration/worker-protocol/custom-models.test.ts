import { beforeEach, describe, expect, it } from "vitest";
import {
  CreateImageRequestDocument,
  type PopImageJobInput,
  PopWithSkippedDocument,
  WorkerDeclaredDocument,
} from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Issue 12: requests may name models outside the reference (custom models), as the AI Horde
 * accepts them; only a worker whose owner has the customizer role serves such a model (§3.3
 * step 3), anyone else's declaration drops it.
 */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

const CUSTOM = "My Custom Mix v3";

async function create(apikey: string, input: Record<string, unknown>) {
  const r = await ctx.t.gql(
    CreateImageRequestDocument,
    { input: { prompt: "a lighthouse", ...input } as never },
    { apikey },
  );
  return r.data!.createImageRequest;
}

async function popAs(apikey: string, input: PopImageJobInput) {
  const r = await ctx.t.gql(PopWithSkippedDocument, { input }, { apikey });
  return r.data!.popImageJob;
}

async function customizer() {
  const owner = await seedUser(ctx.db);
  await ctx.db.query("UPDATE users SET customizer = true WHERE id = $1", [owner.id]);
  return owner;
}

describe("a request naming a custom model", () => {
  it("is accepted, warned that no worker serves it yet, and priced like a model without baseline", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const custom = await create(requester.apiKey, { models: [CUSTOM], dryRun: true });
    const known = await create(requester.apiKey, { models: ["stable_diffusion"], dryRun: true });
    expect(custom.__typename === "CreateImageRequestPayload" && known.__typename === "CreateImageRequestPayload").toBe(
      true,
    );
    if (custom.__typename !== "CreateImageRequestPayload" || known.__typename !== "CreateImageRequestPayload") return;
    expect(custom.kudos).toBe(known.kudos);

    const real = await create(requester.apiKey, { models: [CUSTOM] });
    expect(real.__typename).toBe("CreateImageRequestPayload");
    if (real.__typename !== "CreateImageRequestPayload") return;
    expect(real.warnings.some((w) => w.startsWith("NoAvailableWorker"))).toBe(true);
  });

  it("with a malformed name is refused with InvalidModelName", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    for (const name of ["trailing ", "x".repeat(101), "zero\u200bwidth"]) {
      const r = await create(requester.apiKey, { models: [name] });
      expect(r.__typename === "ValidationError" ? `${r.code}` : r.__typename).toBe("InvalidModelName");
    }
  });
});

describe("a worker declaring a custom model", () => {
  it("drops it unless its owner is a customizer: the request is skipped for `models`", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await create(requester.apiKey, { models: [CUSTOM] });
    const owner = await seedUser(ctx.db);
    const name = `plain-${owner.id}`;
    const p = await popAs(owner.apiKey, { name, models: [CUSTOM, "stable_diffusion"] });
    expect(p.__typename === "PopImageJobPayload" && { jobs: p.jobs, models: p.skipped?.models }).toEqual({
      jobs: [],
      models: 1,
    });
    const [row] = await ctx.db.query<{ models: string[] }>("SELECT models FROM workers WHERE name = $1", [name]);
    expect(row!.models).toEqual(["stable_diffusion"]);
  });

  it("declaring nothing else is refused with NoValidModels unless its owner is a customizer", async () => {
    const owner = await seedUser(ctx.db);
    const p = await popAs(owner.apiKey, { name: `only-custom-${owner.id}`, models: [CUSTOM] });
    expect(p.__typename === "ValidationError" && p.code).toBe("NoValidModels");
  });

  it("serves it for a customizer, and the job settles with the baseline multiplier of 1", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const made = await create(requester.apiKey, { models: [CUSTOM] });
    const owner = await customizer();
    const name = `custom-${owner.id}`;
    const p = await popAs(owner.apiKey, { name, models: [CUSTOM] });
    if (p.__typename !== "PopImageJobPayload") throw new Error(JSON.stringify(p));
    expect(p.jobs.map((j) => j.model)).toEqual([CUSTOM]);
    const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
    const shown = await ctx.t.gql(WorkerDeclaredDocument, { id: w!.id });
    expect(shown.data!.worker!.models).toEqual([CUSTOM]);

    const reward = await submit(ctx.t, owner.apiKey, { id: p.jobs[0]!.id });
    expect(reward.__typename).toBe("SubmitImageJobPayload");
    const [r] = await ctx.db.query<{ job_kudos: string }>("SELECT job_kudos::text FROM requests WHERE id = $1", [
      made.__typename === "CreateImageRequestPayload" ? made.request!.id : "",
    ]);
    // a model outside the reference has no baseline, so no multiplier: the job's base price
    expect(reward.__typename === "SubmitImageJobPayload" && reward.reward).toBeCloseTo(Number(r!.job_kudos), 2);
  });

  it("a customizer's malformed model name is InvalidModelName; losing the role drops the custom models", async () => {
    const owner = await customizer();
    const bad = await popAs(owner.apiKey, { name: `bad-${owner.id}`, models: [" padded"] });
    expect(bad.__typename === "ValidationError" && bad.code).toBe("InvalidModelName");

    const name = `was-custom-${owner.id}`;
    expect((await popAs(owner.apiKey, { name, models: [CUSTOM, "stable_diffusion"] })).__typename).toBe(
      "PopImageJobPayload",
    );
    await ctx.db.query("UPDATE users SET customizer = false WHERE id = $1", [owner.id]);
    expect((await popAs(owner.apiKey, { name, models: [CUSTOM, "stable_diffusion"] })).__typename).toBe(
      "PopImageJobPayload",
    );
    const [row] = await ctx.db.query<{ models: string[] }>("SELECT models FROM workers WHERE name = $1", [name]);
    expect(row!.models).toEqual(["stable_diffusion"]);
  });
});
