import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import { afterRegistration, assertMayRegister } from "../moderation/moderation.service.ts";
import { registerUser } from "./users.service.ts";

export const UserRef = builder.prismaObject("User", {
  description: "An account. User 0 is Anonymous.",
  fields: (t) => ({
    id: t.exposeID("id"),
    username: t.exposeString("username"),
    alias: t.string({
      description: "The AI Horde's unique display name, `username#id`",
      select: { username: true, id: true },
      resolve: (u) => `${u.username}#${u.id}`,
    }),
    kudos: t.float({ select: { kudos: true }, resolve: (u) => Number(u.kudos) }),
    concurrency: t.exposeInt("concurrency"),
    trusted: t.exposeBoolean("trusted"),
    moderator: t.exposeBoolean("moderator"),
    flagged: t.exposeBoolean("flagged"),
    anonymous: t.boolean({ select: { id: true }, resolve: (u) => u.id === 0 }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    workerCount: t.relationCount("workers"),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: "User",
    description: "The caller: Anonymous when no key is given",
    resolve: (query, _root, _args, ctx) =>
      ctx.deps.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: ctx.viewer.userId } }),
  }),
  user: t.prismaField({
    type: "User",
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      // Ids are int4: anything else (too large, signed, hex, decimal point) names nobody, and
      // must not reach Postgres, which would refuse it as an internal error.
      const text = String(args.id);
      if (!/^\d{1,10}$/.test(text) || Number(text) > 2147483647) return null;
      const id = Number(text);
      return ctx.deps.db.prisma.user.findUnique({ ...query, where: { id } });
    },
  }),
  users: t.prismaConnection(
    {
      type: "User",
      cursor: "id",
      defaultSize: 20,
      maxSize: 100,
      description: "All accounts, oldest first",
      resolve: (query, _root, _args, ctx) => ctx.deps.db.prisma.user.findMany({ ...query, orderBy: { id: "asc" } }),
    },
    { name: "UserConnection" },
    { name: "UserEdge" },
  ),
}));

const RegisterUserInput = builder.inputType("RegisterUserInput", {
  fields: (t) => ({ username: t.string({ required: true }) }),
});

const RegisterUserPayload = builder.objectRef<{ apiKey: string; userId: number }>("RegisterUserPayload").implement({
  fields: (t) => ({
    apiKey: t.exposeString("apiKey", { description: "Shown once; only its hash is stored" }),
    user: t.prismaField({
      type: "User",
      resolve: (query, root, _args, ctx) =>
        ctx.deps.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: root.userId } }),
    }),
  }),
});

builder.mutationField("registerUser", (t) =>
  t.field({
    type: RegisterUserPayload,
    args: { input: t.arg({ type: RegisterUserInput, required: true }) },
    errors: resultOf("RegisterUser"),
    resolve: async (_root, { input }, ctx) => {
      await assertMayRegister(ctx.deps, ctx.viewer.ip);
      const { userId, apiKey } = await registerUser(ctx.deps.db, input.username);
      await afterRegistration(ctx.deps, userId, input.username); // trust: USERNAME_LONG
      return { apiKey, userId };
    },
  }),
);
