import { builder } from "../../graphql/builder.ts";
import type { Context } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import {
  deleteWorker,
  deleteWorkerMessage,
  pauseWorker,
  sendWorkerMessage,
  updateWorker,
  workerMessages,
} from "./workers.admin.service.ts";
import type { MessageRow } from "./workers.admin.sql.ts";

/** The worker's owner (with their own key) or a moderator: who sees a worker's private fields. */
function seesWorker(ctx: Context, ownerId: number): boolean {
  const v = ctx.viewer;
  if (v.sharedKeyId) return false;
  return v.moderator || (!v.anonymous && v.userId === ownerId);
}

const WorkerMessageRef = builder.objectRef<MessageRow>("WorkerMessage").implement({
  description: "A message to a worker's owner (no worker: to every owner)",
  fields: (t) => ({
    id: t.exposeID("id"),
    workerId: t.id({ nullable: true, resolve: (m) => m.worker_id }),
    message: t.exposeString("message"),
    origin: t.exposeString("origin"),
    expiresAt: t.expose("expires_at", { type: "DateTime" }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
  }),
});

builder.prismaObjectFields("Worker", (t) => ({
  team: t.relation("team", { nullable: true, description: "The team the worker reports its statistics with" }),
  ipaddr: t.string({
    nullable: true,
    description: "The address it last checked in from (owner and moderators only)",
    select: { userId: true, ipaddr: true },
    resolve: (w, _a, ctx) => (seesWorker(ctx, w.userId) ? w.ipaddr : null),
  }),
  suspicion: t.int({
    nullable: true,
    description: "Suspicion reasons raised against it; 5 pause it (owner and moderators only)",
    select: { userId: true, _count: { select: { suspicions: true } } },
    resolve: (w, _a, ctx) => (seesWorker(ctx, w.userId) ? w._count.suspicions : null),
  }),
  pausedReason: t.string({
    nullable: true,
    description: "Why it is paused: moderator or suspicion (owner and moderators only)",
    select: { userId: true, pausedReason: true },
    resolve: (w, _a, ctx) => (seesWorker(ctx, w.userId) ? w.pausedReason : null),
  }),
  maintenanceMessage: t.string({
    nullable: true,
    description: "Why it is in maintenance (owner and moderators only)",
    select: { userId: true, maintenanceMsg: true },
    resolve: (w, _a, ctx) => (seesWorker(ctx, w.userId) ? w.maintenanceMsg : null),
  }),
  messages: t.field({
    type: [WorkerMessageRef],
    nullable: true,
    description: "Valid messages to its owner, broadcasts included (owner and moderators only)",
    select: { id: true, userId: true },
    resolve: (w, _a, ctx) => (seesWorker(ctx, w.userId) ? workerMessages(ctx.deps, ctx.viewer, w.id) : null),
  }),
}));

builder.queryField("workerMessages", (t) =>
  t.field({
    type: [WorkerMessageRef],
    description: "Valid messages to the caller's workers and to every owner (moderators: all), newest first",
    args: { workerId: t.arg.id() },
    resolve: (_r, a, ctx) => workerMessages(ctx.deps, ctx.viewer, a.workerId == null ? null : String(a.workerId)),
  }),
);

/** `{ worker }` payloads of the worker mutations. */
function workerPayload(name: string) {
  return builder.objectRef<{ workerId: string }>(name).implement({
    fields: (t) => ({
      worker: t.prismaField({
        type: "Worker",
        resolve: (query, p, _a, ctx) =>
          ctx.deps.db.prisma.worker.findUniqueOrThrow({ ...query, where: { id: p.workerId } }),
      }),
    }),
  });
}

const UpdateWorkerInput = builder.inputType("UpdateWorkerInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    maintenance: t.boolean({ description: "In maintenance a worker gets only its owner's requests" }),
    maintenanceMessage: t.string({ description: "Shown to its pops while in maintenance (≤ 500)" }),
    name: t.string({ description: "5 to 100 characters, unique" }),
    info: t.string({ description: "At most 1000 characters; empty clears it" }),
    team: t.id({ description: "A team's id, or an empty string for no team" }),
  }),
});

builder.mutationField("updateWorker", (t) =>
  t.field({
    type: workerPayload("UpdateWorkerPayload"),
    description: "The worker's owner or a moderator changes its maintenance, name, info or team",
    args: { input: t.arg({ type: UpdateWorkerInput, required: true }) },
    errors: resultOf("UpdateWorker"),
    resolve: async (_r, { input }, ctx) => ({
      workerId: await updateWorker(ctx.deps, ctx.viewer, {
        ...input,
        id: String(input.id),
        team: input.team == null ? null : String(input.team),
      }),
    }),
  }),
);

const PauseWorkerInput = builder.inputType("PauseWorkerInput", {
  fields: (t) => ({ id: t.id({ required: true }), paused: t.boolean({ required: true }) }),
});

builder.mutationField("pauseWorker", (t) =>
  t.field({
    type: workerPayload("PauseWorkerPayload"),
    description: "A moderator pauses a worker (it gets no jobs) or un-pauses it",
    args: { input: t.arg({ type: PauseWorkerInput, required: true }) },
    errors: resultOf("PauseWorker"),
    resolve: async (_r, { input }, ctx) => ({
      workerId: await pauseWorker(ctx.deps, ctx.viewer, { id: String(input.id), paused: input.paused }),
    }),
  }),
);

const DeletedPayload = builder.objectRef<{ id: string }>("DeleteWorkerPayload").implement({
  fields: (t) => ({ id: t.exposeID("id", { description: "The deleted worker" }) }),
});

builder.mutationField("deleteWorker", (t) =>
  t.field({
    type: DeletedPayload,
    description: "The owner or a moderator deletes a worker; the jobs it holds go back to the queue",
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("DeleteWorker"),
    resolve: async (_r, a, ctx) => ({ id: await deleteWorker(ctx.deps, ctx.viewer, String(a.id)) }),
  }),
);

const SendWorkerMessageInput = builder.inputType("SendWorkerMessageInput", {
  fields: (t) => ({
    workerId: t.id({ description: "The worker whose owner reads it; none: every owner (moderators only)" }),
    message: t.string({ required: true, description: "1 to 1000 characters" }),
    origin: t.string({ description: "Moderators only; default 'AI Horde Moderators'" }),
    expiry: t.int({ description: "Hours it stays valid: 1 to 720, default 12" }),
  }),
});

const MessagePayload = builder.objectRef<{ id: string }>("SendWorkerMessagePayload").implement({
  fields: (t) => ({ id: t.exposeID("id") }),
});

builder.mutationField("sendWorkerMessage", (t) =>
  t.field({
    type: MessagePayload,
    description: "A moderator writes to a worker's owner or to all; an owner to their own workers",
    args: { input: t.arg({ type: SendWorkerMessageInput, required: true }) },
    errors: resultOf("SendWorkerMessage"),
    resolve: async (_r, { input }, ctx) => ({
      id: await sendWorkerMessage(ctx.deps, ctx.viewer, {
        workerId: input.workerId == null ? null : String(input.workerId),
        message: input.message,
        origin: input.origin,
        expiryHours: input.expiry,
      }),
    }),
  }),
);

const DeleteMessagePayload = builder.objectRef<{ id: string }>("DeleteWorkerMessagePayload").implement({
  fields: (t) => ({ id: t.exposeID("id") }),
});

builder.mutationField("deleteWorkerMessage", (t) =>
  t.field({
    type: DeleteMessagePayload,
    description: "The message's author or a moderator deletes it",
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("DeleteWorkerMessage"),
    resolve: async (_r, a, ctx) => ({ id: await deleteWorkerMessage(ctx.deps, ctx.viewer, String(a.id)) }),
  }),
);
