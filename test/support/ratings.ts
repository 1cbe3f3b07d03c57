import { ManualClock } from "../../src/infra/clock.ts";
import type { Db } from "../../src/infra/db.ts";
import { sweepRetention } from "../../src/tasks/index.ts";
import {
  type CreateImageRequestInput,
  RateImageDocument,
  type RateImageInput,
  type RateImageMutation,
  RequestSharingDocument,
} from "../generated/graphql.ts";
import type { Outcome, TestApp } from "./app.ts";
import { CREATE, pop, submit } from "./queue.ts";

/** The ratings documents under short names (test/documents/ratings.graphql). */
export const RATE = RateImageDocument;
export const SHARING = RequestSharingDocument;

const SD = ["stable_diffusion"];

/** A worker owned by `owner`: pops for it and submits every job it gets. */
export async function serveAll(t: TestApp, owner: { apiKey: string; id: number }, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { jobs } = await pop(t, owner.apiKey, { name: `rw-${owner.id}`, models: SD, allowImg2img: true });
    const job = jobs[0];
    if (!job) throw new Error(`no job for worker ${owner.id} on pop ${i}`);
    // a GPU's time (10 s): a job done in no time is UNREASONABLY_FAST, and five pause the worker
    if (t.deps.clock instanceof ManualClock) t.deps.clock.advance(10_000);
    const r = await submit(t, owner.apiKey, { id: job.id });
    if (r.__typename !== "SubmitImageJobPayload") throw new Error(JSON.stringify(r));
    ids.push(job.id);
  }
  return ids;
}

/** Creates a request (fails on an error result) and returns its id and the price it was told. */
export async function makeRequest(
  t: TestApp,
  apikey: string | undefined,
  input: Record<string, unknown>,
): Promise<{ id: string; kudos: number; warnings: string[] }> {
  const r = await t.gql(CREATE, { input: { models: SD, ...input } as CreateImageRequestInput }, { apikey });
  const p = r.data?.createImageRequest;
  if (p?.__typename !== "CreateImageRequestPayload" || !p.request)
    throw new Error(`create failed: ${JSON.stringify(r)}`);
  return { id: p.request.id, kudos: p.kudos, warnings: p.warnings };
}

/** A request made by `apikey` and finished by `owner`'s worker; returns its id and its images' ids. */
export async function finishedRequest(
  t: TestApp,
  apikey: string | undefined,
  owner: { apiKey: string; id: number },
  input: Record<string, unknown>,
): Promise<{ id: string; jobs: string[] }> {
  const { id } = await makeRequest(t, apikey, input);
  const n = (input.params as { n?: number } | undefined)?.n ?? 1;
  return { id, jobs: await serveAll(t, owner, n) };
}

/** Rates an image; returns the outcome (payload or error). */
export async function rate(
  t: TestApp,
  apikey: string | undefined,
  input: RateImageInput,
): Promise<Outcome<RateImageMutation["rateImage"]>> {
  const r = await t.gql(RATE, { input }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.rateImage as Outcome<RateImageMutation["rateImage"]>;
}

/** Runs the retention sweep now (stamp what ended, purge what is due). */
export function retain(t: TestApp) {
  return sweepRetention(t.deps);
}

/** Every row of every table in the public schema, as text, for "nothing of it remains" checks. */
export async function everyRowAsText(db: Db): Promise<string> {
  const tables = await db.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await db.query<{ t: string }>(`SELECT t::text AS t FROM ${name} t`);
    parts.push(...rows.map((r) => `${name}: ${r.t}`));
  }
  return parts.join("\n");
}

/** The rating rewards in the ledger for a request (kind rating_reward), in cents. */
export async function ratingRewardsOf(db: Db, requestId: string): Promise<number> {
  const rows = await db.query<{ c: string }>(
    "SELECT coalesce(sum(amount), 0) * 100 AS c FROM kudos_ledger WHERE kind = 'rating_reward' AND request_id = $1",
    [requestId],
  );
  return Math.round(Number(rows[0]?.c ?? 0));
}
