import { builder } from "../../graphql/builder.ts";
import { WorkerKindEnum } from "../workers/workers.graphql.ts";
import { ONLINE_SECONDS } from "../workers/workers.rules.ts";
import type { ModelInfo } from "./models.rules.ts";
import { modelCatalog } from "./models.service.ts";

type ModelRow = ModelInfo & { workers: number; queued: number };

const ModelRef = builder.objectRef<ModelRow>("Model").implement({
  description: "A model from the model reference, with who serves it now",
  fields: (t) => ({
    name: t.exposeString("name"),
    baseline: t.exposeString("baseline"),
    nsfw: t.exposeBoolean("nsfw"),
    inpainting: t.exposeBoolean("inpainting"),
    description: t.exposeString("description"),
    workerCount: t.exposeInt("workers", { description: "Online workers serving it" }),
    queued: t.exposeInt("queued", { description: "Jobs waiting that name it" }),
  }),
});

builder.queryField("models", (t) =>
  t.field({
    type: [ModelRef],
    description: "The known models of a kind, with their online workers and queued jobs",
    args: { kind: t.arg({ type: WorkerKindEnum, defaultValue: "image" }) },
    resolve: async (_root, args, ctx) => {
      if (args.kind !== "image") return [];
      const since = new Date(ctx.deps.clock.now().getTime() - ONLINE_SECONDS * 1000);
      const rows = await ctx.deps.db.query<{ name: string; workers: number; queued: number }>(
        `SELECT m.name,
                (SELECT count(*)::int FROM workers w WHERE w.kind = 'image' AND w.last_check_in >= $1
                    AND m.name = ANY (w.models)) AS workers,
                (SELECT count(*)::int FROM jobs j JOIN requests r ON r.id = j.request_id
                  WHERE j.state = 'waiting' AND m.name = ANY (r.models)) AS queued
           FROM known_models m WHERE m.kind = 'image'`,
        [since],
      );
      const counts = new Map(rows.map((r) => [r.name, r]));
      return modelCatalog(ctx.deps).list.map((m) => ({
        ...m,
        workers: counts.get(m.name)?.workers ?? 0,
        queued: counts.get(m.name)?.queued ?? 0,
      }));
    },
  }),
);
