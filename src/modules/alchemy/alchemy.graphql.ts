import DataLoader from "dataloader";
import { builder } from "../../graphql/builder.ts";
import { blobUrl, type Context, perRequest } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import type { ClaimedJob } from "../jobs/jobs.service.ts";
import { GenerationState } from "../requests/requests.graphql.ts";
import { aggregateState, type FormState, formKind, formStateOf } from "./alchemy.rules.ts";
import {
  type AlchemyRow,
  alchemyEnded,
  alchemyRequestsByIds,
  createAlchemyRequest,
  type FormRow,
  type CreateAlchemyRequestInput as ServiceInput,
  watchAlchemyRequest,
} from "./alchemy.service.ts";
import { cancelAlchemyRequest, openAlchemyFeed, popAlchemyJobs, submitAlchemyJob } from "./alchemy.workers.service.ts";

/** Per-operation loader: every alchemy request an operation names, read in one statement. */
function alchemyLoader(ctx: Context) {
  return perRequest(
    ctx,
    "alchemyRequests",
    () =>
      new DataLoader<string, AlchemyRow | null>(async (ids) => {
        const byId = new Map((await alchemyRequestsByIds(ctx.deps, ids)).map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}

/** Reads one alchemy request, or null (bad ids and other kinds included). */
export function loadAlchemyRequest(ctx: Context, id: string): Promise<AlchemyRow | null> {
  return isUuid(id) ? alchemyLoader(ctx).load(id.toLowerCase()) : Promise.resolve(null);
}

function statesOf(row: AlchemyRow): FormState[] {
  return row.forms.map((f) => formStateOf(f.state));
}

const AlchemyFormRef = builder.objectRef<FormRow>("AlchemyForm").implement({
  description: "One form of an alchemy request: one job a worker does on the source image",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The form's job id" }),
    name: t.exposeString("name", { description: "caption, interrogation, nsfw, … or a post-processor" }),
    state: t.string({
      description: "WAITING, PROCESSING, DONE, CANCELLED or FAULTED",
      resolve: (f) => formStateOf(f.state),
    }),
    result: t.field({
      type: "JSON",
      nullable: true,
      description:
        "The worker's result once DONE: {caption}, {nsfw}, {interrogation: {tags…}}, …; a post-processor's is {<form>: image URL}",
      resolve: (f, _a, ctx) => {
        if (formKind(f.name) === "image") return f.image_key ? { [f.name]: blobUrl(ctx, f.image_key) } : null;
        return f.result ?? null;
      },
    }),
    workerId: t.id({ nullable: true, resolve: (f) => f.worker_id }),
    workerName: t.string({ nullable: true, resolve: (f) => f.worker_name }),
    kudos: t.float({
      nullable: true,
      description: "What the requester paid for it, once settled",
      resolve: (f) => (f.kudos === null ? null : Number(f.kudos)),
    }),
  }),
});

export const AlchemyRequestRef = builder.objectRef<AlchemyRow>("AlchemyRequest").implement({
  description: "An alchemy request (the AI Horde's interrogation): one source image and the forms to do on it",
  fields: (t) => ({
    id: t.exposeID("id"),
    done: t.boolean({
      description: "Every form is DONE, CANCELLED or FAULTED (or the request expired)",
      resolve: (r) => alchemyEnded(r),
    }),
    state: t.string({
      description: "waiting, processing, partial (some forms done), done or faulted (every form faulted)",
      resolve: (r) => aggregateState(statesOf(r)),
    }),
    forms: t.field({ type: [AlchemyFormRef], resolve: (r) => r.forms }),
    width: t.exposeInt("width"),
    height: t.exposeInt("height"),
    imageTiles: t.exposeInt("image_tiles", { description: "512×512 tiles covering the image" }),
    sourceImageUrl: t.string({
      description: "Where workers fetch the image: the URL given, or where the upload is served",
      resolve: (r, _a, ctx) => r.source_image_url ?? (r.source_image_key ? blobUrl(ctx, r.source_image_key) : ""),
    }),
    trustedWorkers: t.exposeBoolean("trusted_workers"),
    slowWorkers: t.exposeBoolean("slow_workers"),
    cancelled: t.exposeBoolean("cancelled"),
    expired: t.exposeBoolean("expired"),
    kudos: t.float({ description: "Kudos paid so far", resolve: (r) => Number(r.kudos) }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    expiresAt: t.expose("expires_at", { type: "DateTime" }),
  }),
});

builder.queryField("alchemyRequest", (t) =>
  t.field({
    type: AlchemyRequestRef,
    nullable: true,
    description: "An alchemy request's forms and results; anyone who knows the id may read it",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => loadAlchemyRequest(ctx, String(args.id)),
  }),
);

const AlchemyFormInput = builder.inputType("AlchemyFormInput", {
  fields: (t) => ({
    name: t.string({
      required: true,
      description: "caption, interrogation, nsfw, vectorize, palette, describe, aesthetic, or a post-processor",
    }),
    payload: t.field({ type: "JSON", description: "A JSON object passed to the worker, at most 4 KB" }),
  }),
});

const CreateAlchemyRequestInput = builder.inputType("CreateAlchemyRequestInput", {
  fields: (t) => ({
    sourceImage: t.string({ description: "Base64 PNG, WEBP or JPEG, at most 5 MB; or give sourceImageUrl" }),
    sourceImageUrl: t.string({ description: "An http(s) URL of the image, at most 5 MB; or give sourceImage" }),
    forms: t.field({ type: [AlchemyFormInput], required: true, description: "A repeated name is ignored" }),
    trustedWorkers: t.boolean({ description: "Only workers of trusted users (default false)" }),
    slowWorkers: t.boolean({ description: "Accept slow workers (default true; each form then costs 1 more)" }),
    dryRun: t.boolean({ description: "Price it and create nothing" }),
  }),
});

const CreateAlchemyRequestPayload = builder
  .objectRef<{ requestId: string | null; kudos: number }>("CreateAlchemyRequestPayload")
  .implement({
    fields: (t) => ({
      request: t.field({
        type: AlchemyRequestRef,
        nullable: true,
        description: "Null for a dry run",
        resolve: (p, _a, ctx) => (p.requestId ? loadAlchemyRequest(ctx, p.requestId) : null),
      }),
      kudos: t.exposeFloat("kudos", { description: "What every form costs once delivered; nothing is charged before" }),
    }),
  });

builder.mutationField("createAlchemyRequest", (t) =>
  t.field({
    type: CreateAlchemyRequestPayload,
    args: { input: t.arg({ type: CreateAlchemyRequestInput, required: true }) },
    errors: resultOf("CreateAlchemyRequest"),
    resolve: (_root, { input }, ctx) => createAlchemyRequest(ctx.deps, ctx.viewer, input as ServiceInput),
  }),
);

builder.subscriptionField("alchemyRequestUpdated", (t) =>
  t.field({
    type: AlchemyRequestRef,
    description: "The request's forms at once, then after every change; completes when every form has settled",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => watchAlchemyRequest(ctx.deps, String(args.id), ctx.signal),
    resolve: (row) => row,
  }),
);

// ───────────────────────────── cancel ─────────────────────────────

const CancelAlchemyRequestPayload = builder.objectRef<{ requestId: string }>("CancelAlchemyRequestPayload").implement({
  fields: (t) => ({
    request: t.field({
      type: AlchemyRequestRef,
      resolve: async (p, _a, ctx) => (await loadAlchemyRequest(ctx, p.requestId)) as AlchemyRow,
    }),
  }),
});

builder.mutationField("cancelAlchemyRequest", (t) =>
  t.field({
    type: CancelAlchemyRequestPayload,
    description:
      "Cancels the waiting forms; forms a worker already holds are paid now as if delivered (reference §3.6)",
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("CancelAlchemyRequest"),
    resolve: async (_root, args, ctx) => ({
      requestId: await cancelAlchemyRequest(ctx.deps, ctx.viewer, String(args.id)),
    }),
  }),
);

// ───────────────────────────── workers ─────────────────────────────

export const AlchemyJobRef = builder.objectRef<ClaimedJob>("AlchemyJob").implement({
  description:
    "One form to do on one image, already claimed for the worker that receives it (no request id: a worker has no business with the request)",
  fields: (t) => ({
    id: t.exposeID("id"),
    form: t.string({ resolve: (j) => j.model }),
    payload: t.field({
      type: "JSON",
      description: "The requester's payload for this form ({} when none)",
      resolve: (j) => j.payload ?? {},
    }),
    sourceImageUrl: t.string({
      description: "Where to fetch the image: the requester's URL, or where the upload is served",
      resolve: (j, _a, ctx) => j.source_image_url ?? (j.source_image_key ? blobUrl(ctx, j.source_image_key) : ""),
    }),
    imageTiles: t.exposeInt("image_tiles"),
    width: t.exposeInt("width"),
    height: t.exposeInt("height"),
    ttl: t.exposeInt("ttl", { description: "Seconds the worker has before the form goes back to the queue" }),
    deadline: t.expose("deadline", { type: "DateTime" }),
  }),
});

const PopAlchemyJobInput = builder.inputType("PopAlchemyJobInput", {
  fields: (t) => ({
    name: t.string({
      required: true,
      description: "The worker's name; first use by a user registers it as an alchemist",
    }),
    forms: t.stringList({ required: true, description: "The forms it does; unknown names are ignored" }),
    maxTiles: t.int({ description: "Largest image in 512×512 tiles, 1–255 (default 80)" }),
    amount: t.int({ description: "Forms a pop may return, 1–20 (default 1)" }),
    threads: t.int(),
    bridgeAgent: t.string(),
    maxConcurrentJobs: t.int({ description: "Subscription only: forms out unsubmitted at a time, 1–20 (default 1)" }),
    priorityUsernames: t.stringList({
      description:
        "alias#id names; checked, then unused, as in the AI Horde (its interrogation pop never applies them)",
    }),
  }),
});

const PopAlchemyJobPayload = builder.objectRef<{ jobs: ClaimedJob[] }>("PopAlchemyJobPayload").implement({
  fields: (t) => ({
    jobs: t.field({ type: [AlchemyJobRef], description: "Empty: nothing fits now", resolve: (p) => p.jobs }),
  }),
});

builder.mutationField("popAlchemyJob", (t) =>
  t.field({
    type: PopAlchemyJobPayload,
    args: { input: t.arg({ type: PopAlchemyJobInput, required: true }) },
    errors: resultOf("PopAlchemyJob"),
    resolve: async (_root, { input }, ctx) => ({ jobs: await popAlchemyJobs(ctx.deps, ctx.viewer, input) }),
  }),
);

builder.subscriptionField("alchemyJobAssigned", (t) =>
  t.field({
    type: AlchemyJobRef,
    description:
      "The alchemist's feed: each event is a form already claimed for it; at most maxConcurrentJobs are out unsubmitted",
    args: { input: t.arg({ type: PopAlchemyJobInput, required: true }) },
    subscribe: (_root, { input }, ctx) => openAlchemyFeed(ctx.deps, ctx.viewer, input, ctx.signal),
    resolve: (job) => job,
  }),
);

const SubmitAlchemyJobInput = builder.inputType("SubmitAlchemyJobInput", {
  fields: (t) => ({
    id: t.id({ required: true, description: "The form's job id" }),
    result: t.field({
      type: "JSON",
      description:
        "{caption}, {nsfw}, {interrogation: {<category>: [{text, confidence}]}}, … or {image: base64} for a post-processor; omitted only when FAULTED",
    }),
    state: t.field({ type: GenerationState, description: "OK (default) or FAULTED" }),
  }),
});

const SubmitAlchemyJobPayload = builder.objectRef<{ reward: number }>("SubmitAlchemyJobPayload").implement({
  fields: (t) => ({ reward: t.exposeFloat("reward", { description: "Kudos the worker's owner earned" }) }),
});

builder.mutationField("submitAlchemyJob", (t) =>
  t.field({
    type: SubmitAlchemyJobPayload,
    args: { input: t.arg({ type: SubmitAlchemyJobInput, required: true }) },
    errors: resultOf("SubmitAlchemyJob"),
    resolve: (_root, { input }, ctx) =>
      submitAlchemyJob(ctx.deps, ctx.viewer, { id: String(input.id), result: input.result, state: input.state }),
  }),
);
