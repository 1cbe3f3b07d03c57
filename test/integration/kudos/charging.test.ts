import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { applyLedger } from "../../../src/modules/kudos/kudos.sql.ts";
import type { CreateImageRequestInput } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { balance, expectLedgerBalanced, fundedUser, ledgerOf } from "../../support/kudos.ts";
import { CREATE, outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
// Registered after useTestApp, so it runs before the server stops (after-hooks run in reverse).
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});
beforeEach(() => resetQueue(ctx.db));

/** 512×512 at 50 steps: 10.83 a job, horde tax 3. More than 40 steps needs kudos upfront. */
const LONG = { prompt: "a long one", params: { steps: 50 } };
const LONG_PRICE = 13.83;

async function create(apikey: string | undefined, input: Record<string, unknown>) {
  const r = await ctx.t.gql(CREATE, { input: input as CreateImageRequestInput }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createImageRequest;
}

async function requestRow(id: string) {
  const [row] = await ctx.db.query<{
    steps: number;
    width: number;
    height: number;
    slow_workers: boolean;
    priority: string;
  }>("SELECT steps, width, height, slow_workers, priority::text FROM requests WHERE id = $1", [id]);
  return row!;
}

/** Debits a user through the ledger, as if they had spent it (a horde tax row). */
async function debit(userId: number, kudos: number) {
  await ctx.db.tx((sql) => applyLedger(sql, [{ userId, kind: "horde_tax", amount: -kudos }], new Date()));
}

describe("upfront kudos", () => {
  it("needs a request beyond the free steps to have its price in hand, else KudosUpfront and nothing charged", async () => {
    const short = await fundedUser(ctx.db, LONG_PRICE - 0.01);
    const exact = await fundedUser(ctx.db, LONG_PRICE);
    const refused = await create(short.apiKey, LONG);
    expect(refused).toMatchObject({ __typename: "KudosError", code: "KudosUpfront" });
    expect(refused.message).toMatch(/costs 13.83 kudos and you have 13.82/);
    expect((await ledgerOf(ctx.db, short.id)).map((r) => r.kind)).toEqual(["moderator_award"]);
    const accepted = await create(exact.apiKey, LONG);
    expect(accepted).toMatchObject({ __typename: "CreateImageRequestPayload", kudos: LONG_PRICE });
    // holding the price is the condition; the request is charged as its jobs finish, like any other
    expect(await balance(ctx.db, exact.id)).toBe(LONG_PRICE - 3);
  });

  it("needs it too for fast workers only, and for images above the free size", async () => {
    const poor = await seedUser(ctx.db);
    expect(outcome(await create(poor.apiKey, { prompt: "fast", slowWorkers: false }))).toBe("KudosUpfront");
    const big = { prompt: "big", params: { width: 1088, height: 1024, steps: 20 } };
    expect(outcome(await create(poor.apiKey, big))).toBe("KudosUpfront");
    expect(outcome(await create(poor.apiKey, { ...big, params: { width: 1024, height: 1024, steps: 20 } }))).toBe(
      "CreateImageRequestPayload",
    );
  });

  it("asks trusted users for the price too", async () => {
    const trusted = await seedUser(ctx.db, { trusted: true });
    expect(outcome(await create(trusted.apiKey, LONG))).toBe("KudosUpfront");
  });

  it("refuses Anonymous, who cannot pay upfront", async () => {
    const r = await create(undefined, LONG);
    expect(r).toMatchObject({ code: "KudosUpfront" });
    expect(r.message).toMatch(/Anonymous/);
  });

  it("with allowDowngrade runs the request smaller instead, for a requester who cannot pay", async () => {
    const poor = await seedUser(ctx.db);
    // Anonymous's requests are always shared: its horde tax is 2 kudos less
    for (const [apikey, kudos] of [
      [poor.apiKey, 8.5],
      [undefined, 6.5],
    ] as const) {
      const r = await create(apikey, { ...LONG, allowDowngrade: true });
      expect(r.__typename).toBe("CreateImageRequestPayload");
      expect(r.warnings.join(" ")).toMatch(/Downgraded/);
      expect(r.kudos).toBe(kudos);
      expect(await requestRow(r.request!.id)).toMatchObject({ steps: 30, slow_workers: true });
    }
    const big = await create(poor.apiKey, {
      prompt: "big",
      params: { width: 2048, height: 1024, steps: 20 },
      slowWorkers: false,
      allowDowngrade: true,
    });
    expect(await requestRow(big.request!.id)).toMatchObject({ width: 1408, height: 704, slow_workers: true });
  });

  it("with allowDowngrade leaves alone a request its requester can pay for", async () => {
    const rich = await fundedUser(ctx.db, 100);
    const r = await create(rich.apiKey, { ...LONG, allowDowngrade: true });
    expect(r.warnings.join(" ")).not.toMatch(/Downgraded/);
    expect(r.kudos).toBe(LONG_PRICE);
    expect(await requestRow(r.request!.id)).toMatchObject({ steps: 50 });
  });

  it("prices a dry run without asking for anything", async () => {
    const poor = await seedUser(ctx.db);
    const r = await create(poor.apiKey, { ...LONG, dryRun: true });
    expect(r).toMatchObject({ __typename: "CreateImageRequestPayload", kudos: LONG_PRICE, request: null });
    expect(await ledgerOf(ctx.db, poor.id)).toEqual([]);
  });
});

describe("floors and priority", () => {
  it("seeds priority with the requester's kudos, at least 25 for registered users and -50 for Anonymous", async () => {
    const rich = await fundedUser(ctx.db, 1000);
    const poor = await fundedUser(ctx.db, 3);
    const debtor = await seedUser(ctx.db);
    await debit(debtor.id, 20);
    const priorityOf = async (apikey: string | undefined) =>
      (await requestRow((await create(apikey, { prompt: "p", params: { steps: 10 } })).request!.id)).priority;
    expect(await priorityOf(rich.apiKey)).toBe("1000.00");
    expect(await priorityOf(poor.apiKey)).toBe("25.00");
    expect(await priorityOf(debtor.apiKey)).toBe("25.00");
    const anon = await balance(ctx.db, 0);
    expect(Number(await priorityOf(undefined))).toBe(Math.max(anon, -50));
    await debit(0, 100);
    expect(await priorityOf(undefined)).toBe("-50.00");
  });

  it("never clamps a balance: Anonymous and registered users alike go below 0, and the ledger says why", async () => {
    const anonBefore = await balance(ctx.db, 0);
    // 768×768 at 30 steps costs over 10 a job: Anonymous's (always shared) tax is then 3 − 2 = 1
    await create(undefined, { prompt: "anon", params: { width: 768, height: 768, steps: 30 } });
    expect(await balance(ctx.db, 0)).toBe(Math.round((anonBefore - 1) * 100) / 100);
    const user = await seedUser(ctx.db);
    await create(user.apiKey, { prompt: "mine", params: { steps: 10 } });
    expect(await balance(ctx.db, user.id)).toBe(-2);
    expect(await ledgerOf(ctx.db, user.id)).toEqual([expect.objectContaining({ kind: "horde_tax", amount: "-2.00" })]);
    await expectLedgerBalanced(ctx.db);
  });

  it("serves richer users first, and a user in debt still, after them", async () => {
    const debtor = await seedUser(ctx.db);
    await debit(debtor.id, 50);
    const rich = await fundedUser(ctx.db, 500);
    const made: Record<string, string> = {};
    for (const [who, key] of [
      ["debtor", debtor.apiKey],
      ["rich", rich.apiKey],
    ] as const) {
      made[who] = (await create(key, { prompt: who, params: { steps: 10 } })).request!.id;
    }
    const owner = await seedUser(ctx.db);
    const served: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { jobs } = await pop(ctx.t, owner.apiKey, { name: `floor-${owner.id}`, models: ["stable_diffusion"] });
      const [job] = jobs;
      served.push(Object.entries(made).find(([, id]) => id === job!.requestId)![0]);
      expect((await submit(ctx.t, owner.apiKey, { id: job!.id })).__typename).toBe("SubmitImageJobPayload");
    }
    expect(served).toEqual(["rich", "debtor"]);
    expect(await balance(ctx.db, debtor.id)).toBeLessThan(-50);
  });
});
