import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import { seesPrivateOf } from "../users/users.rules.ts";
import { sharedKeysLoader } from "./sharedkeys.loaders.ts";
import { createSharedKey, deleteSharedKey, updateSharedKey } from "./sharedkeys.service.ts";

builder.prismaObject("SharedKey", {
  description: "A key that spends its owner's kudos, for generating only, within its own limits",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    kudos: t.float({
      description: "What is left of its budget; -1 unlimited, 0 used up",
      select: { kudos: true },
      resolve: (k) => Number(k.kudos),
    }),
    utilized: t.float({
      description: "Kudos spent through it so far",
      select: { utilized: true },
      resolve: (k) => Number(k.utilized),
    }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "null: never expires" }),
    expired: t.boolean({
      select: { expiresAt: true },
      resolve: (k, _args, ctx) => k.expiresAt !== null && k.expiresAt.getTime() <= ctx.deps.clock.now().getTime(),
    }),
    maxImagePixels: t.exposeInt("maxImagePixels", { description: "Largest image (width × height); -1 unlimited" }),
    maxImageSteps: t.exposeInt("maxImageSteps", { description: "Most steps per image; -1 unlimited" }),
    maxTextTokens: t.exposeInt("maxTextTokens", { description: "Most tokens per text; -1 unlimited" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    owner: t.relation("user"),
  }),
});

builder.prismaObjectField("User", "sharedKeys", (t) =>
  t.prismaField({
    type: ["SharedKey"],
    nullable: true,
    description:
      "The user's shared keys, oldest first. Only the user themself (with their own key) and moderators see them; for anyone else it is null.",
    // Batched: a list of users reads all their keys in one statement.
    resolve: (query, u, _args, ctx) =>
      seesPrivateOf(ctx.viewer, u.id) ? sharedKeysLoader(ctx, query).load(u.id) : null,
  }),
);

const limitFields = {
  kudos: "Budget in kudos: 0 to 50,000,000, or -1 for no limit",
  expiry: "Days until it stops working (1 to 36,500), or -1 for never",
  maxImagePixels: "Largest image it may ask for (width × height, up to 4,194,304), or -1 for no limit",
  maxImageSteps: "Most steps it may ask for (up to 500), or -1 for no limit",
  maxTextTokens: "Most text tokens it may ask for (up to 500), or -1 for no limit",
} as const;

const CreateSharedKeyInput = builder.inputType("CreateSharedKeyInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "3 to 255 characters" }),
    kudos: t.int({ description: `${limitFields.kudos}; default 5000` }),
    expiry: t.int({ description: `${limitFields.expiry}; default never` }),
    maxImagePixels: t.int({ description: `${limitFields.maxImagePixels}; default -1` }),
    maxImageSteps: t.int({ description: `${limitFields.maxImageSteps}; default -1` }),
    maxTextTokens: t.int({ description: `${limitFields.maxTextTokens}; default -1` }),
  }),
});

const UpdateSharedKeyInput = builder.inputType("UpdateSharedKeyInput", {
  description: "Omitted fields keep their value",
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ description: "3 to 255 characters" }),
    kudos: t.int({ description: `${limitFields.kudos} (sets what is left, e.g. to top it up)` }),
    expiry: t.int({ description: `${limitFields.expiry}; counted from now` }),
    maxImagePixels: t.int({ description: limitFields.maxImagePixels }),
    maxImageSteps: t.int({ description: limitFields.maxImageSteps }),
    maxTextTokens: t.int({ description: limitFields.maxTextTokens }),
  }),
});

const CreateSharedKeyPayload = builder.objectRef<{ id: string; key: string }>("CreateSharedKeyPayload").implement({
  fields: (t) => ({
    key: t.exposeString("key", {
      description: "The key to use as an API key. Shown once: only its hash is stored.",
    }),
    sharedKey: t.prismaField({
      type: "SharedKey",
      resolve: (query, r, _args, ctx) =>
        ctx.deps.db.prisma.sharedKey.findUniqueOrThrow({ ...query, where: { id: r.id } }),
    }),
  }),
});

const UpdateSharedKeyPayload = builder.objectRef<{ id: string }>("UpdateSharedKeyPayload").implement({
  fields: (t) => ({
    sharedKey: t.prismaField({
      type: "SharedKey",
      resolve: (query, r, _args, ctx) =>
        ctx.deps.db.prisma.sharedKey.findUniqueOrThrow({ ...query, where: { id: r.id } }),
    }),
  }),
});

const DeleteSharedKeyPayload = builder.objectRef<{ id: string }>("DeleteSharedKeyPayload").implement({
  fields: (t) => ({ id: t.exposeID("id") }),
});

builder.mutationFields((t) => ({
  createSharedKey: t.field({
    type: CreateSharedKeyPayload,
    description: "Creates a shared key (at most 3; 10 for trusted users). Not with Anonymous or a shared key.",
    args: { input: t.arg({ type: CreateSharedKeyInput, required: true }) },
    errors: resultOf("CreateSharedKey"),
    resolve: (_root, { input }, ctx) => createSharedKey(ctx.deps, ctx.viewer, input),
  }),
  updateSharedKey: t.field({
    type: UpdateSharedKeyPayload,
    description: "Changes one of your shared keys",
    args: { input: t.arg({ type: UpdateSharedKeyInput, required: true }) },
    errors: resultOf("UpdateSharedKey"),
    resolve: async (_root, { input }, ctx) => ({
      id: await updateSharedKey(ctx.deps, ctx.viewer, { ...input, id: String(input.id) }),
    }),
  }),
  deleteSharedKey: t.field({
    type: DeleteSharedKeyPayload,
    description: "Deletes one of your shared keys; requests made with it keep running",
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("DeleteSharedKey"),
    resolve: async (_root, { id }, ctx) => ({ id: await deleteSharedKey(ctx.deps, ctx.viewer, String(id)) }),
  }),
}));
