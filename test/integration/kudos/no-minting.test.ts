/**
 * A generation never creates kudos. Property: whatever a user does with their own requests and
 * their own worker (requests with their key or a shared key, pops, submits OK, CENSORED, CSAM
 * and FAULTED, retried submits, cancels, jobs left to time out), no step raises their balance.
 * Random sequences from a seeded generator (the seed is in the failure message), run through
 * the API against a real database (PGlite, or Postgres with DATABASE_URL). Tasks are off, so
 * uptime (which does create kudos, by design) is not in play.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { sweepExpiredJobs } from "../../../src/tasks/index.ts";
import { useTestApp } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import { balance, CREATE_KEY, expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { CANCEL, CREATE, createRequest, outcome, pop, resetQueue, submit } from "../../support/queue.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });

const SEQUENCES = onPostgres ? 8 : 4;
const STEPS = 30;

/** A deterministic generator, so a failing run can be replayed from its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Action =
  | "request"
  | "keyRequest"
  | "pop"
  | "ok"
  | "censored"
  | "csam"
  | "faulted"
  | "retry"
  | "cancel"
  | "timeout";
const ACTIONS: Action[] = [
  "request",
  "keyRequest",
  "pop",
  "ok",
  "censored",
  "csam",
  "faulted",
  "retry",
  "cancel",
  "timeout",
];

describe("no kudos from a user's own requests", () => {
  it("no sequence of a user's own requests and submits raises their balance", async () => {
    for (let run = 0; run < SEQUENCES; run++) {
      const seed = 1000 + run;
      // only this user's requests are in the queue: serving someone else's would earn honestly
      await resetQueue(ctx.db);
      const rand = rng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const user = await fundedUser(ctx.db, 500);
      const made = await ctx.t.gql(CREATE_KEY, { input: { name: "self key", kudos: -1 } }, { apikey: user.apiKey });
      const key = made.data.createSharedKey.key as string;
      const worker = { name: `self-${user.id}`, models: ["stable_diffusion"], threads: 4 };
      const requests: string[] = [];
      const held: string[] = [];
      const submitted: string[] = [];
      const trace: string[] = [];
      let before = await balance(ctx.db, user.id);
      for (let step = 0; step < STEPS; step++) {
        const action = pick(ACTIONS);
        const n = 1 + Math.floor(rand() * 3);
        let what: string = action;
        if (action === "request" || action === "keyRequest") {
          const apikey = action === "request" ? user.apiKey : key;
          const r = await ctx.t.gql(CREATE, { input: { prompt: `mine ${step}`, params: { n } } }, { apikey });
          const p = r.data.createImageRequest;
          if (p.request) requests.push(p.request.id);
          what = `${action}:${outcome(p)}`;
        } else if (action === "pop") {
          const jobs = (await pop(ctx.t, user.apiKey, worker)).jobs ?? [];
          held.push(...jobs.map((j: { id: string }) => j.id));
          what = `pop:${jobs.length}`;
        } else if (["ok", "censored", "csam", "faulted"].includes(action) && held.length > 0) {
          const id = held.splice(Math.floor(rand() * held.length), 1)[0]!;
          const state = action.toUpperCase();
          const r = await submit(ctx.t, user.apiKey, { id, state, ...(state === "FAULTED" ? { image: null } : {}) });
          what = `${action}:${outcome(r)}`;
          submitted.push(id);
        } else if (action === "retry" && submitted.length > 0) {
          what = `retry:${outcome(await submit(ctx.t, user.apiKey, { id: pick(submitted), state: pick(["OK", "CENSORED"]) }))}`;
        } else if (action === "cancel" && requests.length > 0) {
          const r = await ctx.t.gql(CANCEL, { id: pick(requests) }, { apikey: pick([user.apiKey, key]) });
          what = `cancel:${outcome(r.data.cancelImageRequest)}`;
        } else if (action === "timeout") {
          clock.advance(151_000);
          what = `timeout:${await sweepExpiredJobs(ctx.t.deps)}`;
          held.length = 0;
        }
        trace.push(what);
        const after = await balance(ctx.db, user.id);
        expect(after, `seed ${seed}, steps ${trace.join(" ")}`).toBeLessThanOrEqual(before);
        before = after;
      }
      // Whatever is still held is submitted CENSORED: the cheapest way to finish, and still no gain.
      for (const id of held.splice(0)) await submit(ctx.t, user.apiKey, { id, state: "CENSORED" });
      expect(await balance(ctx.db, user.id), `seed ${seed}`).toBeLessThanOrEqual(500);
    }
    await expectLedgerBalanced(ctx.db);
  }, 300_000);

  it("censoring one's own 20-image request on one's own worker costs exactly the horde tax", async () => {
    await resetQueue(ctx.db);
    // trusted, so no part of the reward waits in escrow and the balance alone tells
    const user = await fundedUser(ctx.db, 500, { trusted: true });
    const id = await createRequest(ctx.t, user.apiKey, { prompt: "self-censored", params: { n: 20 } });
    const start = await balance(ctx.db, user.id);
    let earned = 0;
    for (let i = 0; i < 20; i++) {
      const [job] = (await pop(ctx.t, user.apiKey, { name: `censor-${user.id}`, models: ["stable_diffusion"] })).jobs;
      expect(job!.requestId).toBe(id);
      earned += (await submit(ctx.t, user.apiKey, { id: job!.id, state: "CENSORED" })).reward;
    }
    expect(earned).toBeGreaterThan(0);
    expect(await balance(ctx.db, user.id)).toBe(start);
    await expectLedgerBalanced(ctx.db);
  }, 120_000);
});
