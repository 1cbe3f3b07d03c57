import { builder } from "../../graphql/builder.ts";
import { modelEta, perThreadSpeed } from "../stats/horde-stats.rules.ts";
import { WorkerKindEnum } from "../workers/workers.graphql.ts";
import { ONLINE_SECONDS } from "../workers/workers.rules.ts";
import { listModels, type ModelRow } from "./models.service.ts";

const ROLLUP =
  "Rolled up: as of the last statistics roll-up (every 15 s, covering jobs finished until 15 s before it).";

const ModelGenerationsRef = builder.objectRef<ModelRow>("ModelGenerations").implement({
  description: `Images generated with a model (censored ones included, faulted jobs not). ${ROLLUP}`,
  fields: (t) => ({
    day: t.exposeFloat("day", { description: `The 24 hours up to the roll-up, in whole hours. ${ROLLUP}` }),
    month: t.exposeFloat("month", { description: `The 30 days up to the roll-up, in whole hours. ${ROLLUP}` }),
    total: t.exposeFloat("total", { description: `Since the horde started. ${ROLLUP}` }),
  }),
});

const ModelRef = builder.objectRef<ModelRow>("Model").implement({
  description:
    "A model, with who serves it now, what waits for it and what it generated (AI Horde /status/models). One statement for a whole list, whatever fields are asked.",
  fields: (t) => ({
    name: t.exposeString("name"),
    type: t.field({ type: WorkerKindEnum, description: "The kind of work", resolve: (m) => m.kind }),
    baseline: t.exposeString("baseline"),
    nsfw: t.exposeBoolean("nsfw"),
    inpainting: t.exposeBoolean("inpainting"),
    description: t.exposeString("description"),
    workerCount: t.exposeInt("workers", {
      description: `Online workers serving it (checked in within ${ONLINE_SECONDS} s; maintenance and paused included). Live.`,
    }),
    count: t.exposeInt("threads", {
      description:
        "Threads of the online workers serving it that are neither in maintenance nor paused (AI Horde count). Live.",
    }),
    jobs: t.exposeInt("jobs", {
      description:
        "Waiting jobs whose request names it (a request naming several models counts for each; one that accepts any model for none). Live.",
    }),
    queued: t.exposeFloat("queued", {
      description: "Megapixelsteps of those waiting jobs (text: the tokens they ask for; AI Horde queued). Live.",
    }),
    parameters: t.float({
      nullable: true,
      description:
        "Text models: its size in parameters, as workers declared it (its name's size tag, e.g. 13B); null when unknown or not text",
      resolve: (m) => m.parameters ?? null,
    }),
    eta: t.int({
      nullable: true,
      description:
        "Seconds until its waiting jobs are done: queued / (one thread's speed × min(count, jobs)), rounded up; the speed is its performance, or the serving workers' average speed when it has none. 0 when nothing waits; null when no active worker serves it. Live queue, speed as of the roll-up.",
      resolve: (m) =>
        modelEta({
          queued: m.queued,
          jobs: m.jobs,
          threads: m.threads,
          perThread: perThreadSpeed(m.hourPerformance, m.workerSpeed),
        }),
    }),
    performance: t.float({
      nullable: true,
      description: `Average megapixelsteps per second of its jobs over the 60 minutes up to the roll-up; null when none finished. ${ROLLUP}`,
      resolve: (m) => (m.hourPerformance === null ? null : m.hourPerformance / 1e6),
    }),
    generations: t.field({
      type: ModelGenerationsRef,
      description: `Images generated over the day, month and in total. ${ROLLUP}`,
      resolve: (m) => m,
    }),
  }),
});

builder.queryField("models", (t) =>
  t.field({
    type: [ModelRef],
    description:
      "The known models of a kind, with their load, ETA, performance and generations (AI Horde /status/models)",
    args: { kind: t.arg({ type: WorkerKindEnum, defaultValue: "image" }) },
    resolve: (_root, args, ctx) => listModels(ctx.deps, args.kind ?? "image"),
  }),
);

builder.queryField("model", (t) =>
  t.field({
    type: ModelRef,
    nullable: true,
    description: "One known image model by its exact name (AI Horde /status/models/{name}); null when unknown",
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => (await listModels(ctx.deps, "image", args.name))[0] ?? null,
  }),
);
