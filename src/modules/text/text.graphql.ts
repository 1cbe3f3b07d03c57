import DataLoader from "dataloader";
import { builder } from "../../graphql/builder.ts";
import { type Context, perRequest } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { requestStatus } from "../queue/queue.rules.ts";
import { GenMetadataRef } from "../requests/gen-metadata.graphql.ts";
import { GenerationState } from "../requests/requests.graphql.ts";
import { watchRequest } from "../requests/requests.service.ts";
import type { CreateTextRequestInput as RulesInput } from "./text.rules.ts";
import {
  cancelTextRequest,
  createTextRequest,
  type TextGenerationRow,
  type TextRequestRow,
  textGenerationsOf,
  textRequestsByIds,
} from "./text.service.ts";

function statusOf(r: TextRequestRow) {
  return requestStatus({
    n: r.n,
    waiting: r.waiting,
    processing: r.processing,
    finished: r.finished,
    restarted: r.restarted,
    faultedJobs: r.faulted_jobs,
    cancelled: r.cancelled,
    faulted: r.faulted,
  });
}

/** Per-operation loader of text requests: every id an operation names, read in one statement. */
function requestLoader(ctx: Context) {
  return perRequest(
    ctx,
    "textRequests",
    () =>
      new DataLoader<string, TextRequestRow | null>(async (ids) => {
        const byId = new Map((await textRequestsByIds(ctx.deps, ids)).map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}

function loadTextRequest(ctx: Context, id: string): Promise<TextRequestRow | null> {
  return isUuid(id) ? requestLoader(ctx).load(id.toLowerCase()) : Promise.resolve(null);
}

/**
 * Generations of the requests an operation shows, in one statement. No cache: a subscription
 * keeps its context for its life, and each state it emits must read afresh; the row memo keeps
 * one read per emitted row.
 */
function generationsLoader(ctx: Context) {
  return perRequest(
    ctx,
    "textGenerations",
    () =>
      new DataLoader<string, TextGenerationRow[]>(
        async (ids) => {
          const rows = await textGenerationsOf(ctx.deps, ids);
          return ids.map((id) => rows.filter((g) => g.request_id === id));
        },
        { cache: false },
      ),
  );
}

const generationsMemo = new WeakMap<TextRequestRow, Promise<TextGenerationRow[]>>();
function generationsOf(ctx: Context, row: TextRequestRow): Promise<TextGenerationRow[]> {
  let p = generationsMemo.get(row);
  if (!p) {
    p = generationsLoader(ctx).load(row.id);
    generationsMemo.set(row, p);
  }
  return p;
}

const TextGenerationRef = builder.objectRef<TextGenerationRow>("TextGeneration").implement({
  description: "One finished text of a request",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The job" }),
    text: t.exposeString("text"),
    model: t.string({ resolve: (g) => g.model ?? "" }),
    seed: t.string({ resolve: (g) => g.seed ?? "0" }),
    workerId: t.exposeID("worker_id"),
    workerName: t.exposeString("worker_name"),
    state: t.field({ type: GenerationState, resolve: (g) => g.state }),
    tokens: t.float({ description: "Tokens it counted for (what it was priced by)", resolve: (g) => g.things ?? 0 }),
    kudos: t.float({ description: "What its worker earned", resolve: (g) => Number(g.kudos ?? 0) }),
    genMetadata: t.field({
      type: [GenMetadataRef],
      description: "What the worker reported (the AI Horde's gen_metadata); empty when nothing",
      resolve: (g) => g.gen_metadata ?? [],
    }),
  }),
});

export const TextRequestRef = builder.objectRef<TextRequestRow>("TextRequest").implement({
  description: "A text request (the AI Horde's text waiting prompt): n texts, each done as one job",
  fields: (t) => ({
    id: t.exposeID("id"),
    n: t.exposeInt("n"),
    prompt: t.exposeString("prompt"),
    models: t.exposeStringList("models"),
    maxLength: t.exposeInt("max_length"),
    maxContextLength: t.exposeInt("max_context_length"),
    softprompt: t.string({ resolve: (r) => r.softprompt ?? "" }),
    waiting: t.exposeInt("waiting", { description: "Jobs not yet handed to a worker" }),
    processing: t.exposeInt("processing", { description: "Jobs a worker is doing now" }),
    finished: t.exposeInt("finished", { description: "Texts done" }),
    restarted: t.exposeInt("restarted", { description: "Times a job was re-queued after its worker ran out of time" }),
    faulted: t.boolean({ resolve: (r) => statusOf(r).faulted }),
    done: t.boolean({ resolve: (r) => r.expired || statusOf(r).done }),
    cancelled: t.exposeBoolean("cancelled"),
    expired: t.exposeBoolean("expired"),
    kudos: t.float({ description: "Kudos consumed so far", resolve: (r) => Number(r.kudos) }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    expiresAt: t.expose("expires_at", { type: "DateTime" }),
    generations: t.field({ type: [TextGenerationRef], resolve: (r, _a, ctx) => generationsOf(ctx, r) }),
  }),
});

builder.queryField("textRequest", (t) =>
  t.field({
    type: TextRequestRef,
    nullable: true,
    description: "A text request's status and texts; anyone who knows the id may read it",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => loadTextRequest(ctx, String(args.id)),
  }),
);

const TextParamsInput = builder.inputType("TextParamsInput", {
  description:
    "The KoboldAI generation parameters (the AI Horde's names in camelCase). Sampling knobs left out " +
    "are left to the worker's backend",
  fields: (t) => ({
    n: t.int({ description: "Texts, 1–20 (default 1)" }),
    maxLength: t.int({ description: "Tokens to generate, 16–4096 (default 80)" }),
    maxContextLength: t.int({ description: "Tokens of context, 80–1048576, at least maxLength (default 1024)" }),
    temperature: t.float({ description: "0–5" }),
    topP: t.float({ description: "0.001–1" }),
    topK: t.int({ description: "0–200" }),
    topA: t.float({ description: "0–1" }),
    typical: t.float({ description: "0–1" }),
    tfs: t.float({ description: "0–1" }),
    minP: t.float({ description: "0–1" }),
    repPen: t.float({ description: "Repetition penalty, 1–3" }),
    repPenRange: t.int({ description: "0–4096" }),
    repPenSlope: t.float({ description: "0–10" }),
    smoothingFactor: t.float({ description: "0–10" }),
    dynatempRange: t.float({ description: "0–5" }),
    dynatempExponent: t.float({ description: "0–5" }),
    samplerOrder: t.intList({ description: "All 7 samplers (0–6), each once" }),
    stopSequence: t.stringList({ description: "At most 128, totalling at most 2000 characters" }),
    useDefaultBadwordsids: t.boolean(),
    singleline: t.boolean(),
    frmtadsnsp: t.boolean(),
    frmtrmblln: t.boolean(),
    frmtrmspch: t.boolean(),
    frmttriminc: t.boolean(),
  }),
});

const CreateTextRequestInput = builder.inputType("CreateTextRequestInput", {
  fields: (t) => ({
    prompt: t.string({ required: true }),
    params: t.field({ type: TextParamsInput }),
    models: t.stringList({ description: "At most 20; empty: any model" }),
    softprompt: t.string({ description: "A softprompt the worker must have; empty: none" }),
    nsfw: t.boolean({ description: "Default false" }),
    trustedWorkers: t.boolean({ description: "Only workers of trusted owners (default false)" }),
    slowWorkers: t.boolean({ description: "Default true; false excludes slow workers and needs kudos upfront" }),
    validatedBackends: t.boolean({ description: "Only workers running a validated backend (default false)" }),
    workers: t.idList({ description: "At most 5 text worker ids: an allow list, or a deny list with workerBlacklist" }),
    workerBlacklist: t.boolean(),
    dryRun: t.boolean({ description: "Price it and create nothing" }),
    allowDowngrade: t.boolean({ description: "Shorten it to the free length instead of asking for kudos upfront" }),
  }),
});

const CreateTextRequestPayload = builder
  .objectRef<{ requestId: string | null; kudos: number; warnings: string[] }>("CreateTextRequestPayload")
  .implement({
    fields: (t) => ({
      request: t.field({
        type: TextRequestRef,
        nullable: true,
        description: "Null for a dry run",
        resolve: (p, _a, ctx) => (p.requestId ? loadTextRequest(ctx, p.requestId) : null),
      }),
      kudos: t.exposeFloat("kudos", { description: "The request's estimated total price" }),
      warnings: t.exposeStringList("warnings"),
    }),
  });

builder.mutationField("createTextRequest", (t) =>
  t.field({
    type: CreateTextRequestPayload,
    args: { input: t.arg({ type: CreateTextRequestInput, required: true }) },
    errors: resultOf("CreateTextRequest"),
    resolve: (_root, { input }, ctx) => createTextRequest(ctx.deps, ctx.viewer, input as RulesInput),
  }),
);

const CancelTextRequestPayload = builder.objectRef<{ requestId: string }>("CancelTextRequestPayload").implement({
  fields: (t) => ({
    request: t.field({
      type: TextRequestRef,
      resolve: async (p, _a, ctx) => (await loadTextRequest(ctx, p.requestId)) as TextRequestRow,
    }),
  }),
});

builder.mutationField("cancelTextRequest", (t) =>
  t.field({
    type: CancelTextRequestPayload,
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("CancelTextRequest"),
    resolve: async (_root, args, ctx) => ({
      requestId: await cancelTextRequest(ctx.deps, ctx.viewer, String(args.id)),
    }),
  }),
);

builder.subscriptionField("textRequestUpdated", (t) =>
  t.field({
    type: TextRequestRef,
    description:
      "The text request's state at once, then after every change (with the texts as they come); completes when it has ended",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) =>
      watchRequest<TextRequestRow>(ctx.deps, String(args.id).toLowerCase(), ctx.signal, async (id) => {
        return (await textRequestsByIds(ctx.deps, [id]))[0];
      }),
    resolve: (row) => row,
  }),
);
