import { beforeEach, describe, expect, it } from "vitest";
import {
  CancelTextRequestDocument,
  CreateTextRequestDocument,
  type CreateTextRequestInput,
  TextRequestStatusDocument,
  TextRequestUpdatedDocument,
} from "../../generated/graphql.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { CREATE_KEY, fundedUser } from "../../support/kudos.ts";
import { createRequest, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/** createTextRequest, textRequest, cancelTextRequest and textRequestUpdated (issue 12, §1.2, §3.1, §4.2). */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

async function create(input: Partial<CreateTextRequestInput>, apikey?: string) {
  const r = await ctx.t.gql(
    CreateTextRequestDocument,
    { input: { prompt: "Once upon a time", ...input } as CreateTextRequestInput },
    { apikey },
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createTextRequest;
}

async function refusal(input: Partial<CreateTextRequestInput>, apikey?: string) {
  const p = await create(input, apikey);
  return p.__typename === "CreateTextRequestPayload" ? "accepted" : `${p.code} @ ${p.field ?? ""}`;
}

async function created(input: Partial<CreateTextRequestInput>, apikey?: string) {
  const p = await create(input, apikey);
  if (p.__typename !== "CreateTextRequestPayload" || !p.request) throw new Error(JSON.stringify(p));
  return { ...p, request: p.request };
}

describe("validation", () => {
  it("refuses each rule with a stable code naming its field", async () => {
    expect(await refusal({ prompt: " " })).toBe("MissingPrompt @ prompt");
    expect(await refusal({ params: { n: 21 } })).toBe("InvalidAmount @ params.n");
    expect(await refusal({ params: { maxLength: 8 } })).toBe("InvalidMaxLength @ params.maxLength");
    expect(await refusal({ params: { maxContextLength: 2_000_000 } })).toBe(
      "InvalidMaxContextLength @ params.maxContextLength",
    );
    expect(await refusal({ params: { maxLength: 512, maxContextLength: 256 } })).toBe(
      "TokenOverflow @ params.maxLength",
    );
    expect(await refusal({ params: { temperature: 1e300 } })).toBe("InvalidSamplingParameter @ params.temperature");
    expect(await refusal({ params: { repPen: 0 } })).toBe("InvalidSamplingParameter @ params.repPen");
    expect(await refusal({ params: { samplerOrder: [0, 1, 2] } })).toBe("NotEnoughSamplers @ params.samplerOrder");
    expect(await refusal({ params: { stopSequence: Array(129).fill("\n") } })).toBe(
      "TooManyStopSequences @ params.stopSequence",
    );
    expect(await refusal({ params: { stopSequence: ["x".repeat(2001)] } })).toBe(
      "ExcessiveStopSequence @ params.stopSequence",
    );
    expect(await refusal({ models: ["a", "a"] })).toBe("DuplicateModel @ models");
    expect(await refusal({ workers: ["00000000-0000-4000-8000-000000000000"] })).toBe("WorkerNotFound @ workers");
  });

  it("refuses NUL bytes in the prompt and stop sequences, but takes newlines", async () => {
    expect(await refusal({ prompt: "a\u0000b" })).toBe("InvalidCharacters @ prompt");
    expect(await refusal({ params: { stopSequence: ["\u0000"] } })).toBe("InvalidCharacters @ params.stopSequence.0");
    expect(await refusal({ prompt: "User: hi\nBot:", params: { stopSequence: ["\nUser:"] } })).toBe("accepted");
  });

  it("refuses an image worker in the worker list: only text workers can be named", async () => {
    const owner = await seedUser(ctx.db);
    const rows = await ctx.db.query<{ id: string }>(
      "INSERT INTO workers (kind, user_id, name) VALUES ('image', $1, 'an-image-worker') RETURNING id",
      [owner.id],
    );
    expect(await refusal({ workers: [rows[0]!.id] })).toBe("WorkerNotFound @ workers");
  });
});

describe("pricing (§4.2)", () => {
  it("prices a dry run as n × (estimate + 1) + 1, 13B without a model, and creates nothing", async () => {
    const count = async () => (await ctx.db.query("SELECT 1 FROM requests WHERE kind = 'text'")).length;
    const before = await count();
    const p = await create({ params: { n: 2 }, dryRun: true });
    expect(p).toMatchObject({ __typename: "CreateTextRequestPayload", request: null });
    // 80 × 13 × ctx(1024) / 100 = 22.88 per job
    expect(p.__typename === "CreateTextRequestPayload" && p.kudos).toBe(2 * (22.88 + 1) + 1);
    expect(await count()).toBe(before);
  });

  it("estimates by the first model's size as the model table knows it", async () => {
    await ctx.db.query(
      "INSERT INTO known_models (name, kind, baseline, parameters) VALUES ('big-70B', 'text', 'text', 70000000000)",
    );
    const p = await create({ models: ["big-70B"], dryRun: true });
    expect(p.__typename === "CreateTextRequestPayload" && p.kudos).toBe(172.52 + 1 + 1);
  });

  it("charges the horde tax of 1 when the request is accepted, and answers the estimate", async () => {
    const u = await fundedUser(ctx.db, 100);
    const r = await created({}, u.apiKey);
    expect(r.kudos).toBe(22.88 + 1 + 1);
    // no text worker is online in this file
    expect(r.warnings.join(" ")).toMatch(/^NoAvailableWorker: /);
    const ledger = await ctx.db.query<{ kind: string; amount: string }>(
      "SELECT kind, amount::text FROM kudos_ledger WHERE request_id = $1",
      [r.request.id],
    );
    expect(ledger).toEqual([{ kind: "horde_tax", amount: "-1.00" }]);
  });
});

describe("upfront kudos", () => {
  it("refuses Anonymous a request that excludes slow workers (KudosUpfront), but prices its dry run", async () => {
    expect(await refusal({ slowWorkers: false })).toBe("KudosUpfront @ ");
    const dry = await create({ slowWorkers: false, dryRun: true });
    expect(dry.__typename).toBe("CreateTextRequestPayload");
  });

  it("asks a registered user for 20 × n upfront when it is too long, unless they hold it", async () => {
    const poor = await seedUser(ctx.db);
    expect(await refusal({ params: { maxLength: 600, maxContextLength: 2048, n: 2 } }, poor.apiKey)).toBe(
      "KudosUpfront @ ",
    );
    const rich = await fundedUser(ctx.db, 40);
    expect(await refusal({ params: { maxLength: 600, maxContextLength: 2048, n: 2 } }, rich.apiKey)).toBe("accepted");
  });

  it("shortens the request to the free length with allowDowngrade", async () => {
    const poor = await seedUser(ctx.db);
    const r = await created({ params: { maxLength: 600, maxContextLength: 2048 }, allowDowngrade: true }, poor.apiKey);
    expect(r.request.maxLength).toBe(512);
    expect(r.warnings.join(" ")).toMatch(/^Downgraded:/);
  });
});

describe("shared keys", () => {
  it("enforce maxTextTokens on maxLength", async () => {
    const owner = await fundedUser(ctx.db, 1000);
    const k = await ctx.t.gql(CREATE_KEY, { input: { name: "texts", maxTextTokens: 100 } }, { apikey: owner.apiKey });
    const key = k.data.createSharedKey.__typename === "CreateSharedKeyPayload" ? k.data.createSharedKey.key : "";
    expect(key).not.toBe("");
    expect(await refusal({ params: { maxLength: 101 } }, key)).toBe("SharedKeyMaxTextTokens @ params");
    expect(await refusal({ params: { maxLength: 100 } }, key)).toBe("accepted");
  });
});

describe("reading, cancelling and following a request", () => {
  it("reads a text request by id, and nothing for an image request's id", async () => {
    const r = await created({ params: { n: 3 }, models: ["m-7B"], softprompt: "sp" });
    const s = await ctx.t.gql(TextRequestStatusDocument, { id: r.request.id });
    expect(s.data.textRequest).toMatchObject({ n: 3, waiting: 3, models: ["m-7B"], softprompt: "sp", done: false });
    const imageId = await createRequest(ctx.t, undefined, { prompt: "a cat" });
    expect((await ctx.t.gql(TextRequestStatusDocument, { id: imageId })).data.textRequest).toBeNull();
  });

  it("cancels: waiting jobs are withdrawn and the request is done", async () => {
    const u = await seedUser(ctx.db);
    const r = await created({ params: { n: 2 } }, u.apiKey);
    const other = await seedUser(ctx.db);
    const denied = await ctx.t.gql(CancelTextRequestDocument, { id: r.request.id }, { apikey: other.apiKey });
    expect(denied.data.cancelTextRequest).toMatchObject({ __typename: "ForbiddenError", code: "WrongCredentials" });
    const c = await ctx.t.gql(CancelTextRequestDocument, { id: r.request.id }, { apikey: u.apiKey });
    expect(c.data.cancelTextRequest).toMatchObject({
      __typename: "CancelTextRequestPayload",
      request: { waiting: 0, cancelled: true, done: true },
    });
  });

  it("lets a moderator cancel anyone's request, the requester's shared key too, and anyone cancel Anonymous's", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const mod = await seedUser(ctx.db, { moderator: true });
    const a = await created({}, owner.apiKey);
    const byMod = await ctx.t.gql(CancelTextRequestDocument, { id: a.request.id }, { apikey: mod.apiKey });
    expect(byMod.data.cancelTextRequest).toMatchObject({ __typename: "CancelTextRequestPayload" });
    const k = await ctx.t.gql(CREATE_KEY, { input: { name: "mine" } }, { apikey: owner.apiKey });
    const key = k.data.createSharedKey.__typename === "CreateSharedKeyPayload" ? k.data.createSharedKey.key : "";
    const b = await created({}, owner.apiKey);
    const byKey = await ctx.t.gql(CancelTextRequestDocument, { id: b.request.id }, { apikey: key });
    expect(byKey.data.cancelTextRequest).toMatchObject({ __typename: "CancelTextRequestPayload" });
    const anon = await created({});
    const stranger = await seedUser(ctx.db);
    const byStranger = await ctx.t.gql(CancelTextRequestDocument, { id: anon.request.id }, { apikey: stranger.apiKey });
    expect(byStranger.data.cancelTextRequest).toMatchObject({ __typename: "CancelTextRequestPayload" });
  });

  it("refuses to cancel an image request through cancelTextRequest", async () => {
    const imageId = await createRequest(ctx.t, undefined, { prompt: "a cat" });
    const c = await ctx.t.gql(CancelTextRequestDocument, { id: imageId });
    expect(c.data.cancelTextRequest).toMatchObject({ __typename: "NotFoundError", code: "NotFound" });
  });

  it("streams the state at once, then the change, and completes when it has ended", async () => {
    const r = await created({});
    const sub = subscribe(ctx.t.ws(), TextRequestUpdatedDocument, { id: r.request.id });
    expect((await sub.next()).data?.textRequestUpdated).toMatchObject({ waiting: 1, done: false });
    await ctx.t.gql(CancelTextRequestDocument, { id: r.request.id });
    expect((await sub.next()).data?.textRequestUpdated).toMatchObject({ cancelled: true, done: true });
    await sub.completed();
  });
});
