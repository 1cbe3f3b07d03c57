import {
  CreateTextRequestDocument,
  type CreateTextRequestInput,
  PopTextJobDocument,
  type PopTextJobInput,
  type PopTextJobMutation,
  SubmitTextJobDocument,
  type SubmitTextJobInput,
  type SubmitTextJobMutation,
  TextRequestStatusDocument,
} from "../generated/graphql.ts";
import type { Outcome, TestApp } from "./app.ts";

/** The text kind's helpers (test/documents/text.graphql, `npm run generate`). */

/** Creates a text request and returns its id (fails the test on an error result). */
export async function createText(t: TestApp, apikey: string | undefined, input: Record<string, unknown>) {
  const r = await t.gql(
    CreateTextRequestDocument,
    { input: { prompt: "Once upon a time", ...input } as CreateTextRequestInput },
    { apikey },
  );
  const p = r.data?.createTextRequest;
  if (p?.__typename !== "CreateTextRequestPayload" || !p.request)
    throw new Error(`create failed: ${JSON.stringify(r)}`);
  return p.request.id;
}

export type TextPop = Outcome<PopTextJobMutation["popTextJob"]>;
export type PoppedText = NonNullable<TextPop["jobs"]>[number];

/** Pops for a text worker: the payload's jobs, or the error. */
export async function popText(t: TestApp, apikey: string, input: Record<string, unknown>): Promise<TextPop> {
  const r = await t.gql(PopTextJobDocument, { input: input as PopTextJobInput }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.popTextJob as TextPop;
}

/** The jobs of a pop that must succeed. */
export async function popTextJobs(t: TestApp, apikey: string, input: Record<string, unknown>): Promise<PoppedText[]> {
  const p = await popText(t, apikey, input);
  if (p.__typename !== "PopTextJobPayload") throw new Error(`pop failed: ${p.code}: ${p.message}`);
  return p.jobs ?? [];
}

/** Submits a text job (a text of 400 characters unless `input` says otherwise). */
export async function submitText(t: TestApp, apikey: string, input: Record<string, unknown>) {
  const full = { text: "x".repeat(400), ...input } as SubmitTextJobInput;
  const r = await t.gql(SubmitTextJobDocument, { input: full }, { apikey });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.submitTextJob as Outcome<SubmitTextJobMutation["submitTextJob"]>;
}

/** A text request's status (fails the test when there is none). */
export async function textStatus(t: TestApp, id: string) {
  const r = await t.gql(TextRequestStatusDocument, { id });
  if (r.errors || !r.data.textRequest) throw new Error(JSON.stringify(r.errors ?? "no such text request"));
  return r.data.textRequest;
}
