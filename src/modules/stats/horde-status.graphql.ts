import { builder } from "../../graphql/builder.ts";
import { ONLINE_SECONDS } from "../workers/workers.rules.ts";
import { readHordeStatusNow, watchHordeStatus } from "./horde-stats.service.ts";
import type { HordeStatusRow } from "./horde-status.sql.ts";

const LIVE = "Live: read when asked (or, for hordeStatusUpdated, at most a second before the event).";

/** The horde's live state: AI Horde `/status/performance` and `/status/modes`. */
export const HordeStatusRef = builder.objectRef<HordeStatusRow>("HordeStatus").implement({
  description: `The horde's queue, workers, last-minute throughput and modes (AI Horde /status/performance and /status/modes). Every figure is live: read when asked, or for hordeStatusUpdated at most a second before the event.`,
  fields: (t) => ({
    queuedRequests: t.exposeInt("queuedRequests", {
      description: `Image requests with jobs waiting for a worker. ${LIVE}`,
    }),
    queuedJobs: t.exposeInt("queuedJobs", { description: `Image jobs waiting for a worker. ${LIVE}` }),
    queuedMegapixelsteps: t.exposeFloat("queuedMegapixelsteps", {
      description: `Megapixelsteps (width × height × steps / 10⁶) of the waiting image jobs. ${LIVE}`,
    }),
    processingJobs: t.exposeInt("processingJobs", { description: `Jobs held by workers now. ${LIVE}` }),
    workersOnline: t.exposeInt("workersOnline", {
      description: `Image workers that checked in within the last ${ONLINE_SECONDS} s. ${LIVE}`,
    }),
    threadsOnline: t.exposeInt("threadsOnline", { description: `Threads of those image workers. ${LIVE}` }),
    textWorkersOnline: t.exposeInt("textWorkersOnline", { description: `Text workers online. ${LIVE}` }),
    textThreadsOnline: t.exposeInt("textThreadsOnline", { description: `Threads of the text workers online. ${LIVE}` }),
    interrogatorsOnline: t.exposeInt("interrogatorsOnline", {
      description: `Alchemy (interrogation) workers online. ${LIVE}`,
    }),
    interrogatorThreadsOnline: t.exposeInt("interrogatorThreadsOnline", {
      description: `Threads of the alchemy workers online. ${LIVE}`,
    }),
    pastMinuteImages: t.exposeInt("pastMinuteImages", {
      description: `Images generated (censored ones included, faulted jobs not) in the last 60 s. ${LIVE}`,
    }),
    pastMinuteMegapixelsteps: t.exposeFloat("pastMinuteMegapixelsteps", {
      description: `Megapixelsteps of the images generated in the last 60 s. ${LIVE}`,
    }),
    queuedTextRequests: t.exposeInt("queuedTextRequests", {
      description: `Text requests with jobs waiting for a worker. ${LIVE}`,
    }),
    queuedTextJobs: t.exposeInt("queuedTextJobs", { description: `Text jobs waiting for a worker. ${LIVE}` }),
    queuedTokens: t.exposeFloat("queuedTokens", {
      description: `Tokens asked by the waiting text jobs (their max length). ${LIVE}`,
    }),
    pastMinuteTexts: t.exposeInt("pastMinuteTexts", { description: `Texts generated in the last 60 s. ${LIVE}` }),
    pastMinuteTokens: t.exposeFloat("pastMinuteTokens", {
      description: `Tokens generated in the last 60 s, as rewards counted them. ${LIVE}`,
    }),
    queuedForms: t.exposeInt("queuedForms", { description: `Alchemy forms waiting for a worker. ${LIVE}` }),
    pastMinuteForms: t.exposeInt("pastMinuteForms", { description: `Alchemy forms done in the last 60 s. ${LIVE}` }),
    maintenance: t.exposeBoolean("maintenance", {
      description: "Maintenance mode: no new requests are accepted. Live.",
    }),
    inviteOnly: t.exposeBoolean("inviteOnly", {
      description: "Invite-only mode: new workers need a moderator's invitation. Live.",
    }),
    raid: t.boolean({
      nullable: true,
      description: "Raid mode (stricter limits on new accounts). Moderators only: null for everyone else. Live.",
      resolve: (s, _a, ctx) => (ctx.viewer.moderator ? s.raid : null),
    }),
    at: t.expose("at", { type: "DateTime", description: "The instant these figures were read for" }),
  }),
});

builder.queryField("hordeStatus", (t) =>
  t.field({
    type: HordeStatusRef,
    description:
      "The horde's live state (AI Horde /status/performance and /status/modes): one cheap statement, no scan of finished jobs",
    resolve: (_root, _args, ctx) => readHordeStatusNow(ctx.deps),
  }),
);

builder.subscriptionField("hordeStatusUpdated", (t) =>
  t.field({
    type: HordeStatusRef,
    description:
      "The horde status at once, then whenever it changes, at most once a second. One read per second per instance serves every subscriber; with no subscriber nothing is read.",
    subscribe: (_root, _args, ctx) => watchHordeStatus(ctx.deps, ctx.signal),
    resolve: (row) => row,
  }),
);
