import { builder } from "../../graphql/builder.ts";
import { blobUrl } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import { workerGate } from "../moderation/moderation.service.ts";
import { GenMetadataInput } from "../requests/gen-metadata.graphql.ts";
import { GenerationState } from "../requests/requests.graphql.ts";
import type { ImageParams, Lora } from "../requests/requests.rules.ts";
import { checkInImageWorker } from "../workers/workers.service.ts";
import { openFeed } from "./jobs.feed.ts";
import { popImageJobs, submitImageJob } from "./jobs.service.ts";
import type { ClaimedJob } from "./jobs.sql.ts";

const LoraRef = builder.objectRef<Lora>("Lora").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    model: t.exposeFloat("model", { description: "Strength on the model" }),
    clip: t.exposeFloat("clip", { description: "Strength on CLIP" }),
    isVersion: t.exposeBoolean("isVersion"),
  }),
});

const ImageParamsRef = builder.objectRef<ImageParams & { jobSeed: string }>("ImageParams").implement({
  description: "What to generate, every default applied",
  fields: (t) => ({
    width: t.exposeInt("width"),
    height: t.exposeInt("height"),
    steps: t.exposeInt("steps"),
    samplerName: t.exposeString("samplerName"),
    cfgScale: t.exposeFloat("cfgScale"),
    seed: t.string({ description: "The seed to use for this job", resolve: (p) => p.jobSeed }),
    denoisingStrength: t.exposeFloat("denoisingStrength", { nullable: true }),
    postProcessing: t.exposeStringList("postProcessing"),
    karras: t.exposeBoolean("karras"),
    hiresFix: t.exposeBoolean("hiresFix"),
    clipSkip: t.exposeInt("clipSkip"),
    tiling: t.exposeBoolean("tiling"),
    loras: t.field({ type: [LoraRef], resolve: (p) => p.loras }),
    controlType: t.exposeString("controlType", { nullable: true }),
    returnControlMap: t.exposeBoolean("returnControlMap"),
  }),
});

export const ImageJobRef = builder.objectRef<ClaimedJob>("ImageJob").implement({
  description:
    "One image to generate, already claimed for the worker that receives it. It carries no request id: " +
    "a worker has no business with the request (knowing its id would let it cancel it)",
  fields: (t) => ({
    id: t.exposeID("id"),
    prompt: t.exposeString("prompt"),
    model: t.exposeString("model"),
    params: t.field({
      type: ImageParamsRef,
      resolve: (j) => ({ ...(j.params as unknown as ImageParams), jobSeed: j.seed ?? "" }),
    }),
    sourceImageUrl: t.string({
      nullable: true,
      resolve: (j, _a, ctx) => (j.source_image_key ? blobUrl(ctx, j.source_image_key) : null),
    }),
    sourceMaskUrl: t.string({
      nullable: true,
      resolve: (j, _a, ctx) => (j.source_mask_key ? blobUrl(ctx, j.source_mask_key) : null),
    }),
    sourceProcessing: t.exposeString("source_processing", { nullable: true }),
    useNsfwCensor: t.boolean({
      description:
        "Whether the worker must censor NSFW output: the request is not NSFW, or asked for censoring " +
        "(the AI Horde's use_nsfw_censor)",
      // Read from the parameters the claim already returned; a request stored before the flag
      // existed is censored, the safe side.
      resolve: (j) => (j.params as { useNsfwCensor?: unknown }).useNsfwCensor !== false,
    }),
    ttl: t.exposeInt("ttl", { description: "Seconds the worker has before the job goes back to the queue" }),
    deadline: t.expose("deadline", { type: "DateTime" }),
  }),
});

const PopImageJobInput = builder.inputType("PopImageJobInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "The worker's name; first use by a user registers it" }),
    models: t.stringList({ required: true }),
    maxPixels: t.int({ description: "Default 262144 (512×512)" }),
    nsfw: t.boolean(),
    blacklist: t.stringList({ description: "Words: requests whose prompt contains one are skipped" }),
    allowImg2img: t.boolean(),
    allowPainting: t.boolean(),
    allowPostProcessing: t.boolean(),
    allowControlnet: t.boolean(),
    allowLora: t.boolean(),
    amount: t.int({ description: "How many jobs of one request a pop may return (batching), 1–20" }),
    threads: t.int(),
    bridgeAgent: t.string(),
    maxConcurrentJobs: t.int({ description: "Subscription only: jobs out unsubmitted at a time, 1–20 (default 1)" }),
  }),
});

const PopImageJobPayload = builder.objectRef<{ jobs: ClaimedJob[] }>("PopImageJobPayload").implement({
  fields: (t) => ({
    jobs: t.field({ type: [ImageJobRef], description: "Empty: nothing fits now", resolve: (p) => p.jobs }),
  }),
});

builder.mutationField("popImageJob", (t) =>
  t.field({
    type: PopImageJobPayload,
    args: { input: t.arg({ type: PopImageJobInput, required: true }) },
    errors: resultOf("PopImageJob"),
    resolve: async (_root, { input }, ctx) => ({ jobs: (await popImageJobs(ctx.deps, ctx.viewer, input)).jobs }),
  }),
);

const SubmitImageJobInput = builder.inputType("SubmitImageJobInput", {
  fields: (t) => ({
    genMetadata: t.field({
      type: [GenMetadataInput],
      description: "What happened to the request's inputs and output, at most 20 entries (the AI Horde's gen_metadata)",
    }),
    id: t.id({ required: true, description: "The job" }),
    image: t.string({ description: "Base64 WEBP, PNG or JPEG; omitted only when the state is FAULTED" }),
    seed: t.string({ required: true }),
    state: t.field({ type: GenerationState, description: "Default OK" }),
  }),
});

const SubmitImageJobPayload = builder.objectRef<{ reward: number }>("SubmitImageJobPayload").implement({
  fields: (t) => ({ reward: t.exposeFloat("reward", { description: "Kudos the worker's owner earned" }) }),
});

builder.mutationField("submitImageJob", (t) =>
  t.field({
    type: SubmitImageJobPayload,
    args: { input: t.arg({ type: SubmitImageJobInput, required: true }) },
    errors: resultOf("SubmitImageJob"),
    resolve: (_root, { input }, ctx) =>
      submitImageJob(ctx.deps, ctx.viewer, {
        id: String(input.id),
        image: input.image,
        seed: input.seed,
        state: input.state,
        genMetadata: input.genMetadata?.map((e) =>
          e.ref == null ? { type: e.type, value: e.value } : { ...e, ref: e.ref },
        ),
      }),
  }),
);

builder.subscriptionField("imageJobAssigned", (t) =>
  t.field({
    type: ImageJobRef,
    description:
      "The worker's feed: each event is a job already claimed for it; at most maxConcurrentJobs are out unsubmitted",
    args: { input: t.arg({ type: PopImageJobInput, required: true }) },
    subscribe: async (_root, { input }, ctx) => {
      // trust (issue 11): the same checks as a pop (IP blocks, invite-only, workers per address)
      const gate = workerGate(ctx.deps, ctx.viewer);
      const { worker, declaration } = await checkInImageWorker(ctx.deps, ctx.viewer, input, gate);
      return openFeed(ctx.deps, worker, declaration, ctx.signal);
    },
    resolve: (job) => job,
  }),
);
