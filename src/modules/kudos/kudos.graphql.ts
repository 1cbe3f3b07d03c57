import { resolveCursorConnection } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { builder } from "../../graphql/builder.ts";
import { resultOf } from "../../graphql/errors.ts";
import { seesPrivateOf } from "../users/users.rules.ts";
import { WorkerKindEnum } from "../workers/workers.graphql.ts";
import { kudosDetailsLoader, ledgerPageLoader } from "./kudos.loaders.ts";
import type { KudosDetails } from "./kudos.rules.ts";
import { awardKudos, type TransferResult, transferKudos } from "./kudos.service.ts";
import type { LedgerRow } from "./kudos.sql.ts";

const LedgerKindEnum = builder.enumType("KudosLedgerKind", {
  description: "What moved kudos. Rewards and awards bring kudos in, charges and taxes take them out.",
  values: {
    GENERATION_REWARD: { value: "generation_reward", description: "Earned by one of the user's workers for a job" },
    REQUEST_CHARGE: { value: "request_charge", description: "Paid for one finished job of the user's request" },
    HORDE_TAX: { value: "horde_tax", description: "Paid once when a request was accepted" },
    UPTIME_REWARD: { value: "uptime_reward", description: "Earned by one of the user's workers for 10 minutes online" },
    TRANSFER_IN: { value: "transfer_in", description: "Received from another user" },
    TRANSFER_OUT: { value: "transfer_out", description: "Sent to another user" },
    RATING_REWARD: { value: "rating_reward", description: "Earned for rating images" },
    MODERATOR_AWARD: { value: "moderator_award", description: "Awarded by a moderator" },
    FLOOR_ADJUSTMENT: { value: "floor_adjustment", description: "Reserved; never written (balances are not clamped)" },
    SURCHARGE_BURN: {
      value: "surcharge_burn",
      description: "What a job cost above its price for excluding slow workers or blacklisting workers: burned",
    },
    ESCROW_HOLD: { value: "escrow_hold", description: "Half an untrusted owner's job reward, parked in escrow" },
    ESCROW_RELEASE: { value: "escrow_release", description: "The escrow paid out when the owner became trusted" },
  } as const,
});

const KudosDetailsRef = builder.objectRef<KudosDetails>("KudosDetails").implement({
  description: "Where a user's kudos came from and went, summed from their ledger",
  fields: (t) => ({
    generated: t.exposeFloat("generated", { description: "Earned by the user's workers for jobs" }),
    uptime: t.exposeFloat("uptime", { description: "Earned by the user's workers for being online" }),
    received: t.exposeFloat("received", { description: "Received from other users" }),
    given: t.exposeFloat("given", { description: "Given to other users" }),
    spent: t.exposeFloat("spent", { description: "Paid for requests: job charges and horde taxes" }),
    sharedKeySpent: t.exposeFloat("sharedKeySpent", { description: "The part of `spent` paid through shared keys" }),
    awarded: t.exposeFloat("awarded", { description: "Awarded by moderators and for ratings" }),
  }),
});

const LedgerEntryRef = builder.objectRef<LedgerRow>("KudosLedgerEntry").implement({
  description: "One change of one balance; a balance is exactly the sum of its entries",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.field({ type: LedgerKindEnum, resolve: (r) => r.kind }),
    amount: t.float({ description: "Positive credits, negative debits", resolve: (r) => Number(r.amount) }),
    counterpart: t.prismaField({
      type: "User",
      nullable: true,
      description:
        "The other side: the requester or worker owner of a job, the other user of a transfer, the moderator",
      resolve: (query, r, _args, ctx) =>
        r.counterpart_id === null
          ? null
          : ctx.deps.db.prisma.user.findUnique({ ...query, where: { id: r.counterpart_id } }),
    }),
    requestId: t.id({ nullable: true, resolve: (r) => r.request_id }),
    jobId: t.id({ nullable: true, resolve: (r) => r.job_id }),
    transferId: t.id({ nullable: true, resolve: (r) => r.transfer_id }),
    sharedKeyId: t.id({ nullable: true, description: "The shared key that spent it", resolve: (r) => r.shared_key_id }),
    workerId: t.id({ nullable: true, resolve: (r) => r.worker_id }),
    workKind: t.field({
      type: WorkerKindEnum,
      nullable: true,
      description: "The kind of work (image, text, alchemy) of the request the entry is for; null for other entries",
      resolve: (r) => r.work_kind,
    }),
    createdAt: t.field({ type: "DateTime", resolve: (r) => r.created_at }),
  }),
});

function cursorId(cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,19}$/.test(cursor)) {
    throw new GraphQLError("Invalid cursor", { extensions: { code: "InvalidCursor" } });
  }
  return BigInt(cursor);
}

builder.prismaObjectFields("User", (t) => ({
  kudosDetails: t.field({
    type: KudosDetailsRef,
    description: "The user's kudos by source and use (public, as in the AI Horde)",
    resolve: (u, _args, ctx) => kudosDetailsLoader(ctx).load(u.id),
  }),
  kudosHistory: t.connection({
    type: LedgerEntryRef,
    nullable: true,
    description:
      "The user's ledger, newest first. Only the user themself (with their own key, not a shared key) and moderators see it; for anyone else it is null.",
    resolve: (u, args, ctx) => {
      if (!seesPrivateOf(ctx.viewer, u.id)) return null;
      return resolveCursorConnection<Promise<LedgerRow[]>>(
        { args, defaultSize: 20, maxSize: 100, toCursor: (r) => r.id },
        (p) =>
          ledgerPageLoader(ctx, {
            after: cursorId(p.after),
            before: cursorId(p.before),
            limit: p.limit,
            inverted: p.inverted,
          }).load(u.id),
      );
    },
  }),
}));

const KudosTransferRef = builder.objectRef<TransferResult["transfer"]>("KudosTransfer").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    amount: t.float({ resolve: (r) => Number(r.amount) }),
    source: t.prismaField({
      type: "User",
      resolve: (query, r, _args, ctx) =>
        ctx.deps.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: r.source_id } }),
    }),
    destination: t.prismaField({
      type: "User",
      resolve: (query, r, _args, ctx) =>
        ctx.deps.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: r.dest_id } }),
    }),
    createdAt: t.field({ type: "DateTime", resolve: (r) => r.created_at }),
  }),
});

const TransferKudosInput = builder.inputType("TransferKudosInput", {
  fields: (t) => ({
    username: t.string({ required: true, description: "`name#id` (only the id counts) or a plain username" }),
    amount: t.int({ required: true, description: "Whole kudos, above 0" }),
    idempotencyKey: t.string({
      required: true,
      description: "Any string unique to this transfer; retrying with it never transfers twice",
    }),
  }),
});

const TransferKudosPayload = builder.objectRef<TransferResult>("TransferKudosPayload").implement({
  fields: (t) => ({
    transferred: t.float({ resolve: (r) => Number(r.transfer.amount) }),
    transfer: t.field({ type: KudosTransferRef, resolve: (r) => r.transfer }),
    replayed: t.exposeBoolean("replayed", {
      description: "True when this idempotency key had already made this transfer: nothing moved this time",
    }),
  }),
});

builder.mutationField("transferKudos", (t) =>
  t.field({
    type: TransferKudosPayload,
    description: "Sends kudos to another user; both see it in their kudosHistory",
    args: { input: t.arg({ type: TransferKudosInput, required: true }) },
    errors: resultOf("TransferKudos"),
    resolve: (_root, { input }, ctx) => transferKudos(ctx.deps, ctx.viewer, input),
  }),
);

const AwardKudosInput = builder.inputType("AwardKudosInput", {
  fields: (t) => ({
    username: t.string({ required: true, description: "`name#id` (only the id counts) or a plain username" }),
    amount: t.int({ required: true, description: "Whole kudos, above 0" }),
  }),
});

const AwardKudosPayload = builder.objectRef<{ userId: number; awarded: number }>("AwardKudosPayload").implement({
  fields: (t) => ({
    awarded: t.exposeFloat("awarded"),
    user: t.prismaField({
      type: "User",
      resolve: (query, r, _args, ctx) =>
        ctx.deps.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: r.userId } }),
    }),
  }),
});

builder.mutationField("awardKudos", (t) =>
  t.field({
    type: AwardKudosPayload,
    description: "Moderators only: credits a user (ledger kind MODERATOR_AWARD)",
    args: { input: t.arg({ type: AwardKudosInput, required: true }) },
    errors: resultOf("AwardKudos"),
    resolve: (_root, { input }, ctx) => awardKudos(ctx.deps, ctx.viewer, input),
  }),
);
