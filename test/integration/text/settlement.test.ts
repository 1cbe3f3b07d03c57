import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { sweepExpiredJobs } from "../../../src/tasks/index.ts";
import {
  CancelTextRequestDocument,
  TextJobAssignedDocument,
  TextRequestUpdatedDocument,
} from "../../generated/graphql.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { createRequest, outcome, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";
import { createText, popTextJobs, submitText, textStatus } from "../../support/text.ts";

/** Text jobs settled, timed out, faulted and cancelled through the engine (§3.6, §3.8, §4.2). */

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(() => resetQueue(ctx.db));

const VALIDATED = "AI Horde Worker:24:https://example.org";
const PROMPT = "p".repeat(100); // 25 tokens: ctx multiplier 1.2147 at maxLength 80

let n = 0;
async function textWorker(extra: Record<string, unknown> = {}, o: { trusted?: boolean } = {}) {
  const owner = await seedUser(ctx.db, o);
  const name = `sw-${owner.id}-${++n}`;
  const input = { name, models: ["koboldcpp/m-13B"], bridgeAgent: VALIDATED, threads: 4, ...extra };
  return { owner, name, pop: () => popTextJobs(ctx.t, owner.apiKey, input) };
}

async function ledgerOfJob(jobId: string) {
  return ctx.db.query<{ kind: string; amount: string }>(
    "SELECT kind::text, amount::text FROM kudos_ledger WHERE job_id = $1 ORDER BY kind",
    [jobId],
  );
}

describe("a finished text job's price (§4.2)", () => {
  it("pays a known model by its size, charges the requester + 1, and counts the tokens", async () => {
    const requester = await fundedUser(ctx.db, 100);
    const id = await createText(ctx.t, requester.apiKey, { prompt: PROMPT });
    const w = await textWorker();
    const [job] = await w.pop();
    const r = await submitText(ctx.t, w.owner.apiKey, { id: job!.id, text: "y".repeat(400) });
    expect(r).toMatchObject({ __typename: "SubmitTextJobPayload", reward: 10.11 });
    // the owner is untrusted: half the reward waits in escrow (trust: always, as in the AI Horde)
    expect(await ledgerOfJob(job!.id)).toEqual([
      { kind: "escrow_hold", amount: "-5.05" },
      { kind: "generation_reward", amount: "10.11" },
      { kind: "request_charge", amount: "-10.11" },
      { kind: "surcharge_burn", amount: "-1.00" },
    ]);
    const [row] = await ctx.db.query("SELECT things, result, state::text FROM jobs WHERE id = $1", [job!.id]);
    expect(row).toEqual({ things: 80, result: "y".repeat(400), state: "ok" });
    const [wk] = await ctx.db.query<{ id: string; tokens: number; fulfilments: number }>(
      "SELECT id, tokens, fulfilments FROM workers WHERE name = $1",
      [w.name],
    );
    expect(wk).toMatchObject({ tokens: 80, fulfilments: 1 });
    const shown = await ctx.t.gql(
      "query($id: ID!) { worker(id: $id) { kind maxLength maxContextLength softprompts stats { tokens } } }",
      { id: wk!.id },
    );
    expect(shown.data.worker).toEqual({
      kind: "text",
      maxLength: 512,
      maxContextLength: 2048,
      softprompts: [],
      stats: { tokens: 80 },
    });
    expect(await textStatus(ctx.t, id)).toMatchObject({
      done: true,
      finished: 1,
      kudos: 11.11,
      generations: [{ text: "y".repeat(400), model: "koboldcpp/m-13B", tokens: 80, kudos: 10.11, state: "OK" }],
    });
    await expectLedgerBalanced(ctx.db);
  });

  it("pays 30% on a backend that is not validated", async () => {
    await createText(ctx.t, undefined, { prompt: PROMPT });
    const w = await textWorker({ bridgeAgent: "my-own-bridge:1:x" });
    const [job] = await w.pop();
    expect(await submitText(ctx.t, w.owner.apiKey, { id: job!.id })).toMatchObject({ reward: 3.03 });
  });

  it("pays an unknown model's untrusted owner the context multiplier, a trusted owner as a 2.7B model", async () => {
    await createText(ctx.t, undefined, { prompt: PROMPT });
    const untrusted = await textWorker({ models: ["mystery-model"] });
    const [a] = await untrusted.pop();
    expect(await submitText(ctx.t, untrusted.owner.apiKey, { id: a!.id })).toMatchObject({ reward: 1.21 });
    await createText(ctx.t, undefined, { prompt: PROMPT });
    const trusted = await textWorker({ models: ["mystery-model"] }, { trusted: true });
    const [b] = await trusted.pop();
    expect(await submitText(ctx.t, trusted.owner.apiKey, { id: b!.id })).toMatchObject({ reward: 2.62 });
  });

  it("counts at least 20 tokens, and at most maxLength", async () => {
    await createText(ctx.t, undefined, { prompt: PROMPT, params: { maxLength: 16, maxContextLength: 1024 } });
    const w = await textWorker();
    const [job] = await w.pop();
    await submitText(ctx.t, w.owner.apiKey, { id: job!.id, text: "" });
    const [row] = await ctx.db.query<{ things: number }>("SELECT things FROM jobs WHERE id = $1", [job!.id]);
    expect(row!.things).toBe(16);
  });
});

describe("submits that fail", () => {
  it("refuses with stable codes and settles nothing", async () => {
    const imageRequester = await fundedUser(ctx.db, 100);
    await createRequest(ctx.t, imageRequester.apiKey, { prompt: "a cat" });
    const imgOwner = await seedUser(ctx.db);
    const [imageJob] = (await pop(ctx.t, imgOwner.apiKey, { name: `img-${imgOwner.id}`, models: ["stable_diffusion"] }))
      .jobs;
    await createText(ctx.t, undefined, {});
    const w = await textWorker();
    const [job] = await w.pop();
    const stranger = await seedUser(ctx.db);
    expect(outcome(await submitText(ctx.t, w.owner.apiKey, { id: job!.id, text: null }))).toBe("MissingText");
    expect(outcome(await submitText(ctx.t, w.owner.apiKey, { id: job!.id, text: "a\u0000" }))).toBe(
      "InvalidCharacters",
    );
    expect(outcome(await submitText(ctx.t, stranger.apiKey, { id: job!.id }))).toBe("WrongCredentials");
    expect(outcome(await submitText(ctx.t, w.owner.apiKey, { id: "00000000-0000-4000-8000-000000000000" }))).toBe(
      "InvalidJobID",
    );
    expect(outcome(await submitText(ctx.t, imgOwner.apiKey, { id: imageJob!.id }))).toBe("WrongKind");
    expect(await ledgerOfJob(job!.id)).toEqual([]);
    expect(outcome(await submitText(ctx.t, w.owner.apiKey, { id: job!.id, text: "line one\nline two" }))).toBe(
      "SubmitTextJobPayload",
    );
    expect(outcome(await submitText(ctx.t, w.owner.apiKey, { id: job!.id }))).toBe("DuplicateGen");
    // reward, charge, surcharge burn, and the untrusted owner's escrow hold: once each
    expect(await ledgerOfJob(job!.id)).toHaveLength(4);
  });
});

describe("faults and timeouts (§3.6)", () => {
  it("replaces a FAULTED text job and moves no kudos", async () => {
    const id = await createText(ctx.t, undefined, {});
    const w = await textWorker();
    const [job] = await w.pop();
    expect(await submitText(ctx.t, w.owner.apiKey, { id: job!.id, state: "FAULTED", text: null })).toMatchObject({
      reward: 0,
    });
    expect(await ledgerOfJob(job!.id)).toEqual([]);
    expect(await textStatus(ctx.t, id)).toMatchObject({ waiting: 1, processing: 0, finished: 0, faulted: false });
  });

  it("faults the request once more than two distinct workers faulted it", async () => {
    const id = await createText(ctx.t, undefined, {});
    for (let i = 0; i < 3; i++) {
      const w = await textWorker();
      const [job] = await w.pop();
      expect(job).toBeDefined();
      await submitText(ctx.t, w.owner.apiKey, { id: job!.id, state: "FAULTED", text: null });
    }
    expect(await textStatus(ctx.t, id)).toMatchObject({ faulted: true, done: true, waiting: 0 });
    expect(await (await textWorker()).pop()).toEqual([]);
  });

  it("re-queues a job not submitted within 150 s; the late submit is AbortedGen; another worker finishes it", async () => {
    const id = await createText(ctx.t, undefined, {});
    const slow = await textWorker();
    const [job] = await slow.pop();
    expect(job!.ttl).toBe(150);
    clock.advance(149_000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBe(0);
    clock.advance(2_000);
    expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
    expect(await textStatus(ctx.t, id)).toMatchObject({ waiting: 1, processing: 0, restarted: 1 });
    const [wk] = await ctx.db.query("SELECT uncompleted_jobs FROM workers WHERE name = $1", [slow.name]);
    expect(wk).toEqual({ uncompleted_jobs: 1 });
    expect(outcome(await submitText(ctx.t, slow.owner.apiKey, { id: job!.id }))).toBe("AbortedGen");
    const fast = await textWorker();
    const [again] = await fast.pop();
    expect(again!.id).toBe(job!.id);
    expect(outcome(await submitText(ctx.t, fast.owner.apiKey, { id: job!.id }))).toBe("SubmitTextJobPayload");
    expect(await textStatus(ctx.t, id)).toMatchObject({ finished: 1, done: true, restarted: 1 });
  });

  it("faults the request when its jobs timed out on three workers", async () => {
    const id = await createText(ctx.t, undefined, {});
    for (let i = 0; i < 3; i++) {
      const [job] = await (await textWorker()).pop();
      expect(job).toBeDefined();
      clock.advance(151_000);
      expect(await sweepExpiredJobs(ctx.t.deps)).toBe(1);
    }
    expect(await textStatus(ctx.t, id)).toMatchObject({ faulted: true, done: true, restarted: 3 });
  });
});

describe("cancel", () => {
  it("withdraws waiting jobs; a job in a worker's hands still settles and is charged", async () => {
    const requester = await fundedUser(ctx.db, 100);
    const id = await createText(ctx.t, requester.apiKey, { prompt: PROMPT, params: { n: 3 } });
    const w = await textWorker();
    const [job] = await w.pop();
    const c = await ctx.t.gql(CancelTextRequestDocument, { id }, { apikey: requester.apiKey });
    expect(c.data.cancelTextRequest).toMatchObject({
      request: { waiting: 0, processing: 1, done: false, cancelled: true },
    });
    expect(await w.pop()).toEqual([]);
    expect(await submitText(ctx.t, w.owner.apiKey, { id: job!.id })).toMatchObject({ reward: 10.11 });
    expect(await textStatus(ctx.t, id)).toMatchObject({ finished: 1, done: true, kudos: 11.11 });
    await expectLedgerBalanced(ctx.db);
  });
});

describe("subscriptions", () => {
  it("textJobAssigned pushes a job the moment a request fits, and textRequestUpdated streams its text", async () => {
    const owner = await seedUser(ctx.db);
    const feed = subscribe(ctx.t.ws(owner.apiKey), TextJobAssignedDocument, {
      input: { name: `feed-${owner.id}`, models: ["koboldcpp/m-13B"], bridgeAgent: VALIDATED },
    });
    // the feed has parked once its worker is registered
    await expect
      .poll(async () => (await ctx.db.query("SELECT 1 FROM workers WHERE name = $1", [`feed-${owner.id}`])).length)
      .toBe(1);
    const id = await createText(ctx.t, undefined, { prompt: PROMPT });
    const watch = subscribe(ctx.t.ws(), TextRequestUpdatedDocument, { id });
    expect((await watch.next()).data?.textRequestUpdated).toMatchObject({ done: false, finished: 0 });
    const pushed = (await feed.next()).data?.textJobAssigned;
    expect(pushed).toMatchObject({ prompt: PROMPT, model: "koboldcpp/m-13B", params: { n: 1, maxLength: 80 } });
    await submitText(ctx.t, owner.apiKey, { id: pushed!.id, text: "The end." });
    for (;;) {
      const state = (await watch.next()).data?.textRequestUpdated;
      if (state?.done) {
        expect(state).toMatchObject({
          finished: 1,
          generations: [{ text: "The end.", workerName: `feed-${owner.id}` }],
        });
        break;
      }
    }
    await watch.completed();
    feed.unsubscribe();
  });
});
