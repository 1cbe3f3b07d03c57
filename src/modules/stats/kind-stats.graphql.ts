/**
 * `textStats` and `alchemyStats` (issue 12: statistics cover all three kinds): the AI Horde's
 * /stats/text/totals and /stats/text/models, and the alchemy equivalent (forms per form name).
 * The same roll-up and totals statement as `imageStats`, read for the kind: a window counts the
 * kind's finished jobs and what they counted for (tokens for text).
 */
import { builder } from "../../graphql/builder.ts";
import { type Context, perRequest } from "../../graphql/context.ts";
import { listKindGenerations, readKindTotalsNow } from "./horde-stats.service.ts";
import type { ImageTotals, ImageWindow, ModelGenerationRow } from "./horde-stats.sql.ts";

const ROLLUP =
  "Rolled up: as of the last statistics roll-up (every 15 s, covering jobs finished until 15 s before it).";

const TextWindowRef = builder.objectRef<ImageWindow>("TextStatsWindow").implement({
  description: "Texts generated over a window (censored ones included, faulted jobs not), and their tokens",
  fields: (t) => ({
    requests: t.float({ description: "Texts generated (one per job)", resolve: (w) => w.images }),
    tokens: t.float({ description: "Tokens generated, as the rewards counted them", resolve: (w) => w.pixelsteps }),
  }),
});

const AlchemyWindowRef = builder.objectRef<ImageWindow>("AlchemyStatsWindow").implement({
  description: "Alchemy forms done over a window (faulted ones not)",
  fields: (t) => ({ forms: t.float({ resolve: (w) => w.images }) }),
});

const KindModelStatsRef = builder.objectRef<ModelGenerationRow>("KindModelStats").implement({
  description: `One text model's texts, or one alchemy form's forms done. ${ROLLUP}`,
  fields: (t) => ({
    name: t.exposeString("name"),
    day: t.exposeFloat("day", { description: `The 24 hours up to the roll-up, in whole hours. ${ROLLUP}` }),
    month: t.exposeFloat("month", { description: `The 30 days up to the roll-up, in whole hours. ${ROLLUP}` }),
    total: t.exposeFloat("total", { description: `Since the horde started. ${ROLLUP}` }),
  }),
});

type Root = Record<string, never>;

/** One kind's statistics type: windows of `windowRef`, the roll-up instant, and per model/form. */
function kindStats(kind: "text" | "alchemy", name: string, windowRef: typeof TextWindowRef, per: string) {
  const totalsOf = (ctx: Context) => perRequest(ctx, `${name}.totals`, () => readKindTotalsNow(ctx.deps, kind));
  return builder.objectRef<Root>(name).implement({
    description: `The horde's ${kind} totals over the last minute, hour, day, month and in total, and per ${per}.`,
    fields: (t) => {
      const window = (pick: (x: ImageTotals) => ImageWindow, description: string) =>
        t.field({ type: windowRef, description, resolve: async (_r, _a, ctx) => pick(await totalsOf(ctx)) });
      return {
        minute: window((x) => x.minute, "The last 60 s. Live: read when asked."),
        hour: window((x) => x.hour, `The 60 minutes up to the roll-up. ${ROLLUP}`),
        day: window((x) => x.day, `The 24 hours up to the roll-up. ${ROLLUP}`),
        month: window((x) => x.month, `The 30 days up to the roll-up. ${ROLLUP}`),
        total: window((x) => x.total, `Since the horde started. ${ROLLUP}`),
        rolledUpTo: t.field({
          type: "DateTime",
          nullable: true,
          description: "Jobs finished before this instant are in the rolled-up figures; null before the first roll-up",
          resolve: async (_r, _a, ctx) => (await totalsOf(ctx)).rolledUpTo,
        }),
        models: t.field({
          type: [KindModelStatsRef],
          description: `Per ${per}, most first. ${ROLLUP}`,
          resolve: (_r, _a, ctx) => listKindGenerations(ctx.deps, kind),
        }),
      };
    },
  });
}

const TextStatsRef = kindStats("text", "TextStats", TextWindowRef, "model");
const AlchemyStatsRef = kindStats("alchemy", "AlchemyStats", AlchemyWindowRef, "form");

builder.queryField("textStats", (t) =>
  t.field({
    type: TextStatsRef,
    description: "The horde's text generation totals (AI Horde /stats/text/totals and /stats/text/models)",
    resolve: () => ({}),
  }),
);

builder.queryField("alchemyStats", (t) =>
  t.field({
    type: AlchemyStatsRef,
    description: "The horde's alchemy totals: forms done over each window, and per form",
    resolve: () => ({}),
  }),
);
