import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { ONLINE_SECONDS } from "./workers.rules.ts";
import { setWorkerMaintenance } from "./workers.service.ts";

const WorkerStatsRef = builder
  .objectRef<{
    fulfilments: number;
    kudos: number;
    megapixelsteps: number;
    uptime: number;
    speed: number;
    uncompleted: number;
  }>("WorkerStats")
  .implement({
    fields: (t) => ({
      requestsFulfilled: t.exposeInt("fulfilments"),
      kudosRewarded: t.exposeFloat("kudos"),
      megapixelsteps: t.exposeFloat("megapixelsteps"),
      uptime: t.exposeInt("uptime", { description: "Seconds online" }),
      performance: t.float({ description: "Megapixelsteps per second", resolve: (s) => s.speed / 1e6 }),
      uncompletedJobs: t.exposeInt("uncompleted"),
    }),
  });

export const WorkerKindEnum = builder.enumType("WorkerKind", { values: ["image", "text", "alchemy"] as const });

builder.prismaObject("Worker", {
  description: "A volunteer process serving one kind of work",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    kind: t.expose("kind", { type: WorkerKindEnum }),
    owner: t.relation("owner"),
    info: t.exposeString("info", { nullable: true }),
    online: t.boolean({
      description: `Checked in within ${ONLINE_SECONDS} s, or holding a live subscription`,
      select: { lastCheckIn: true },
      resolve: (w, _a, ctx) => ctx.deps.clock.now().getTime() - w.lastCheckIn.getTime() <= ONLINE_SECONDS * 1000,
    }),
    models: t.exposeStringList("models"),
    trusted: t.boolean({ select: { owner: { select: { trusted: true } } }, resolve: (w) => w.owner.trusted }),
    maintenance: t.exposeBoolean("maintenance"),
    paused: t.exposeBoolean("paused"),
    nsfw: t.exposeBoolean("nsfw"),
    maxPixels: t.exposeInt("maxPixels"),
    threads: t.exposeInt("threads"),
    bridgeAgent: t.exposeString("bridgeAgent"),
    img2img: t.exposeBoolean("allowImg2img"),
    painting: t.exposeBoolean("allowPainting"),
    postProcessing: t.exposeBoolean("allowPostProcessing"),
    controlnet: t.exposeBoolean("allowControlnet"),
    lora: t.exposeBoolean("allowLora"),
    lastCheckIn: t.expose("lastCheckIn", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    stats: t.field({
      type: WorkerStatsRef,
      select: {
        fulfilments: true,
        kudos: true,
        megapixelsteps: true,
        uptime: true,
        speed: true,
        uncompletedJobs: true,
      },
      resolve: (w) => ({
        fulfilments: w.fulfilments,
        kudos: Number(w.kudos),
        megapixelsteps: w.megapixelsteps,
        uptime: w.uptime,
        speed: w.speed,
        uncompleted: w.uncompletedJobs,
      }),
    }),
  }),
});

builder.queryFields((t) => ({
  worker: t.prismaField({
    type: "Worker",
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      isUuid(String(args.id))
        ? ctx.deps.db.prisma.worker.findUnique({ ...query, where: { id: String(args.id) } })
        : null,
  }),
  workers: t.prismaConnection(
    {
      type: "Worker",
      cursor: "id",
      defaultSize: 20,
      maxSize: 100,
      description: "Every worker, oldest first",
      resolve: (query, _root, _args, ctx) =>
        ctx.deps.db.prisma.worker.findMany({ ...query, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    },
    { name: "WorkerConnection" },
    { name: "WorkerEdge" },
  ),
}));

const SetWorkerMaintenanceInput = builder.inputType("SetWorkerMaintenanceInput", {
  fields: (t) => ({
    id: t.id({ required: true, description: "The worker" }),
    maintenance: t.boolean({
      required: true,
      description: "In maintenance a worker only receives its owner's requests",
    }),
    message: t.string({ description: "Why, shown to the worker's pops (at most 500 characters)" }),
  }),
});

const SetWorkerMaintenancePayload = builder.objectRef<{ workerId: string }>("SetWorkerMaintenancePayload").implement({
  fields: (t) => ({
    worker: t.prismaField({
      type: "Worker",
      resolve: (query, p, _args, ctx) =>
        ctx.deps.db.prisma.worker.findUniqueOrThrow({ ...query, where: { id: p.workerId } }),
    }),
  }),
});

builder.mutationField("setWorkerMaintenance", (t) =>
  t.field({
    type: SetWorkerMaintenancePayload,
    description:
      "The worker's owner or a moderator puts it in maintenance or takes it out (a worker that drops too many jobs is put there automatically)",
    args: { input: t.arg({ type: SetWorkerMaintenanceInput, required: true }) },
    errors: resultOf("SetWorkerMaintenance"),
    resolve: async (_root, { input }, ctx) => ({
      workerId: await setWorkerMaintenance(ctx.deps, ctx.viewer, {
        id: String(input.id),
        maintenance: input.maintenance,
        message: input.message,
      }),
    }),
  }),
);
