import { builder } from "../../graphql/builder.ts";
import { type Context, perRequest } from "../../graphql/context.ts";
import type { LoraUsageRow } from "./horde-loras.sql.ts";
import { listModelGenerations, listTopLoras, readImageTotalsNow } from "./horde-stats.service.ts";
import type { ImageTotals, ImageWindow, ModelGenerationRow } from "./horde-stats.sql.ts";

const ROLLUP =
  "Rolled up: as of the last statistics roll-up (every 15 s, covering jobs finished until 15 s before it).";

const ImageWindowRef = builder.objectRef<ImageWindow>("ImageStatsWindow").implement({
  description: "Images generated over a window (censored ones included, faulted jobs not), and their pixelsteps",
  fields: (t) => ({
    images: t.exposeFloat("images"),
    pixelsteps: t.exposeFloat("pixelsteps", { description: "Sum of width × height × steps" }),
  }),
});

const ModelStateEnum = builder.enumType("ModelState", {
  description: "Which models a statistics list holds: those of the model reference, the others, or all",
  values: ["known", "custom", "all"] as const,
});

const ModelGenerationStatsRef = builder.objectRef<ModelGenerationRow>("ModelGenerationStats").implement({
  description: `One model's images generated (AI Horde /stats/img/models). ${ROLLUP}`,
  fields: (t) => ({
    name: t.exposeString("name"),
    day: t.exposeFloat("day", { description: `The 24 hours up to the roll-up, in whole hours. ${ROLLUP}` }),
    month: t.exposeFloat("month", { description: `The 30 days up to the roll-up, in whole hours. ${ROLLUP}` }),
    total: t.exposeFloat("total", { description: `Since the horde started. ${ROLLUP}` }),
  }),
});

const LoraUsageRef = builder.objectRef<LoraUsageRow>("LoraUsage").implement({
  description: `Images generated with a LoRA (a job counts once for each LoRA its request named). ${ROLLUP}`,
  fields: (t) => ({
    name: t.exposeString("name", { description: "The LoRA's name as requested, or version:<id> for a version id" }),
    day: t.exposeFloat("day", { description: `The 24 hours up to the roll-up, in whole hours. ${ROLLUP}` }),
    month: t.exposeFloat("month", { description: `The 30 days up to the roll-up, in whole hours. ${ROLLUP}` }),
    total: t.exposeFloat("total", { description: `Since the horde started. ${ROLLUP}` }),
  }),
});

/** The root of `imageStats`; its fields read on demand and share one totals read per request. */
type ImageStatsRoot = Record<string, never>;

/** The totals, read once per request whichever windows are asked. */
const totalsOf = (ctx: Context) => perRequest(ctx, "imageStats.totals", () => readImageTotalsNow(ctx.deps));

const ImageStatsRef = builder.objectRef<ImageStatsRoot>("ImageStats").implement({
  description:
    "The horde's image generation totals (AI Horde /stats/img/totals and /stats/img/models). The totals are one statement, the per-model list another.",
  fields: (t) => {
    const window = (pick: (x: ImageTotals) => ImageWindow, description: string) =>
      t.field({
        type: ImageWindowRef,
        description,
        resolve: async (_root, _args, ctx) => pick(await totalsOf(ctx)),
      });
    return {
      minute: window((x) => x.minute, "The last 60 s. Live: read when asked."),
      hour: window((x) => x.hour, `The 60 minutes up to the roll-up, in whole minutes. ${ROLLUP}`),
      day: window((x) => x.day, `The 24 hours up to the roll-up, in whole hours. ${ROLLUP}`),
      month: window((x) => x.month, `The 30 days up to the roll-up, in whole hours. ${ROLLUP}`),
      total: window((x) => x.total, `Since the horde started (kept when old jobs are deleted). ${ROLLUP}`),
      rolledUpTo: t.field({
        type: "DateTime",
        nullable: true,
        description: "Jobs finished before this instant are in the rolled-up figures; null before the first roll-up",
        resolve: async (_root, _args, ctx) => (await totalsOf(ctx)).rolledUpTo,
      }),
      models: t.field({
        type: [ModelGenerationStatsRef],
        description: `Per model, most generated first (AI Horde /stats/img/models; default: models of the reference). ${ROLLUP}`,
        args: { state: t.arg({ type: ModelStateEnum, defaultValue: "known" }) },
        resolve: (_root, args, ctx) => listModelGenerations(ctx.deps, args.state ?? "known"),
      }),
      loras: t.field({
        type: [LoraUsageRef],
        description: `The most used LoRAs in total, then by name (first: 1–100, default 20). ${ROLLUP}`,
        args: { first: t.arg.int({ defaultValue: 20 }) },
        resolve: (_root, args, ctx) => listTopLoras(ctx.deps, args.first ?? 20),
      }),
    };
  },
});

builder.queryField("imageStats", (t) =>
  t.field({
    type: ImageStatsRef,
    description:
      "The horde's image generation totals over the last minute, hour, day, month and in total, and per model",
    resolve: () => ({}),
  }),
);
