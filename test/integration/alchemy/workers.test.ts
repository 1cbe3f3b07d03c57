import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import { sweepExpiredJobs } from "../../../src/tasks/index.ts";
import {
  AlchemyRequestDocument,
  CancelAlchemyRequestDocument,
  CreateAlchemyRequestDocument,
  PopAlchemyJobDocument,
  SubmitAlchemyJobDocument,
} from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { CREATE_KEY } from "../../support/kudos.ts";
import { createRequest, outcome, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/** The alchemist's side on the engine: pop, submit, prices, eligibility, TTL, faults, cancel, kinds. */

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const PNG = makePng(1024, 1024, { alpha: false }).toString("base64"); // 4 tiles
const RESULT_PNG = makePng(64, 64).toString("base64");

async function request(apikey: string | undefined, forms: string[], extra: Record<string, unknown> = {}) {
  const input = { sourceImage: PNG, forms: forms.map((name) => ({ name })), ...extra };
  const r = await ctx.t.gql(CreateAlchemyRequestDocument, { input: input as never }, { apikey });
  const p = r.data.createAlchemyRequest;
  if (p.__typename !== "CreateAlchemyRequestPayload" || !p.request) throw new Error(JSON.stringify(r));
  return p.request.id;
}

async function popAlchemy(apikey: string, input: Record<string, unknown>) {
  const r = await ctx.t.gql(PopAlchemyJobDocument, { input: input as never }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.popAlchemyJob;
}

async function jobsOf(apikey: string, input: Record<string, unknown>) {
  const p = await popAlchemy(apikey, input);
  if (p.__typename !== "PopAlchemyJobPayload") throw new Error(`${p.code}: ${p.message}`);
  return p.jobs;
}

async function submit(apikey: string, input: Record<string, unknown>) {
  const r = await ctx.t.gql(SubmitAlchemyJobDocument, { input: input as never }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.submitAlchemyJob;
}

async function read(id: string) {
  const r = await ctx.t.gql(AlchemyRequestDocument, { id });
  return r.data.alchemyRequest!;
}

async function kudosOf(userId: number) {
  const [row] = await ctx.db.query<{ kudos: string }>("SELECT kudos::text FROM users WHERE id = $1", [userId]);
  return Number(row!.kudos);
}

async function ledgerOf(jobId: string) {
  return ctx.db.query<{ user_id: number; kind: string; amount: string }>(
    "SELECT user_id, kind, amount::text FROM kudos_ledger WHERE job_id = $1 ORDER BY id",
    [jobId],
  );
}

async function cast() {
  const requester = await seedUser(ctx.db, { kudos: 500 });
  const owner = await seedUser(ctx.db);
  return { requester, owner, name: `alchemist-${owner.id}` };
}

describe("pop and submit", () => {
  it("hands a form the worker does, with its payload and image URL, and pays it by §4.4 on submit", async () => {
    const c = await cast();
    const id = await request(c.requester.apiKey, ["caption"], {});
    await ctx.t.gql(CreateAlchemyRequestDocument, { input: { sourceImage: PNG, forms: [{ name: "nsfw" }] } }, {});
    const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    expect(job).toMatchObject({ form: "caption", payload: {}, imageTiles: 4, width: 1024, height: 1024, ttl: 180 });
    const served = await fetch(job!.sourceImageUrl);
    expect(served.status).toBe(200);
    expect((await read(id)).forms[0]).toMatchObject({ state: "PROCESSING", workerName: c.name });
    const before = await kudosOf(c.requester.id);
    const s = await submit(c.owner.apiKey, { id: job!.id, result: { caption: "a checkered gradient" } });
    expect(s).toMatchObject({ __typename: "SubmitAlchemyJobPayload", reward: 1 });
    // slowWorkers defaults to true: 1 + 1 + 1
    expect(await kudosOf(c.requester.id)).toBe(before - 3);
    // an untrusted owner: half the reward is held in escrow, as for images
    expect(await kudosOf(c.owner.id)).toBe(0.5);
    const done = await read(id);
    expect(done).toMatchObject({ done: true, state: "done", kudos: 3 });
    expect(done.forms[0]).toMatchObject({ state: "DONE", result: { caption: "a checkered gradient" }, kudos: 3 });
    const [w] = await ctx.db.query("SELECT forms, fulfilments FROM workers WHERE name = $1", [c.name]);
    expect(w).toEqual({ forms: 1, fulfilments: 1 });
    expect(await ctx.db.query("SELECT things FROM jobs WHERE id = $1", [job!.id])).toEqual([{ things: 1 }]);
    expect(await submit(c.owner.apiKey, { id: job!.id, result: { caption: "again" } })).toMatchObject({
      code: "DuplicateGen",
    });
    expect(await ledgerOf(job!.id)).toEqual(
      expect.arrayContaining([
        { user_id: c.owner.id, kind: "generation_reward", amount: "1.00" },
        { user_id: c.requester.id, kind: "request_charge", amount: "-3.00" },
        { user_id: c.owner.id, kind: "escrow_hold", amount: "-0.50" },
      ]),
    );
    expect(await ledgerOf(job!.id)).toHaveLength(3);
  });

  it("pays a post-processor 3 per tile and serves its image; interrogation earns 3", async () => {
    const c = await cast();
    const id = await request(c.requester.apiKey, ["RealESRGAN_x4plus", "interrogation"], { slowWorkers: false });
    const jobs = await jobsOf(c.owner.apiKey, {
      name: c.name,
      forms: ["RealESRGAN_x4plus", "interrogation"],
      amount: 2,
      threads: 2,
    });
    expect(jobs.map((j) => j.form).sort()).toEqual(["RealESRGAN_x4plus", "interrogation"]);
    const up = jobs.find((j) => j.form === "RealESRGAN_x4plus")!;
    const tags = jobs.find((j) => j.form === "interrogation")!;
    const before = await kudosOf(c.requester.id);
    expect(await submit(c.owner.apiKey, { id: up.id, result: { image: RESULT_PNG } })).toMatchObject({ reward: 12 });
    const interrogation = { tags: [{ text: "checker", confidence: 80 }] };
    expect(await submit(c.owner.apiKey, { id: tags.id, result: { interrogation } })).toMatchObject({ reward: 3 });
    // slowWorkers false: reward + 1 each
    expect(await kudosOf(c.requester.id)).toBe(before - 13 - 4);
    const r = await read(id);
    const url = (r.forms.find((f) => f.name === "RealESRGAN_x4plus")!.result as Record<string, string>)
      .RealESRGAN_x4plus!;
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).toString("base64")).toBe(RESULT_PNG);
    expect(r.forms.find((f) => f.name === "interrogation")!.result).toEqual({ interrogation });
  });

  it("refuses a result of the wrong shape and keeps the form for a correct one", async () => {
    const c = await cast();
    await request(c.requester.apiKey, ["nsfw"]);
    const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["nsfw"] });
    for (const result of [undefined, { nsfw: "no" }, { caption: "x" }, { nsfw: false, extra: 1 }]) {
      expect(outcome(await submit(c.owner.apiKey, { id: job!.id, result }))).toMatch(/AlchemyResult$/);
    }
    expect(outcome(await submit(c.owner.apiKey, { id: job!.id, result: { image: "bad" } }))).toBe(
      "InvalidAlchemyResult",
    );
    const stranger = await seedUser(ctx.db);
    expect(outcome(await submit(stranger.apiKey, { id: job!.id, result: { nsfw: false } }))).toBe("WrongCredentials");
    expect(await submit(c.owner.apiKey, { id: job!.id, result: { nsfw: false } })).toMatchObject({ reward: 1 });
  });

  it("refuses a post-processor's result that is not a whole image", async () => {
    const c = await cast();
    await request(c.requester.apiKey, ["GFPGAN"]);
    const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["GFPGAN"] });
    const html = Buffer.from("<html></html>").toString("base64");
    expect(outcome(await submit(c.owner.apiKey, { id: job!.id, result: { image: html } }))).toBe("InvalidImage");
  });
});

describe("eligibility", () => {
  it("gives a worker only forms it lists, within its max tiles", async () => {
    const c = await cast();
    await request(c.requester.apiKey, ["caption"]);
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["nsfw"] })).toEqual([]);
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"], maxTiles: 3 })).toEqual([]);
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"], maxTiles: 4 })).toHaveLength(1);
  });

  it("serves trustedWorkers requests only to trusted owners", async () => {
    const c = await cast();
    await request(c.requester.apiKey, ["caption"], { trustedWorkers: true });
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] })).toEqual([]);
    const trusted = await seedUser(ctx.db, { trusted: true });
    expect(await jobsOf(trusted.apiKey, { name: `trusted-${trusted.id}`, forms: ["caption"] })).toHaveLength(1);
  });

  it("gives a slow worker (10 s or more per form) only requests that accept slow workers", async () => {
    const c = await cast();
    await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    await ctx.db.query("UPDATE workers SET speed = 10 WHERE name = $1", [c.name]);
    await request(c.requester.apiKey, ["caption"], { slowWorkers: false });
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] })).toEqual([]);
    const slowOk = await request(c.requester.apiKey, ["caption"], { slowWorkers: true });
    const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    expect(await ctx.db.query("SELECT request_id FROM jobs WHERE id = $1", [job!.id])).toEqual([
      { request_id: slowOk },
    ]);
  });

  it("serves a worker in maintenance only its owner's requests", async () => {
    const c = await cast();
    await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    await ctx.db.query("UPDATE workers SET maintenance = true WHERE name = $1", [c.name]);
    await request(c.requester.apiKey, ["caption"]);
    expect(outcome(await popAlchemy(c.owner.apiKey, { name: c.name, forms: ["caption"] }))).toBe("WorkerMaintenance");
    await request(c.owner.apiKey, ["caption"]);
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] })).toHaveLength(1);
  });
});

describe("who may run an alchemist", () => {
  it("refuses Anonymous, a shared key, and another user's worker name", async () => {
    const c = await cast();
    expect(outcome(await popAlchemy("0000000000", { name: "anon-alchemist", forms: ["caption"] }))).toBe(
      "AnonForbidden",
    );
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "alchemy worker key" } }, { apikey: c.owner.apiKey });
    const key = made.data.createSharedKey.key as string;
    expect(outcome(await popAlchemy(key, { name: c.name, forms: ["caption"] }))).toBe("SharedKeyForbidden");
    expect(outcome(await popAlchemy(c.owner.apiKey, { name: c.name, forms: ["caption"] }))).toBe(
      "PopAlchemyJobPayload",
    );
    expect(outcome(await popAlchemy(c.requester.apiKey, { name: c.name, forms: ["caption"] }))).toBe(
      "WrongCredentials",
    );
  });

  it("keeps a form's job when its worker is deleted: another alchemist takes the same form", async () => {
    const c = await cast();
    const id = await request(c.requester.apiKey, ["caption"]);
    const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [c.name]);
    const del = await ctx.t.gql(
      `mutation($id: ID!) { deleteWorker(id: $id) { __typename ... on Error { code } } }`,
      { id: w!.id },
      { apikey: c.owner.apiKey },
    );
    expect(del.data.deleteWorker.__typename).toBe("DeleteWorkerPayload");
    const other = await seedUser(ctx.db);
    const [again] = await jobsOf(other.apiKey, { name: `alchemist-${other.id}`, forms: ["caption"] });
    expect(again).toMatchObject({ id: job!.id, form: "caption" });
    expect((await read(id)).forms[0]).toMatchObject({ state: "PROCESSING" });
  });

  it("reaches a form it does behind requests whose only waiting forms it does not do", async () => {
    const c = await cast();
    const ids: string[] = [];
    // the rival registers (and takes nothing: nothing waits yet)
    const rival = await seedUser(ctx.db);
    expect(await jobsOf(rival.apiKey, { name: `rival-${rival.id}`, forms: ["nsfw"] })).toEqual([]);
    for (let i = 0; i < 5; i++) {
      ids.push(await request(c.requester.apiKey, ["caption", "nsfw"]));
      clock.advance(1000); // queue order: oldest first
    }
    // the first four requests' captions are in other hands: only their nsfw forms wait
    await ctx.db.query(
      `UPDATE jobs SET state = 'processing', claimed_at = now(), deadline = now() + interval '1 hour',
              worker_id = (SELECT id FROM workers WHERE name = $2)
        WHERE request_id = ANY ($1) AND model = 'caption' AND state = 'waiting'`,
      [ids.slice(0, 4), `rival-${rival.id}`],
    );
    const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    expect(job).toMatchObject({ form: "caption" });
    const [mine] = await ctx.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [job!.id]);
    expect(mine!.request_id).toBe(ids[4]);
  });

  it("gives a paused alchemist nothing", async () => {
    const c = await cast();
    await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    await ctx.db.query("UPDATE workers SET paused = true WHERE name = $1", [c.name]);
    await request(c.requester.apiKey, ["caption"]);
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] })).toEqual([]);
  });
});

describe("a worker's kind is fixed at registration", () => {
  it("refuses an image worker's name for an alchemy pop, and an alchemist's for an image pop", async () => {
    const owner = await seedUser(ctx.db);
    expect((await pop(ctx.t, owner.apiKey, { name: `img-${owner.id}`, models: ["stable_diffusion"] })).jobs).toEqual(
      [],
    );
    expect(outcome(await popAlchemy(owner.apiKey, { name: `img-${owner.id}`, forms: ["caption"] }))).toBe(
      "PolymorphicNameConflict",
    );
    expect(outcome(await popAlchemy(owner.apiKey, { name: `alc-${owner.id}`, forms: ["caption"] }))).toBe(
      "PopAlchemyJobPayload",
    );
    expect((await pop(ctx.t, owner.apiKey, { name: `alc-${owner.id}`, models: ["stable_diffusion"] })).code).toBe(
      "PolymorphicNameConflict",
    );
  });

  it("never hands an image job to an alchemist nor a form to an image worker", async () => {
    const c = await cast();
    await createRequest(ctx.t, c.requester.apiKey, { prompt: "a lighthouse" });
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption", "GFPGAN"] })).toEqual([]);
    await resetQueue(ctx.db);
    await request(c.requester.apiKey, ["caption"]);
    const image = await pop(ctx.t, c.owner.apiKey, { name: `img-${c.owner.id}`, models: ["stable_diffusion"] });
    expect(image.jobs).toEqual([]);
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] })).toHaveLength(1);
  });
});

describe("TTL and faults", () => {
  it("returns a stale form to WAITING and faults it on its fourth drop, leaving the other forms alone", async () => {
    const c = await cast();
    const id = await request(c.requester.apiKey, ["caption", "nsfw"]);
    for (let drop = 1; drop <= 4; drop++) {
      const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
      expect(job?.form).toBe("caption");
      clock.advance(179_000);
      expect(await sweepExpiredJobs(ctx.t.deps)).toBe(0);
      clock.advance(2_000);
      expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
      const form = (await read(id)).forms.find((f) => f.name === "caption")!;
      expect(form.state).toBe(drop < 4 ? "WAITING" : "FAULTED");
    }
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] })).toEqual([]);
    const r = await read(id);
    expect(r).toMatchObject({ done: false, state: "waiting" });
    const [nsfw] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["nsfw"] });
    await submit(c.owner.apiKey, { id: nsfw!.id, result: { nsfw: true } });
    expect(await read(id)).toMatchObject({ done: true, state: "done" });
  });

  it("pays nothing for a FAULTED submit and puts the form back for another worker", async () => {
    const c = await cast();
    const id = await request(c.requester.apiKey, ["caption"]);
    const [job] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    const before = await kudosOf(c.requester.id);
    expect(await submit(c.owner.apiKey, { id: job!.id, state: "FAULTED" })).toMatchObject({ reward: 0 });
    expect(await kudosOf(c.requester.id)).toBe(before);
    const r = await read(id);
    expect(r.forms).toHaveLength(1);
    expect(r.forms[0]).toMatchObject({ name: "caption", state: "WAITING" });
    const [again] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    expect(again?.form).toBe("caption");
  });
});

describe("cancelAlchemyRequest", () => {
  it("cancels waiting forms and pays the forms in a worker's hands as delivered", async () => {
    const c = await cast();
    const id = await request(c.requester.apiKey, ["caption", "nsfw"], { slowWorkers: false });
    const [held] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    const stranger = await seedUser(ctx.db);
    const denied = await ctx.t.gql(CancelAlchemyRequestDocument, { id }, { apikey: stranger.apiKey });
    expect(denied.data.cancelAlchemyRequest).toMatchObject({ code: "WrongCredentials" });
    const before = await kudosOf(c.requester.id);
    const r = await ctx.t.gql(CancelAlchemyRequestDocument, { id }, { apikey: c.requester.apiKey });
    const cancelled = r.data.cancelAlchemyRequest;
    expect(cancelled.__typename).toBe("CancelAlchemyRequestPayload");
    expect(cancelled.request?.cancelled).toBe(true);
    expect(cancelled.request?.done).toBe(true);
    expect(cancelled.request?.forms.map((f) => [f.name, f.state, f.result])).toEqual([
      ["caption", "CANCELLED", null],
      ["nsfw", "CANCELLED", null],
    ]);
    expect(await kudosOf(c.requester.id)).toBe(before - 2);
    expect(await kudosOf(c.owner.id)).toBe(0.5); // half of 1 in escrow (an untrusted owner)
    expect(outcome(await submit(c.owner.apiKey, { id: held!.id, result: { caption: "late" } }))).toBe("DuplicateGen");
    expect(await jobsOf(c.owner.apiKey, { name: c.name, forms: ["nsfw"] })).toEqual([]);
    expect(await ledgerOf(held!.id)).toEqual(
      expect.arrayContaining([
        { user_id: c.owner.id, kind: "generation_reward", amount: "1.00" },
        { user_id: c.requester.id, kind: "request_charge", amount: "-2.00" },
      ]),
    );
  });

  it("pays a form once when its worker submits while the request is cancelled", async () => {
    const c = await cast();
    const id = await request(c.requester.apiKey, ["caption"]);
    const [held] = await jobsOf(c.owner.apiKey, { name: c.name, forms: ["caption"] });
    const before = await kudosOf(c.requester.id);
    const [cancelled, submitted] = await Promise.all([
      ctx.t.gql(CancelAlchemyRequestDocument, { id }, { apikey: c.requester.apiKey }),
      submit(c.owner.apiKey, { id: held!.id, result: { caption: "raced" } }),
    ]);
    expect(cancelled.data.cancelAlchemyRequest.__typename).toBe("CancelAlchemyRequestPayload");
    expect(["SubmitAlchemyJobPayload", "DuplicateGen"]).toContain(outcome(submitted));
    const rewards = (await ledgerOf(held!.id)).filter((r) => r.kind === "generation_reward");
    expect(rewards).toEqual([{ user_id: c.owner.id, kind: "generation_reward", amount: "1.00" }]);
    expect(await kudosOf(c.requester.id)).toBe(before - 3);
  });
});
