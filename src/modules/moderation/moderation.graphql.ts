import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import {
  addPromptFilter,
  blockIp,
  blockWorkerIp,
  deletePromptFilter,
  hordeModes,
  ipBlocks,
  promptFilters,
  setHordeModes,
  unblockIp,
  updatePromptFilter,
} from "./moderation.service.ts";
import type { FilterRow, IpBlockRow, ModesRow } from "./moderation.sql.ts";

const IpBlockRef = builder.objectRef<IpBlockRow>("IpBlock").implement({
  description: "A blocked (no expiry) or timed-out address or network",
  fields: (t) => ({
    ipaddr: t.exposeString("network"),
    expiresAt: t.expose("expires_at", { type: "DateTime", nullable: true }),
    reason: t.exposeString("reason"),
    strikes: t.exposeInt("strikes", { description: "Automatic timeouts for corrupt prompts" }),
  }),
});

const PromptFilterRef = builder.objectRef<FilterRow>("PromptFilter").implement({
  description: "A moderator's prompt filter, applied at admission",
  fields: (t) => ({
    id: t.exposeID("id"),
    regex: t.exposeString("regex"),
    kind: t.exposeString("kind", { description: "block (refuse, CorruptPrompt) or replace" }),
    replacement: t.exposeString("replacement"),
    description: t.exposeString("description"),
  }),
});

const HordeModesRef = builder.objectRef<ModesRow & { showRaid: boolean }>("HordeModes").implement({
  description: "The horde's modes (reference §3.10)",
  fields: (t) => ({
    maintenance: t.exposeBoolean("maintenance", { description: "No new requests; waiting jobs withdrawn" }),
    inviteOnly: t.exposeBoolean("invite_only", { description: "New workers need a moderator's invite" }),
    raid: t.boolean({
      nullable: true,
      description: "Raid mode (moderators only; null for others)",
      resolve: (m) => (m.showRaid ? m.raid : null),
    }),
  }),
});

builder.queryFields((t) => ({
  ipBlocks: t.field({
    type: [IpBlockRef],
    nullable: true,
    description: "Blocks and timeouts in force (moderators only; null for others)",
    resolve: (_r, _a, ctx) => ipBlocks(ctx.deps, ctx.viewer),
  }),
  promptFilters: t.field({
    type: [PromptFilterRef],
    nullable: true,
    description: "The prompt filters (moderators only; null for others)",
    resolve: (_r, _a, ctx) => promptFilters(ctx.deps, ctx.viewer),
  }),
  hordeModes: t.field({
    type: HordeModesRef,
    resolve: async (_r, _a, ctx) => ({
      ...(await hordeModes(ctx.deps)),
      showRaid: ctx.viewer.moderator && !ctx.viewer.sharedKeyId,
    }),
  }),
}));

const IpPayload = builder.objectRef<{ ipaddr: string }>("BlockIpPayload").implement({
  fields: (t) => ({ ipaddr: t.exposeString("ipaddr") }),
});

const BlockIpInput = builder.inputType("BlockIpInput", {
  fields: (t) => ({
    ipaddr: t.string({ required: true, description: "An address or a CIDR network" }),
    hours: t.int({ description: "A timeout of this many hours (1–8760); none: blocked until lifted" }),
    reason: t.string(),
  }),
});

builder.mutationField("blockIp", (t) =>
  t.field({
    type: IpPayload,
    description: "A moderator blocks or times out an address or network; every instance refuses it (TimeoutIP)",
    args: { input: t.arg({ type: BlockIpInput, required: true }) },
    errors: resultOf("BlockIp"),
    resolve: async (_r, { input }, ctx) => ({ ipaddr: await blockIp(ctx.deps, ctx.viewer, input) }),
  }),
);

builder.mutationField("unblockIp", (t) =>
  t.field({
    type: builder.objectRef<{ ipaddr: string }>("UnblockIpPayload").implement({
      fields: (f) => ({ ipaddr: f.exposeString("ipaddr") }),
    }),
    description: "A moderator lifts a block or timeout",
    args: { ipaddr: t.arg.string({ required: true }) },
    errors: resultOf("UnblockIp"),
    resolve: async (_r, a, ctx) => ({ ipaddr: await unblockIp(ctx.deps, ctx.viewer, a.ipaddr) }),
  }),
);

builder.mutationField("blockWorkerIp", (t) =>
  t.field({
    type: builder.objectRef<{ ipaddr: string }>("BlockWorkerIpPayload").implement({
      fields: (f) => ({ ipaddr: f.exposeString("ipaddr") }),
    }),
    description: "A moderator times out a worker's last address for some days (IPv6: its /64)",
    args: { workerId: t.arg.id({ required: true }), days: t.arg.int({ required: true }) },
    errors: resultOf("BlockWorkerIp"),
    resolve: async (_r, a, ctx) => ({
      ipaddr: await blockWorkerIp(ctx.deps, ctx.viewer, { workerId: String(a.workerId), days: a.days }),
    }),
  }),
);

const FilterPayload = builder.objectRef<{ id: string }>("AddPromptFilterPayload").implement({
  fields: (t) => ({ id: t.exposeID("id") }),
});

const AddPromptFilterInput = builder.inputType("AddPromptFilterInput", {
  fields: (t) => ({
    regex: t.string({ required: true }),
    kind: t.string({ required: true, description: "block or replace" }),
    replacement: t.string(),
    description: t.string(),
  }),
});

builder.mutationField("addPromptFilter", (t) =>
  t.field({
    type: FilterPayload,
    description: "A moderator adds a prompt filter (an identical one is returned instead)",
    args: { input: t.arg({ type: AddPromptFilterInput, required: true }) },
    errors: resultOf("AddPromptFilter"),
    resolve: async (_r, { input }, ctx) => ({ id: await addPromptFilter(ctx.deps, ctx.viewer, input) }),
  }),
);

const UpdatePromptFilterInput = builder.inputType("UpdatePromptFilterInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    regex: t.string(),
    kind: t.string(),
    replacement: t.string(),
    description: t.string(),
  }),
});

builder.mutationField("updatePromptFilter", (t) =>
  t.field({
    type: builder.objectRef<{ id: string }>("UpdatePromptFilterPayload").implement({
      fields: (f) => ({ id: f.exposeID("id") }),
    }),
    description: "A moderator changes a prompt filter",
    args: { input: t.arg({ type: UpdatePromptFilterInput, required: true }) },
    errors: resultOf("UpdatePromptFilter"),
    resolve: async (_r, { input }, ctx) => ({
      id: await updatePromptFilter(ctx.deps, ctx.viewer, { ...input, id: String(input.id) }),
    }),
  }),
);

builder.mutationField("deletePromptFilter", (t) =>
  t.field({
    type: builder.objectRef<{ id: string }>("DeletePromptFilterPayload").implement({
      fields: (f) => ({ id: f.exposeID("id") }),
    }),
    description: "A moderator deletes a prompt filter",
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("DeletePromptFilter"),
    resolve: async (_r, a, ctx) => ({ id: await deletePromptFilter(ctx.deps, ctx.viewer, String(a.id)) }),
  }),
);

const SetHordeModesInput = builder.inputType("SetHordeModesInput", {
  fields: (t) => ({ maintenance: t.boolean(), inviteOnly: t.boolean(), raid: t.boolean() }),
});

builder.mutationField("setHordeModes", (t) =>
  t.field({
    type: builder.objectRef<{ withdrawn: string[] }>("SetHordeModesPayload").implement({
      fields: (f) => ({
        withdrawnRequests: f.int({
          resolve: (p) => p.withdrawn.length,
          description: "Requests whose waiting jobs went",
        }),
        modes: f.field({
          type: HordeModesRef,
          resolve: async (_p, _a, ctx) => ({ ...(await hordeModes(ctx.deps)), showRaid: true }),
        }),
      }),
    }),
    description: "A moderator sets the horde's modes",
    args: { input: t.arg({ type: SetHordeModesInput, required: true }) },
    errors: resultOf("SetHordeModes"),
    resolve: async (_r, { input }, ctx) => ({ withdrawn: await setHordeModes(ctx.deps, ctx.viewer, input) }),
  }),
);
