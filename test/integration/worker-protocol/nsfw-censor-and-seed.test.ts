import { beforeEach, describe, expect, it } from "vitest";
import { type PopImageJobInput, PopImageJobProtocolDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { createRequest, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

/** Creates one request and pops its job with an NSFW-capable worker; returns what the worker sees. */
async function popOne(request: Record<string, unknown>) {
  const requester = await seedUser(ctx.db, { kudos: 100 });
  const owner = await seedUser(ctx.db);
  await createRequest(ctx.t, requester.apiKey, { prompt: "a lighthouse", ...request });
  const input: PopImageJobInput = { name: `w-${owner.id}`, models: ["stable_diffusion"], nsfw: true };
  const r = await ctx.t.gql(PopImageJobProtocolDocument, { input }, { apikey: owner.apiKey });
  const p = r.data?.popImageJob;
  if (p?.__typename !== "PopImageJobPayload" || p.jobs.length !== 1) throw new Error(JSON.stringify(r));
  return { job: p.jobs[0]!, owner };
}

describe("ImageJob.useNsfwCensor (the AI Horde's use_nsfw_censor)", () => {
  it("is true for a request that is not NSFW, by default and when it says so", async () => {
    expect((await popOne({})).job.useNsfwCensor).toBe(true);
    expect((await popOne({ nsfw: false })).job.useNsfwCensor).toBe(true);
    expect((await popOne({ nsfw: false, censorNsfw: false })).job.useNsfwCensor).toBe(true);
  });

  it("is false for an NSFW request, unless it asks for censoring", async () => {
    expect((await popOne({ nsfw: true })).job.useNsfwCensor).toBe(false);
    expect((await popOne({ nsfw: true, censorNsfw: false })).job.useNsfwCensor).toBe(false);
    expect((await popOne({ nsfw: true, censorNsfw: true })).job.useNsfwCensor).toBe(true);
  });

  it("is read from what the claim returned: a request stored before the flag is censored", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "old", nsfw: true });
    await ctx.db.query("UPDATE requests SET params = params - 'useNsfwCensor' WHERE id = $1", [id]);
    const input: PopImageJobInput = { name: `w-${owner.id}`, models: ["stable_diffusion"], nsfw: true };
    const r = await ctx.t.gql(PopImageJobProtocolDocument, { input }, { apikey: owner.apiKey });
    const p = r.data?.popImageJob;
    expect(p?.__typename === "PopImageJobPayload" && p.jobs.map((j) => j.useNsfwCensor)).toEqual([true]);
  });
});

describe("a request seed that is not a number (the AI Horde's seed_to_int)", () => {
  it("reaches the worker as an integer, and echoing it back on submit is accepted", async () => {
    const { job, owner } = await popOne({ params: { seed: "the little seed that could" } });
    expect(job.params.seed).toMatch(/^\d+$/);
    expect(BigInt(job.params.seed) < 1n << 32n).toBe(true);
    const r = await submit(ctx.t, owner.apiKey, { id: job.id, seed: job.params.seed });
    expect(r.__typename).toBe("SubmitImageJobPayload");
  });

  it("is deterministic: the same text gives the same integer, little-endian bytes reduced to 32 bits", async () => {
    // "abc" = bytes 61 62 63 read little-endian; "abcde" is 5 bytes, so >> 32 leaves 0x65.
    expect((await popOne({ params: { seed: "abc" } })).job.params.seed).toBe(String(0x636261));
    expect((await popOne({ params: { seed: "abcde" } })).job.params.seed).toBe(String(0x65));
  });

  it("keeps a numeric seed as it is, and reduces one of 2^32 or more", async () => {
    expect((await popOne({ params: { seed: "31337" } })).job.params.seed).toBe("31337");
    expect((await popOne({ params: { seed: "4294967296" } })).job.params.seed).toBe("1");
  });

  it("an empty seed means random: the worker still gets an integer", async () => {
    expect((await popOne({ params: { seed: "" } })).job.params.seed).toMatch(/^\d+$/);
  });
});
