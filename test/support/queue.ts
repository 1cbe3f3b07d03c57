import type { Db } from "../../src/infra/db.ts";
import { makePng } from "../../src/modules/requests/test-images.ts";
import type { TestApp } from "./app.ts";

/** A small valid PNG as base64, what a simulated worker submits. */
export const PNG_B64 = makePng(64, 64).toString("base64");

export const CREATE = `mutation($input: CreateImageRequestInput!) {
  createImageRequest(input: $input) {
    __typename
    ... on CreateImageRequestPayload { kudos warnings request { id n waiting processing finished done } }
    ... on Error { code message }
  }
}`;

export const POP = `mutation($input: PopImageJobInput!) {
  popImageJob(input: $input) {
    __typename
    ... on PopImageJobPayload { jobs { id requestId prompt model ttl params { width height steps seed samplerName } sourceImageUrl sourceProcessing } }
    ... on Error { code message }
  }
}`;

export const SUBMIT = `mutation($input: SubmitImageJobInput!) {
  submitImageJob(input: $input) {
    __typename
    ... on SubmitImageJobPayload { reward }
    ... on Error { code message }
  }
}`;

export const STATUS = `query($id: ID!) {
  imageRequest(id: $id) {
    id n waiting processing finished restarted faulted done cancelled expired kudos queuePosition waitTime isPossible
    generations { id imageUrl seed model workerId workerName censored state }
  }
}`;

export const FEED = `subscription($input: PopImageJobInput!) {
  imageJobAssigned(input: $input) { id requestId prompt model ttl params { width height steps seed } }
}`;

export const WATCH = `subscription($id: ID!) {
  imageRequestUpdated(id: $id) { id waiting processing finished done cancelled generations { id imageUrl state } }
}`;

/** Creates a request and returns its id (fails the test on an error result). */
export async function createRequest(
  t: TestApp,
  apikey: string | undefined,
  input: Record<string, unknown>,
): Promise<string> {
  const r = await t.gql(CREATE, { input }, { apikey });
  const p = r.data?.createImageRequest;
  if (p?.__typename !== "CreateImageRequestPayload") throw new Error(`create failed: ${JSON.stringify(r)}`);
  return p.request.id;
}

/** Pops for a worker and returns the payload (jobs) or the error. */
export async function pop(t: TestApp, apikey: string, input: Record<string, unknown>) {
  const r = await t.gql(POP, { input }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.popImageJob;
}

export async function submit(t: TestApp, apikey: string, input: Record<string, unknown>) {
  const r = await t.gql(SUBMIT, { input: { seed: "1", image: PNG_B64, ...input } }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.submitImageJob;
}

export async function status(t: TestApp, id: string) {
  const r = await t.gql(STATUS, { id });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.imageRequest;
}

/**
 * Withdraws every job and request still in play, so a test starts from an empty queue even when
 * earlier tests in its file left work behind (each file shares one database).
 */
export async function resetQueue(db: Db): Promise<void> {
  await db.query("UPDATE jobs SET state = 'cancelled' WHERE state IN ('waiting', 'processing')");
  await db.query("UPDATE requests SET cancelled = true WHERE NOT cancelled");
}

/** Makes every worker registered so far count as offline (last check-in long ago). */
export async function offlineWorkers(db: Db): Promise<void> {
  await db.query("UPDATE workers SET last_check_in = '2000-01-01T00:00:00Z'");
}

/**
 * Polls until `check` returns a truthy value, for state nothing can be awaited on (rows another
 * process writes). Bounded by a deadline, not a number of tries: fails after `ms`, naming `what`.
 * The gap between checks starts at 1 ms and doubles up to 50 ms, so a quick change is seen at
 * once and a slow one costs few checks.
 */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, ms = 5_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (let gap = 1; ; gap = Math.min(gap * 2, 50)) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, Math.min(gap, left)));
  }
}

/** The error code of a mutation result, or its payload type name when it succeeded. */
export function outcome(result: { __typename: string; code?: string }): string {
  return result.code ?? result.__typename;
}

/** Counts the rows of a query with one `count` column. */
export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params);
  return rows[0]?.n ?? 0;
}
