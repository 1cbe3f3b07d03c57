import DataLoader from "dataloader";
import { builder } from "../../graphql/builder.ts";
import { type Context, perRequest } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import type { TeamStats } from "./teams.rules.ts";
import { createTeam, deleteTeam, statsOfTeams, updateTeam } from "./teams.service.ts";

/** Per-operation loader: every team of a page gets its statistics from one grouped statement. */
function teamStatsLoader(ctx: Context): DataLoader<string, TeamStats> {
  return perRequest(ctx, "teamStats", () => new DataLoader<string, TeamStats>((ids) => statsOfTeams(ctx.deps, ids)));
}

const TeamStatsRef = builder.objectRef<TeamStats>("TeamStats").implement({
  description: "A team's workers' statistics, summed (reference §2.6)",
  fields: (t) => ({
    workerCount: t.exposeInt("workerCount"),
    contributions: t.exposeFloat("contributions", { description: "Megapixelsteps generated" }),
    requestsFulfilled: t.exposeInt("requestsFulfilled"),
    kudos: t.exposeFloat("kudos"),
    uptime: t.exposeInt("uptime", { description: "Seconds online, summed" }),
    performance: t.exposeFloat("performance", { description: "Average megapixelsteps per second of online workers" }),
    speed: t.exposeFloat("speed", { description: "Total megapixelsteps per second of online workers" }),
  }),
});

builder.prismaObject("Team", {
  description: "A group of workers that report their statistics together",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    info: t.exposeString("info", { nullable: true }),
    owner: t.relation("owner", { description: "Who created it" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    workers: t.relation("workers", { description: "Its workers" }),
    stats: t.field({
      type: TeamStatsRef,
      select: { id: true },
      resolve: (team, _a, ctx) => teamStatsLoader(ctx).load(team.id),
    }),
  }),
});

builder.queryFields((t) => ({
  team: t.prismaField({
    type: "Team",
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _r, a, ctx) =>
      isUuid(String(a.id)) ? ctx.deps.db.prisma.team.findUnique({ ...query, where: { id: String(a.id) } }) : null,
  }),
  teams: t.prismaConnection(
    {
      type: "Team",
      cursor: "id",
      defaultSize: 20,
      maxSize: 100,
      description: "Every team, oldest first",
      resolve: (query, _r, _a, ctx) =>
        ctx.deps.db.prisma.team.findMany({ ...query, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    },
    { name: "TeamConnection" },
    { name: "TeamEdge" },
  ),
}));

function teamPayload(name: string) {
  return builder.objectRef<{ teamId: string }>(name).implement({
    fields: (t) => ({
      team: t.prismaField({
        type: "Team",
        resolve: (query, p, _a, ctx) =>
          ctx.deps.db.prisma.team.findUniqueOrThrow({ ...query, where: { id: p.teamId } }),
      }),
    }),
  });
}

const CreateTeamInput = builder.inputType("CreateTeamInput", {
  fields: (t) => ({ name: t.string({ required: true }), info: t.string() }),
});

builder.mutationField("createTeam", (t) =>
  t.field({
    type: teamPayload("CreateTeamPayload"),
    description: "A trusted user creates a team",
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    errors: resultOf("CreateTeam"),
    resolve: async (_r, { input }, ctx) => ({ teamId: await createTeam(ctx.deps, ctx.viewer, input) }),
  }),
);

const UpdateTeamInput = builder.inputType("UpdateTeamInput", {
  fields: (t) => ({ id: t.id({ required: true }), name: t.string(), info: t.string() }),
});

builder.mutationField("updateTeam", (t) =>
  t.field({
    type: teamPayload("UpdateTeamPayload"),
    description: "The team's owner or a moderator changes its name or info",
    args: { input: t.arg({ type: UpdateTeamInput, required: true }) },
    errors: resultOf("UpdateTeam"),
    resolve: async (_r, { input }, ctx) => ({
      teamId: await updateTeam(ctx.deps, ctx.viewer, { ...input, id: String(input.id) }),
    }),
  }),
);

const DeleteTeamPayload = builder.objectRef<{ id: string }>("DeleteTeamPayload").implement({
  fields: (t) => ({ id: t.exposeID("id") }),
});

builder.mutationField("deleteTeam", (t) =>
  t.field({
    type: DeleteTeamPayload,
    description: "The team's owner or a moderator deletes it; its workers are left without a team",
    args: { id: t.arg.id({ required: true }) },
    errors: resultOf("DeleteTeam"),
    resolve: async (_r, a, ctx) => ({ id: await deleteTeam(ctx.deps, ctx.viewer, String(a.id)) }),
  }),
);
