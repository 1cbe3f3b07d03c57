import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import type { CreateImageRequestInput } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { CREATE, resetQueue } from "../../support/queue.ts";
import { SHARING } from "../../support/ratings.ts";

const ctx = useTestApp();
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});
beforeEach(() => resetQueue(ctx.db));

/** 512×512 at 50 steps: 10.83 a job, so the full horde tax is 3 and the shared one 1. */
const LONG = { prompt: "a harbour at night", params: { steps: 50 } };
const SOURCE = makePng(64, 64).toString("base64");

async function create(apikey: string | undefined, input: Record<string, unknown>) {
  const r = await ctx.t.gql(CREATE, { input: input as CreateImageRequestInput }, { apikey });
  const p = r.data.createImageRequest;
  if (p.__typename !== "CreateImageRequestPayload") throw new Error(JSON.stringify(r));
  return p;
}

/** The dry-run price, then the real request's price, tax row and effective sharing. */
async function priced(apikey: string | undefined, input: Record<string, unknown>, userId: number | null) {
  const dry = await create(apikey, { ...input, dryRun: true });
  const made = await create(apikey, input);
  const id = made.request!.id;
  const shared = (await ctx.t.gql(SHARING, { id })).data.imageRequest?.shared;
  const taxRows =
    userId === null
      ? []
      : (await ledgerOf(ctx.db, userId)).filter((r) => r.request_id === id && r.kind === "horde_tax");
  return {
    dry: dry.kudos,
    real: made.kudos,
    shared,
    tax: taxRows.map((r) => Number(r.amount)),
    warnings: made.warnings,
  };
}

describe("the sharing discount", () => {
  it("applies when a registered requester shares: the dry run, the quote and the tax charged agree", async () => {
    const u = await fundedUser(ctx.db, 200);
    const shared = await priced(u.apiKey, { ...LONG, shared: true }, u.id);
    const unshared = await priced(u.apiKey, LONG, u.id);
    expect(shared).toMatchObject({ shared: true, tax: [-1] });
    expect(unshared).toMatchObject({ shared: false, tax: [-3] });
    expect(shared.dry).toBe(shared.real);
    expect(unshared.dry).toBe(unshared.real);
    expect(unshared.real - shared.real).toBeCloseTo(2, 2);
  });

  it("does not apply to an img2img request that asks to share, which is not shared and pays the full tax", async () => {
    const u = await fundedUser(ctx.db, 200);
    const asked = await priced(u.apiKey, { ...LONG, shared: true, sourceImage: SOURCE }, u.id);
    const plain = await priced(u.apiKey, { ...LONG, sourceImage: SOURCE }, u.id);
    expect(asked).toMatchObject({ shared: false, tax: [-3] });
    expect(asked.dry).toBe(asked.real);
    expect(asked.real).toBe(plain.real);
    expect(asked.warnings.some((w) => w.startsWith("SharingRefused"))).toBe(true);
    expect(plain.warnings.some((w) => w.startsWith("SharingRefused"))).toBe(false);
  });

  it("does not apply to inpainting or outpainting either", async () => {
    const u = await fundedUser(ctx.db, 200);
    for (const sourceProcessing of ["inpainting", "outpainting"]) {
      const r = await priced(
        u.apiKey,
        { ...LONG, shared: true, sourceImage: SOURCE, sourceMask: SOURCE, sourceProcessing },
        u.id,
      );
      expect(r, sourceProcessing).toMatchObject({ shared: false, tax: [-3] });
    }
  });

  it("applies to Anonymous, whose requests are always shared, asked or not", async () => {
    const u = await fundedUser(ctx.db, 200);
    const small = { prompt: "cheap", params: { steps: 20 } };
    const anon = await priced(undefined, small, null);
    const registeredShared = await priced(u.apiKey, { ...small, shared: true }, u.id);
    const registered = await priced(u.apiKey, small, u.id);
    expect(anon.shared).toBe(true);
    expect(anon.dry).toBe(anon.real);
    expect(anon.real).toBe(registeredShared.real);
    expect(registered.real).toBeGreaterThan(anon.real);
    const [row] = await ctx.db.query<{ amount: string }>(
      "SELECT coalesce(sum(amount), 0)::text AS amount FROM kudos_ledger WHERE user_id = 0 AND kind = 'horde_tax'",
    );
    // a cheap job's shared tax is 3 − 2 − 1 = 0: nothing charged to Anonymous
    expect(Number(row!.amount)).toBe(0);
  });
});
