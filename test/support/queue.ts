import type { Deps } from "../../src/deps.ts";
import type { Db } from "../../src/infra/db.ts";
import { feedHub } from "../../src/modules/jobs/jobs.feed.ts";
import { makePng } from "../../src/modules/requests/test-images.ts";
import {
  CancelImageRequestDocument,
  CreateImageRequestDocument,
  type CreateImageRequestInput,
  ImageJobAssignedDocument,
  ImageRequestStatusDocument,
  ImageRequestUpdatedDocument,
  PopImageJobDocument,
  type PopImageJobInput,
  type PopImageJobMutation,
  SubmitImageJobDocument,
  type SubmitImageJobInput,
  type SubmitImageJobMutation,
} from "../generated/graphql.ts";
import type { Outcome, TestApp } from "./app.ts";

/** A small valid PNG as base64, what a simulated worker submits. */
export const PNG_B64 = makePng(64, 64).toString("base64");

/**
 * The queue's typed documents under the short names the tests use (test/documents/queue.graphql,
 * `npm run generate`).
 */
export const CREATE = CreateImageRequestDocument;
export const POP = PopImageJobDocument;
export const SUBMIT = SubmitImageJobDocument;
export const STATUS = ImageRequestStatusDocument;
export const FEED = ImageJobAssignedDocument;
export const WATCH = ImageRequestUpdatedDocument;
export const CANCEL = CancelImageRequestDocument;

/** Re-exported: the type tests read mutation results as. */
export type { Outcome } from "./app.ts";

/**
 * Creates a request and returns its id (fails the test on an error result). The input is loose
 * on purpose: tests send what a client might, wrong types included.
 */
export async function createRequest(
  t: TestApp,
  apikey: string | undefined,
  input: Record<string, unknown>,
): Promise<string> {
  const r = await t.gql(CreateImageRequestDocument, { input: input as CreateImageRequestInput }, { apikey });
  const p = r.data?.createImageRequest;
  if (p?.__typename !== "CreateImageRequestPayload" || !p.request)
    throw new Error(`create failed: ${JSON.stringify(r)}`);
  return p.request.id;
}

/** A popped job, with the request it belongs to read from the database for the assertions. */
export type PoppedJob = Extract<
  PopImageJobMutation["popImageJob"],
  { __typename: "PopImageJobPayload" }
>["jobs"][number] & {
  requestId?: string;
};

/** What {@link pop} answers: the jobs (none on an error) or the error's code and message. */
export type Popped = Omit<Outcome<PopImageJobMutation["popImageJob"]>, "jobs"> & { jobs: PoppedJob[] };

/**
 * Pops for a worker and returns the payload (jobs) or the error. Workers are never told request
 * ids; for the tests' assertions each job gets its `requestId` read from the database.
 */
export async function pop(t: TestApp, apikey: string, input: Record<string, unknown>): Promise<Popped> {
  const r = await t.gql(PopImageJobDocument, { input: input as PopImageJobInput }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  const payload = r.data.popImageJob as Outcome<PopImageJobMutation["popImageJob"]>;
  const jobs: PoppedJob[] = payload.jobs ?? [];
  if (jobs.length) {
    const rows = await t.deps.db.query<{ id: string; request_id: string }>(
      "SELECT id, request_id FROM jobs WHERE id = ANY($1::uuid[])",
      [jobs.map((j) => j.id)],
    );
    const byId = new Map(rows.map((row) => [row.id, row.request_id]));
    for (const j of jobs) j.requestId = byId.get(j.id);
  }
  return { ...payload, jobs };
}

/** The request a job belongs to, from the database (workers are never told it). */
export async function requestOf(db: Db, jobId: string): Promise<string | undefined> {
  const rows = await db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [jobId]);
  return rows[0]?.request_id;
}

/** Submits a job: a small PNG and seed "1" unless `input` says otherwise (loose, as above). */
export async function submit(
  t: TestApp,
  apikey: string,
  input: Record<string, unknown>,
): Promise<Outcome<SubmitImageJobMutation["submitImageJob"]>> {
  const full = { seed: "1", image: PNG_B64, ...input } as SubmitImageJobInput;
  const r = await t.gql(SubmitImageJobDocument, { input: full }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.submitImageJob as Outcome<SubmitImageJobMutation["submitImageJob"]>;
}

/** A request's status as its requester sees it (fails the test when there is no such request). */
export async function status(t: TestApp, id: string) {
  const r = await t.gql(ImageRequestStatusDocument, { id });
  if (r.errors || !r.data.imageRequest) throw new Error(JSON.stringify(r.errors ?? "no such request"));
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

/** Resolves when `deps`' feed hub next parks a feed (its claim found nothing, or no room). */
export function nextPark(deps: Pick<Deps, "feeds">): Promise<void> {
  const hub = feedHub(deps);
  return new Promise((resolve) => {
    const park = hub.park.bind(hub);
    hub.park = (f) => {
      hub.park = park;
      const seq = park(f);
      resolve();
      return seq;
    };
  });
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
