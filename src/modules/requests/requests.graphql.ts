import DataLoader from "dataloader";
import { builder } from "../../graphql/builder.ts";
import { blobUrl, type Context, perRequest } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { GenMetadataRef } from "./gen-metadata.graphql.ts";
import type { CreateImageRequestInput as RulesInput } from "./requests.rules.ts";
import {
  cancelImageRequest,
  createImageRequest,
  type GenerationRow,
  generationsOfMany,
  type QueueRow,
  queueStandings,
  type RequestRow,
  requestsByIds,
} from "./requests.service.ts";
import { requestEnded, statusOf, watchRequest } from "./requests.watch.ts";

// Reads hang off the row object itself, so each state a subscription emits gets fresh data
// while a query still reads each request once.
const memo = new WeakMap<RequestRow, Map<string, Promise<unknown>>>();
function once<T>(row: RequestRow, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(row);
  if (!m) {
    m = new Map();
    memo.set(row, m);
  }
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    m.set(key, p);
  }
  return p;
}

/**
 * Batches the generations of the requests a list shows (`User.requests`) into one statement. No
 * cache: a subscription keeps its context for its life, and each state it emits must read afresh
 * (the row memo above already reads each row once).
 */
function generationsBatch(ctx: Context) {
  return perRequest(
    ctx,
    "generationsBatch",
    () =>
      new DataLoader<string, GenerationRow[]>(
        async (ids) => {
          const rows = await generationsOfMany(ctx.deps, ids);
          return ids.map((id) => rows.filter((g) => g.request_id === id));
        },
        { cache: false },
      ),
  );
}

function generationsOfRow(ctx: Context, row: RequestRow): Promise<GenerationRow[]> {
  return once(row, "generations", () => generationsBatch(ctx).load(row.id));
}

/** Batches the queue standings of the requests a list shows; no cache, as generationsBatch. */
function queueBatch(ctx: Context) {
  return perRequest(
    ctx,
    "queueBatch",
    () =>
      new DataLoader<string, QueueRow | null>(
        async (ids) => {
          const byId = await queueStandings(ctx.deps, ids);
          return ids.map((id) => byId.get(id) ?? null);
        },
        { cache: false },
      ),
  );
}

function queueOf(ctx: Context, row: RequestRow): Promise<QueueRow | null> {
  return once(row, "queue", () => queueBatch(ctx).load(row.id));
}

/** Per-operation loader: every request an operation names, read in one statement. */
function requestLoader(ctx: Context) {
  return perRequest(
    ctx,
    "requests",
    () =>
      new DataLoader<string, RequestRow | null>(async (ids) => {
        const byId = new Map((await requestsByIds(ctx.deps, ids)).map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}

/** Reads one request's row, or null (bad ids included). */
function loadRequest(ctx: Context, id: string): Promise<RequestRow | null> {
  return isUuid(id) ? requestLoader(ctx).load(id.toLowerCase()) : Promise.resolve(null);
}

export const GenerationState = builder.enumType("GenerationState", {
  values: {
    OK: { value: "ok" },
    CENSORED: { value: "censored" },
    FAULTED: { value: "faulted" },
    CSAM: { value: "csam" },
  } as const,
});

const GenerationRef = builder.objectRef<GenerationRow>("Generation").implement({
  description: "One finished image of a request",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The job id" }),
    imageUrl: t.string({
      description: "Where the image is served (empty when the worker's filter withheld it)",
      resolve: (g, _a, ctx) => (g.image_key ? blobUrl(ctx, g.image_key) : ""),
    }),
    seed: t.string({ resolve: (g) => g.seed ?? "" }),
    model: t.string({ resolve: (g) => g.model ?? "" }),
    workerId: t.exposeID("worker_id"),
    workerName: t.exposeString("worker_name"),
    censored: t.boolean({ resolve: (g) => g.state !== "ok" }),
    state: t.field({ type: GenerationState, resolve: (g) => g.state }),
    genMetadata: t.field({
      type: [GenMetadataRef],
      description: "What the worker reported about this image (the AI Horde's gen_metadata); empty when nothing",
      resolve: (g) => g.gen_metadata ?? [],
    }),
  }),
});

export const ImageRequestRef = builder.objectRef<RequestRow>("ImageRequest").implement({
  description: "An image request (the AI Horde's waiting prompt): n images, each done as one job",
  fields: (t) => ({
    id: t.exposeID("id"),
    n: t.exposeInt("n"),
    prompt: t.exposeString("prompt"),
    models: t.exposeStringList("models"),
    width: t.exposeInt("width"),
    height: t.exposeInt("height"),
    waiting: t.exposeInt("waiting", { description: "Jobs not yet handed to a worker" }),
    processing: t.exposeInt("processing", { description: "Jobs a worker is doing now" }),
    finished: t.exposeInt("finished", { description: "Images done" }),
    restarted: t.exposeInt("restarted", { description: "Times a job was re-queued after its worker ran out of time" }),
    faulted: t.boolean({ resolve: (r) => statusOf(r).faulted }),
    done: t.boolean({ resolve: (r) => requestEnded(r) }),
    cancelled: t.exposeBoolean("cancelled"),
    expired: t.exposeBoolean("expired"),
    shared: t.exposeBoolean("shared", {
      description:
        "Whether its images go to the ratings dataset: asked for with shared, always for Anonymous, never with a source image",
    }),
    kudos: t.float({ description: "Kudos consumed so far", resolve: (r) => Number(r.kudos) }),
    queuePosition: t.int({
      description:
        "1 for the next request served; 0 when nothing of it is waiting. From a queue ranking refreshed at most once a second",
      resolve: async (r, _a, ctx) =>
        r.waiting > 0 && !statusOf(r).done ? ((await queueOf(ctx, r))?.position ?? 0) : 0,
    }),
    waitTime: t.int({
      description:
        "Estimated seconds until done, from the work queued ahead (a ranking refreshed at most once a second) and the online workers' speed",
      resolve: async (r, _a, ctx) => {
        if (statusOf(r).done || r.expired) return 0;
        const q = await queueOf(ctx, r);
        if (!q || q.online_speed <= 0) return 0;
        const own = r.width * r.height * r.steps * (r.waiting + r.processing);
        return Math.ceil((q.pixelsteps_ahead + own) / q.online_speed);
      },
    }),
    isPossible: t.boolean({
      description: "Some online worker could serve it (or one is already working on it)",
      resolve: async (r, _a, ctx) => r.processing > 0 || ((await queueOf(ctx, r))?.possible ?? false),
    }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    expiresAt: t.expose("expires_at", { type: "DateTime" }),
    generations: t.field({
      type: [GenerationRef],
      resolve: (r, _a, ctx) => generationsOfRow(ctx, r),
    }),
  }),
});

builder.queryField("imageRequest", (t) =>
  t.field({
    type: ImageRequestRef,
    nullable: true,
    description: "A request's status and results; anyone who knows the id may read it",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => loadRequest(ctx, String(args.id)),
  }),
);

const LoraInput = builder.inputType("LoraInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    model: t.float(),
    clip: t.float(),
    isVersion: t.boolean(),
  }),
});

const ImageParamsInput = builder.inputType("ImageParamsInput", {
  fields: (t) => ({
    width: t.int({ description: "Multiple of 64, 64–3072 (default 512)" }),
    height: t.int({ description: "Multiple of 64, 64–3072 (default 512)" }),
    steps: t.int({ description: "1–500 (default 30)" }),
    n: t.int({ description: "Images, 1–20 (default 1)" }),
    samplerName: t.string({ description: "Default k_euler_a" }),
    cfgScale: t.float({ description: "0–100, at most 2 decimals (default 7.5)" }),
    seed: t.string(),
    denoisingStrength: t.float({ description: "0.01–1, for img2img" }),
    postProcessing: t.stringList(),
    karras: t.boolean(),
    hiresFix: t.boolean(),
    clipSkip: t.int({ description: "1–12 (default 1)" }),
    loras: t.field({ type: [LoraInput] }),
    controlType: t.string(),
    returnControlMap: t.boolean(),
    tiling: t.boolean(),
  }),
});

const CreateImageRequestInput = builder.inputType("CreateImageRequestInput", {
  fields: (t) => ({
    prompt: t.string({ required: true }),
    params: t.field({ type: ImageParamsInput }),
    models: t.stringList({ description: "Empty: any model" }),
    nsfw: t.boolean(),
    censorNsfw: t.boolean({
      description:
        "Have NSFW output censored even when nsfw is true (default false); a request that is not nsfw is always censored",
    }),
    trustedWorkers: t.boolean(),
    slowWorkers: t.boolean(),
    extraSlowWorkers: t.boolean({
      description: "Let extra-slow workers (extraSlowWorker on their pop) take it (default false)",
    }),
    workers: t.idList({ description: "At most 5 worker ids: an allow list, or a deny list with workerBlacklist" }),
    workerBlacklist: t.boolean(),
    sourceImage: t.string({ description: "Base64 PNG, WEBP or JPEG" }),
    sourceProcessing: t.string({ description: "img2img | inpainting | outpainting" }),
    sourceMask: t.string(),
    shared: t.boolean(),
    dryRun: t.boolean({ description: "Price it and create nothing" }),
    allowDowngrade: t.boolean({ description: "Scale it down to the free size instead of asking for kudos upfront" }),
  }),
});

const CreateImageRequestPayload = builder
  .objectRef<{ requestId: string | null; kudos: number; warnings: string[] }>("CreateImageRequestPayload")
  .implement({
    fields: (t) => ({
      request: t.field({
        type: ImageRequestRef,
        nullable: true,
        description: "Null for a dry run",
        resolve: (p, _a, ctx) => (p.requestId ? loadRequest(ctx, p.requestId) : null),
      }),
      kudos: t.exposeFloat("kudos", { description: "The request's estimated total price" }),
      warnings: t.exposeStringList("warnings"),
    }),
  });

builder.mutationField("createImageRequest", (t) =>
  t.field({
    type: CreateImageRequestPayload,
    args: { input: t.arg({ type: CreateImageRequestInput, required: true }) },
    errors: resultOf("CreateImageRequest"),
    resolve: (_root, { input }, ctx) => createImageRequest(ctx.deps, ctx.viewer, input as RulesInput),
  }),
);

const CancelImageRequestPayload = builder.objectRef<{ requestId: string }>("CancelImageRequestPayload").implement({
  fields: (t) => ({
    request: t.field({
      type: ImageRequestRef,
      resolve: async (p, _a, ctx) => (await loadRequest(ctx, p.requestId)) as RequestRow,
    }),
  }),
});

builder.mutationField("cancelImageRequest", (t) =>
  t.field({
    type: CancelImageRequestPayload,
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("CancelImageRequest"),
    resolve: async (_root, args, ctx) => ({
      requestId: await cancelImageRequest(ctx.deps, ctx.viewer, String(args.id)),
    }),
  }),
);

builder.subscriptionField("imageRequestUpdated", (t) =>
  t.field({
    type: ImageRequestRef,
    description: "The request's state at once, then after every change; completes when it has ended",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => watchRequest(ctx.deps, String(args.id).toLowerCase(), ctx.signal),
    resolve: (row) => row,
  }),
);
