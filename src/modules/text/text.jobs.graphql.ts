import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import type { ClaimedJob } from "../jobs/jobs.service.ts";
import { GenMetadataInput } from "../requests/gen-metadata.graphql.ts";
import { GenerationState } from "../requests/requests.graphql.ts";
import type { TextParams } from "./text.rules.ts";
import { openTextFeed, popTextJobs, submitTextJob } from "./text.worker.service.ts";

/** A text job's parameters as the worker gets them: the request's, with `n` always 1 (§3.4). */
const TextJobParamsRef = builder.objectRef<TextParams>("TextJobParams").implement({
  description:
    "The KoboldAI parameters to generate with (the AI Horde's names in camelCase); a knob that is null " +
    "was not set by the requester: use the backend's default",
  fields: (t) => ({
    n: t.int({ description: "Always 1: each job is one text", resolve: () => 1 }),
    maxLength: t.exposeInt("maxLength"),
    maxContextLength: t.exposeInt("maxContextLength"),
    temperature: t.exposeFloat("temperature", { nullable: true }),
    topP: t.exposeFloat("topP", { nullable: true }),
    topK: t.exposeInt("topK", { nullable: true }),
    topA: t.exposeFloat("topA", { nullable: true }),
    typical: t.exposeFloat("typical", { nullable: true }),
    tfs: t.exposeFloat("tfs", { nullable: true }),
    minP: t.exposeFloat("minP", { nullable: true }),
    repPen: t.exposeFloat("repPen", { nullable: true }),
    repPenRange: t.exposeInt("repPenRange", { nullable: true }),
    repPenSlope: t.exposeFloat("repPenSlope", { nullable: true }),
    smoothingFactor: t.exposeFloat("smoothingFactor", { nullable: true }),
    dynatempRange: t.exposeFloat("dynatempRange", { nullable: true }),
    dynatempExponent: t.exposeFloat("dynatempExponent", { nullable: true }),
    samplerOrder: t.exposeIntList("samplerOrder", { nullable: true }),
    stopSequence: t.exposeStringList("stopSequence", { nullable: true }),
    useDefaultBadwordsids: t.exposeBoolean("useDefaultBadwordsids", { nullable: true }),
    singleline: t.exposeBoolean("singleline", { nullable: true }),
    frmtadsnsp: t.exposeBoolean("frmtadsnsp", { nullable: true }),
    frmtrmblln: t.exposeBoolean("frmtrmblln", { nullable: true }),
    frmtrmspch: t.exposeBoolean("frmtrmspch", { nullable: true }),
    frmttriminc: t.exposeBoolean("frmttriminc", { nullable: true }),
  }),
});

export const TextJobRef = builder.objectRef<ClaimedJob>("TextJob").implement({
  description:
    "One text to generate, already claimed for the worker that receives it. It carries no request id " +
    "(knowing it would let a worker cancel the request)",
  fields: (t) => ({
    id: t.exposeID("id"),
    prompt: t.exposeString("prompt"),
    model: t.exposeString("model"),
    softprompt: t.string({ description: "Empty: none", resolve: (j) => j.softprompt ?? "" }),
    params: t.field({
      type: TextJobParamsRef,
      resolve: (j) => ({
        ...(j.params as unknown as TextParams),
        maxLength: j.max_length,
        maxContextLength: j.max_context_length,
      }),
    }),
    ttl: t.exposeInt("ttl", { description: "Seconds the worker has before the job goes back to the queue" }),
    deadline: t.expose("deadline", { type: "DateTime" }),
  }),
});

const PopTextJobInput = builder.inputType("PopTextJobInput", {
  fields: (t) => ({
    name: t.string({
      required: true,
      description: "The worker's name; first use by a user registers it as a text worker",
    }),
    models: t.stringList({
      required: true,
      description: "1–200 model names; a size tag in a name (13B, 8x7B, 350M) prices its tokens",
    }),
    maxLength: t.int({ description: "The longest generation it takes, tokens (default 512)" }),
    maxContextLength: t.int({ description: "The longest context it takes, tokens (default 2048)" }),
    softprompts: t.stringList({ description: "Softprompts it has loaded, at most 100" }),
    nsfw: t.boolean({ description: "Default false" }),
    threads: t.int({ description: "1–100 (default 1)" }),
    amount: t.int({ description: "Jobs one pop may return, 1–20 (default 1)" }),
    maxConcurrentJobs: t.int({ description: "Subscription only: jobs out unsubmitted at a time, 1–20 (default 1)" }),
    bridgeAgent: t.string({ description: "name:version:url of the bridge" }),
  }),
});

const PopTextJobPayload = builder.objectRef<{ jobs: ClaimedJob[] }>("PopTextJobPayload").implement({
  fields: (t) => ({
    jobs: t.field({ type: [TextJobRef], description: "Empty: nothing fits now", resolve: (p) => p.jobs }),
  }),
});

builder.mutationField("popTextJob", (t) =>
  t.field({
    type: PopTextJobPayload,
    args: { input: t.arg({ type: PopTextJobInput, required: true }) },
    errors: resultOf("PopTextJob"),
    resolve: async (_root, { input }, ctx) => ({ jobs: await popTextJobs(ctx.deps, ctx.viewer, input) }),
  }),
);

builder.subscriptionField("textJobAssigned", (t) =>
  t.field({
    type: TextJobRef,
    description:
      "A text worker's feed: each event is a text job already claimed for it; at most maxConcurrentJobs are out unsubmitted",
    args: { input: t.arg({ type: PopTextJobInput, required: true }) },
    subscribe: (_root, { input }, ctx) => openTextFeed(ctx.deps, ctx.viewer, input, ctx.signal),
    resolve: (job) => job,
  }),
);

const SubmitTextJobInput = builder.inputType("SubmitTextJobInput", {
  fields: (t) => ({
    id: t.id({ required: true, description: "The job" }),
    text: t.string({ description: "The generated text, at most 262,144 characters; omitted only when FAULTED" }),
    state: t.field({ type: GenerationState, description: "Default OK" }),
    seed: t.string({ description: "The seed the backend used (default 0)" }),
    genMetadata: t.field({ type: [GenMetadataInput], description: "At most 20 entries (the AI Horde's gen_metadata)" }),
  }),
});

const SubmitTextJobPayload = builder.objectRef<{ reward: number }>("SubmitTextJobPayload").implement({
  fields: (t) => ({ reward: t.exposeFloat("reward", { description: "Kudos the worker's owner earned" }) }),
});

builder.mutationField("submitTextJob", (t) =>
  t.field({
    type: SubmitTextJobPayload,
    args: { input: t.arg({ type: SubmitTextJobInput, required: true }) },
    errors: resultOf("SubmitTextJob"),
    resolve: (_root, { input }, ctx) =>
      submitTextJob(ctx.deps, ctx.viewer, {
        id: String(input.id),
        text: input.text,
        state: input.state,
        seed: input.seed,
        genMetadata: input.genMetadata?.map((e) =>
          e.ref == null ? { type: e.type, value: e.value } : { ...e, ref: e.ref },
        ),
      }),
  }),
);
