import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import { seesPrivateOf } from "../users/users.rules.ts";
import { roleChanges, setUserRoles } from "./roles.service.ts";
import type { RoleChangeRow } from "./roles.sql.ts";
import { isSuspicious } from "./suspicion.rules.ts";

/** The users' role and trust fields; the private ones are null for everyone but the user and moderators. */
builder.prismaObjectFields("User", (t) => ({
  customizer: t.exposeBoolean("customizer", { description: "May serve models outside the reference" }),
  workerInvited: t.exposeInt("workerInvited", { description: "Workers a moderator allowed beyond the default" }),
  suspicion: t.int({
    nullable: true,
    description: "Suspicion reasons raised against the account (the user themself and moderators only)",
    select: { id: true, _count: { select: { suspicions: true } } },
    resolve: (u, _a, ctx) => (seesPrivateOf(ctx.viewer, u.id) ? u._count.suspicions : null),
  }),
  suspicious: t.boolean({
    nullable: true,
    description: "5 or more reasons and not trusted (the user themself and moderators only)",
    select: { id: true, trusted: true, _count: { select: { suspicions: true } } },
    resolve: (u, _a, ctx) => (seesPrivateOf(ctx.viewer, u.id) ? isSuspicious(u._count.suspicions, u.trusted) : null),
  }),
  evaluatingKudos: t.float({
    nullable: true,
    description: "Escrow: half of an untrusted owner's job rewards, paid out on becoming trusted (self and moderators)",
    select: { id: true, evaluatingKudos: true },
    resolve: (u, _a, ctx) => (seesPrivateOf(ctx.viewer, u.id) ? Number(u.evaluatingKudos) : null),
  }),
}));

const RoleChangeRef = builder.objectRef<RoleChangeRow>("RoleChange").implement({
  description: "One recorded role change",
  fields: (t) => ({
    id: t.exposeID("id"),
    moderatorId: t.id({
      nullable: true,
      description: "Who made it; null for the automatic trust rule",
      resolve: (r) => r.moderator_id,
    }),
    userId: t.id({ resolve: (r) => r.user_id }),
    role: t.exposeString("role"),
    oldValue: t.exposeString("old_value"),
    newValue: t.exposeString("new_value"),
    createdAt: t.expose("created_at", { type: "DateTime" }),
  }),
});

builder.queryField("roleChanges", (t) =>
  t.field({
    type: [RoleChangeRef],
    nullable: true,
    description: "The role audit, newest first (moderators only; null for anyone else). `olderThan`: a change's id",
    args: { userId: t.arg.id(), first: t.arg.int({ defaultValue: 50 }), olderThan: t.arg.id() },
    resolve: (_r, a, ctx) => {
      const uid = a.userId == null ? null : String(a.userId);
      const userId = uid !== null && /^\d{1,9}$/.test(uid) ? Number(uid) : uid === null ? null : -1;
      return roleChanges(ctx.deps, ctx.viewer, {
        userId,
        first: a.first ?? 50,
        before: a.olderThan == null ? null : String(a.olderThan),
      });
    },
  }),
);

const SetUserRolesInput = builder.inputType("SetUserRolesInput", {
  fields: (t) => ({
    userId: t.id({ required: true }),
    moderator: t.boolean(),
    trusted: t.boolean(),
    flagged: t.boolean(),
    customizer: t.boolean(),
    workerInvited: t.int({ description: "0 to 1000" }),
    resetSuspicion: t.boolean({ description: "Clear the account's and its workers' suspicion" }),
  }),
});

const SetUserRolesPayload = builder.objectRef<{ userId: number }>("SetUserRolesPayload").implement({
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      resolve: (query, p, _a, ctx) => ctx.deps.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: p.userId } }),
    }),
  }),
});

builder.mutationField("setUserRoles", (t) =>
  t.field({
    type: SetUserRolesPayload,
    description: "A moderator sets an account's roles; every change is recorded (roleChanges)",
    args: { input: t.arg({ type: SetUserRolesInput, required: true }) },
    errors: resultOf("SetUserRoles"),
    resolve: async (_r, { input }, ctx) => {
      const text = String(input.userId);
      const userId = /^\d{1,9}$/.test(text) ? Number(text) : -1;
      return {
        userId: await setUserRoles(ctx.deps, ctx.viewer, {
          userId,
          moderator: input.moderator ?? undefined,
          trusted: input.trusted ?? undefined,
          flagged: input.flagged ?? undefined,
          customizer: input.customizer ?? undefined,
          workerInvited: input.workerInvited ?? undefined,
          resetSuspicion: input.resetSuspicion,
        }),
      };
    },
  }),
);
