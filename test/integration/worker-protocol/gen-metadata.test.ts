import { beforeEach, describe, expect, it } from "vitest";
import {
  GenerationMetadataDocument,
  type SubmitImageJobInput,
  SubmitImageJobProtocolDocument,
} from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { createRequest, PNG_B64, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

/** A request of one image, popped: its id, the job and the worker owner's key. */
async function popped() {
  const requester = await seedUser(ctx.db, { kudos: 100 });
  const owner = await seedUser(ctx.db);
  const requestId = await createRequest(ctx.t, requester.apiKey, { prompt: "a lighthouse" });
  const r = await pop(ctx.t, owner.apiKey, { name: `w-${owner.id}`, models: ["stable_diffusion"] });
  return { requestId, jobId: r.jobs[0]!.id, apikey: owner.apiKey, requester };
}

async function submitWith(apikey: string, jobId: string, extra: Partial<SubmitImageJobInput>) {
  const input: SubmitImageJobInput = { id: jobId, seed: "1", image: PNG_B64, ...extra };
  const r = await ctx.t.gql(SubmitImageJobProtocolDocument, { input }, { apikey });
  if (r.errors) return { __typename: "GraphQLError", code: r.errors[0]!.message };
  return r.data.submitImageJob as { __typename: string; code?: string };
}

async function generations(requestId: string) {
  const r = await ctx.t.gql(GenerationMetadataDocument, { id: requestId });
  return r.data?.imageRequest?.generations ?? [];
}

const jobState = async (id: string) =>
  (await ctx.db.query<{ state: string }>("SELECT state FROM jobs WHERE id = $1", [id]))[0]!.state;

describe("submitImageJob genMetadata (the AI Horde's gen_metadata)", () => {
  it("is stored on the job and shown on Generation, with or without a ref", async () => {
    const p = await popped();
    const r = await submitWith(p.apikey, p.jobId, {
      genMetadata: [
        { type: "LORA", value: "DOWNLOAD_FAILED", ref: "247778" },
        { type: "BATCH_INDEX", value: "SEE_REF", ref: "0" },
        { type: "SOURCE_IMAGE", value: "PARSE_FAILED" },
      ],
    });
    expect(r.__typename).toBe("SubmitImageJobPayload");
    expect(await generations(p.requestId)).toEqual([
      {
        id: p.jobId,
        state: "OK",
        censored: false,
        genMetadata: [
          { type: "LORA", value: "DOWNLOAD_FAILED", ref: "247778" },
          { type: "BATCH_INDEX", value: "SEE_REF", ref: "0" },
          { type: "SOURCE_IMAGE", value: "PARSE_FAILED", ref: null },
        ],
      },
    ]);
  });

  it("is empty on a generation submitted without any", async () => {
    const p = await popped();
    expect((await submitWith(p.apikey, p.jobId, {})).__typename).toBe("SubmitImageJobPayload");
    expect((await generations(p.requestId)).map((g) => g.genMetadata)).toEqual([[]]);
  });

  it("a censorship entry marks the job censored (csam: CSAM), and the kudos move as for OK", async () => {
    const a = await popped();
    await submitWith(a.apikey, a.jobId, {});
    const b = await popped();
    await submitWith(b.apikey, b.jobId, { genMetadata: [{ type: "CENSORSHIP", value: "NSFW" }] });
    const c = await popped();
    await submitWith(c.apikey, c.jobId, { genMetadata: [{ type: "CENSORSHIP", value: "CSAM" }] });
    expect((await generations(b.requestId)).map((g) => [g.state, g.censored])).toEqual([["CENSORED", true]]);
    expect((await generations(c.requestId)).map((g) => [g.state, g.censored])).toEqual([["CSAM", true]]);
    const moved = async (jobId: string) =>
      (
        await ctx.db.query<{ kind: string; amount: string }>(
          "SELECT kind, amount::text FROM kudos_ledger WHERE job_id = $1 ORDER BY id",
          [jobId],
        )
      ).map((l) => [l.kind, l.amount]);
    expect(await moved(b.jobId)).toEqual(await moved(a.jobId));
    expect(await moved(c.jobId)).toEqual(await moved(a.jobId));
  });

  it("refuses more than 20 entries, and nothing is settled", async () => {
    const p = await popped();
    const many = Array.from({ length: 21 }, () => ({ type: "INFORMATION" as const, value: "SEE_REF" as const }));
    expect(await submitWith(p.apikey, p.jobId, { genMetadata: many })).toMatchObject({ code: "TooManyGenMetadata" });
    expect(await jobState(p.jobId)).toBe("processing");
    const twenty = many.slice(0, 20);
    expect((await submitWith(p.apikey, p.jobId, { genMetadata: twenty })).__typename).toBe("SubmitImageJobPayload");
  });

  it("refuses a ref over 256 characters, and one with a NUL byte", async () => {
    const p = await popped();
    const long = [{ type: "LORA" as const, value: "SEE_REF" as const, ref: "x".repeat(257) }];
    expect(await submitWith(p.apikey, p.jobId, { genMetadata: long })).toMatchObject({ code: "InvalidGenMetadata" });
    const nul = [{ type: "LORA" as const, value: "SEE_REF" as const, ref: "a\u0000b" }];
    expect(await submitWith(p.apikey, p.jobId, { genMetadata: nul })).toMatchObject({ code: "InvalidCharacters" });
    expect(await jobState(p.jobId)).toBe("processing");
  });

  it("refuses a type or value outside the reference's lists", async () => {
    const p = await popped();
    const input = { id: p.jobId, seed: "1", image: PNG_B64, genMetadata: [{ type: "MALWARE", value: "NSFW" }] };
    const r = await ctx.t.gql(
      SubmitImageJobProtocolDocument,
      { input: input as unknown as SubmitImageJobInput },
      {
        apikey: p.apikey,
      },
    );
    expect(r.errors?.[0]?.message).toMatch(/GenMetadataType/);
    expect(await jobState(p.jobId)).toBe("processing");
  });
});
