import { builder } from "../../graphql/builder.ts";
import { type PopSkipped, SKIPPED_SCAN_LIMIT } from "./skipped.rules.ts";
import { workerSkipped } from "./skipped.service.ts";

/** The AI Horde's `skipped`: why the requests waiting now do not fit a worker. */
export const PopSkippedRef = builder.objectRef<PopSkipped>("PopSkipped").implement({
  description:
    "Why the image requests waiting now do not fit a worker (the AI Horde's skipped counts): for each reason, " +
    "how many requests it skips for it; a request failing two rules counts under both. Counted when asked, " +
    `over at most ${SKIPPED_SCAN_LIMIT} waiting requests`,
  fields: (t) => ({
    requests: t.exposeInt("requests", { description: "Requests with waiting jobs looked at" }),
    models: t.exposeInt("models", { description: "Ask for models the worker does not serve" }),
    workerId: t.exposeInt("workerId", { description: "Name workers that exclude this one (allow or deny list)" }),
    maxPixels: t.exposeInt("maxPixels", { description: "Are larger than maxPixels" }),
    img2img: t.exposeInt("img2img", { description: "Need img2img (allowImg2img)" }),
    painting: t.exposeInt("painting", { description: "Need inpainting or outpainting (allowPainting)" }),
    nsfw: t.exposeInt("nsfw", { description: "Are NSFW and the worker is not" }),
    lora: t.exposeInt("lora", { description: "Use LoRAs (allowLora)" }),
    postProcessing: t.exposeInt("postProcessing", { description: "Use post-processors (allowPostProcessing)" }),
    controlnet: t.exposeInt("controlnet", { description: "Use ControlNet (allowControlnet)" }),
    performance: t.exposeInt("performance", { description: "Exclude slow workers, and this one is slow" }),
    untrusted: t.exposeInt("untrusted", { description: "Want trusted workers, and the owner is not trusted" }),
    blacklist: t.exposeInt("blacklist", { description: "Have a prompt containing a blacklisted word" }),
    stepCount: t.exposeInt("stepCount", { description: "Have more steps than limitMaxSteps allows" }),
    kudos: t.exposeInt("kudos", { description: "Come from a requester who could not pay a job (requireUpfrontKudos)" }),
    extraSlowWorker: t.exposeInt("extraSlowWorker", {
      description: "Do not allow extra-slow workers, and this one declared extraSlowWorker",
    }),
  }),
});

builder.prismaObjectFields("Worker", (t) => ({
  skipped: t.field({
    type: PopSkippedRef,
    nullable: true,
    description:
      "Why the image requests waiting now do not fit this worker, judged on its last declaration (for an idle " +
      "feed, which cannot say it). Null unless you own the worker (with your own key)",
    select: { userId: true, id: true, kind: true },
    resolve: (w, _a, ctx) =>
      w.kind !== "image" || ctx.viewer.anonymous || ctx.viewer.sharedKeyId || ctx.viewer.userId !== w.userId
        ? null
        : workerSkipped(ctx.deps, w.id),
  }),
}));
