import type { Prisma } from "../../../generated/prisma/client.ts";
import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { nameKey } from "../../lib/names.ts";
import { checkWorkerFilter, type WorkerFilter } from "./workers.filter.rules.ts";
import { ONLINE_SECONDS, onlineSince } from "./workers.rules.ts";
import { setWorkerMaintenance } from "./workers.service.ts";

/** What `WorkerStats` resolves from: the worker's counters, read with the worker's row. */
export interface WorkerStatsParent {
  workerId: string;
  kind: "image" | "text" | "alchemy";
  tokens: number;
  forms: number;
  fulfilments: number;
  kudos: number;
  uptimeKudos: number;
  megapixelsteps: number;
  uptime: number;
  speed: number;
  uncompleted: number;
  faulted: number;
  timedOut: number;
}

const WorkerKudosDetailsRef = builder.objectRef<{ generated: number; uptime: number }>("WorkerKudosDetails").implement({
  description: "A worker's kudos by how it earned them (the AI Horde's worker kudos_details). Live counters.",
  fields: (t) => ({
    generated: t.exposeFloat("generated", { description: "Earned for jobs" }),
    uptime: t.exposeFloat("uptime", { description: "Earned for being online (every 10 minutes)" }),
  }),
});

/**
 * A worker's statistics. The fields here are counters on the worker's row, kept in the same
 * statement as what they count, so they are live and cost no statement of their own; the
 * windowed figures (src/modules/stats/entity-stats.graphql.ts) are aggregated from its jobs.
 */
export const WorkerStatsRef = builder.objectRef<WorkerStatsParent>("WorkerStats").implement({
  description:
    "A worker's statistics. Counters are live (updated with each job); windowed figures are computed from its finished jobs when asked, one statement per page of workers.",
  fields: (t) => ({
    requestsFulfilled: t.exposeInt("fulfilments", { description: "Jobs finished, ever. Live counter." }),
    kudosRewarded: t.exposeFloat("kudos", { description: "Kudos earned for jobs and uptime, ever. Live counter." }),
    kudosDetails: t.field({
      type: WorkerKudosDetailsRef,
      description: "kudosRewarded split into jobs and uptime. Live counters.",
      resolve: (s) => ({ generated: Math.round((s.kudos - s.uptimeKudos) * 100) / 100, uptime: s.uptimeKudos }),
    }),
    megapixelsteps: t.exposeFloat("megapixelsteps", {
      description: "Megapixelsteps generated, ever (image workers; 0 for others). Live counter.",
    }),
    tokens: t.exposeFloat("tokens", { description: "Tokens generated, ever (text workers). Live counter." }),
    forms: t.exposeFloat("forms", { description: "Alchemy forms done, ever (alchemy workers). Live counter." }),
    uptime: t.exposeInt("uptime", { description: "Seconds online, ever. Counted by the uptime sweep (every minute)." }),
    performance: t.float({
      description:
        "A rolling average (each finished job weighs 20%), updated with each job: megapixelsteps per second for an image worker, tokens per second for a text worker, seconds per form for an alchemy worker",
      resolve: (s) => (s.kind === "image" ? s.speed / 1e6 : s.speed),
    }),
    uncompletedJobs: t.exposeInt("uncompleted", {
      description: "Jobs dropped, ever: timed out plus submitted FAULTED. Live counter.",
    }),
    faultedJobs: t.exposeInt("faulted", { description: "Jobs the worker submitted FAULTED, ever. Live counter." }),
    timedOutJobs: t.exposeInt("timedOut", {
      description: "Jobs taken back and re-queued because the worker held them past their TTL, ever. Live counter.",
    }),
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
    sdxlControlnet: t.exposeBoolean("allowSdxlControlnet"),
    extraSlowWorker: t.exposeBoolean("extraSlow", {
      description: "Takes only requests that allow extra-slow workers; its jobs get 3× the TTL",
    }),
    limitMaxSteps: t.exposeBoolean("limitMaxSteps", {
      description: "Skips requests with more steps than the average of their model's min and max steps",
    }),
    maxLength: t.exposeInt("maxLength", { description: "Text workers: the longest generation they take, in tokens" }),
    maxContextLength: t.exposeInt("maxContextLength", { description: "Text workers: the longest context they take" }),
    softprompts: t.exposeStringList("softprompts", { description: "Text workers: the softprompts they have" }),
    maxTiles: t.exposeInt("maxTiles", {
      description: "Alchemy workers: the largest source image they take, in 512×512 tiles (their forms are `models`)",
    }),
    lastCheckIn: t.expose("lastCheckIn", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    stats: t.field({
      type: WorkerStatsRef,
      select: {
        id: true,
        kind: true,
        tokens: true,
        forms: true,
        fulfilments: true,
        kudos: true,
        uptimeKudos: true,
        megapixelsteps: true,
        uptime: true,
        speed: true,
        uncompletedJobs: true,
        faultedJobs: true,
        timedOutJobs: true,
      },
      resolve: (w) => ({
        workerId: w.id,
        kind: w.kind,
        tokens: w.tokens,
        forms: Number(w.forms),
        fulfilments: w.fulfilments,
        kudos: Number(w.kudos),
        uptimeKudos: Number(w.uptimeKudos),
        megapixelsteps: w.megapixelsteps,
        uptime: w.uptime,
        speed: w.speed,
        uncompleted: w.uncompletedJobs,
        faulted: w.faultedJobs,
        timedOut: w.timedOutJobs,
      }),
    }),
  }),
});

const WorkerFilterInput = builder.inputType("WorkerFilter", {
  description: "Every field given must match (AND); an absent field filters nothing",
  fields: (t) => ({
    kind: t.field({ type: WorkerKindEnum }),
    online: t.boolean({ description: `Checked in within ${ONLINE_SECONDS} s (true) or not (false)` }),
    model: t.string({ description: "Serves this model (exact name)" }),
    name: t.string({ description: "Its name contains this text, ignoring case" }),
    owner: t.id({ description: "Owned by this user" }),
  }),
});

const WorkerOrderEnum = builder.enumType("WorkerOrder", {
  values: {
    OLDEST: { description: "Registered first first" },
    NEWEST: { description: "Registered last first" },
    PERFORMANCE: { description: "Highest stats.performance first" },
    CONTRIBUTIONS: { description: "Most stats.megapixelsteps first" },
  } as const,
});

type WorkerOrder = "OLDEST" | "NEWEST" | "PERFORMANCE" | "CONTRIBUTIONS";

/** Each ordering ends with the id, so ties keep one order and cursors stay exact. */
const WORKER_ORDERS: Record<WorkerOrder, Prisma.WorkerOrderByWithRelationInput[]> = {
  OLDEST: [{ createdAt: "asc" }, { id: "asc" }],
  NEWEST: [{ createdAt: "desc" }, { id: "desc" }],
  PERFORMANCE: [{ speed: "desc" }, { id: "asc" }],
  CONTRIBUTIONS: [{ megapixelsteps: "desc" }, { id: "asc" }],
};

/** A checked filter as a Prisma condition. The name matches as names compare (NFKC, case folded). */
function workerWhere(f: WorkerFilter, now: Date): Prisma.WorkerWhereInput {
  const since = onlineSince(now);
  return {
    ...(f.kind ? { kind: f.kind as "image" | "text" | "alchemy" } : {}),
    ...(f.online === true ? { lastCheckIn: { gte: since } } : {}),
    ...(f.online === false ? { lastCheckIn: { lt: since } } : {}),
    ...(f.model ? { models: { has: f.model } } : {}),
    // Prisma sends `contains` as a LIKE pattern without escaping it: _ and % must match themselves.
    ...(f.name ? { nameKey: { contains: nameKey(f.name).replace(/[\\%_]/g, "\\$&") } } : {}),
    ...(f.ownerId !== null ? { userId: f.ownerId } : {}),
  };
}

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
      description:
        "Workers, filtered and ordered (oldest first by default; ties by id, so pages never repeat or skip a worker whose figures did not change). An invalid filter is an error with code InvalidFilter.",
      args: {
        filter: t.arg({ type: WorkerFilterInput }),
        orderBy: t.arg({ type: WorkerOrderEnum, defaultValue: "OLDEST" }),
      },
      resolve: (query, _root, args, ctx) =>
        ctx.deps.db.prisma.worker.findMany({
          ...query,
          where: workerWhere(checkWorkerFilter(args.filter), ctx.deps.clock.now()),
          orderBy: WORKER_ORDERS[args.orderBy ?? "OLDEST"],
        }),
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
