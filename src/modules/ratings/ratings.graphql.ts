import { builder } from "../../graphql/builder.ts";
import { blobUrl } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import { imagesToRate, MAX_IMAGES_TO_RATE, type RatableRow, rateImage } from "./ratings.service.ts";

const RatableImageRef = builder.objectRef<RatableRow>("RatableImage").implement({
  description: "A shared image of the ratings dataset, offered for rating",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The generation id, for rateImage" }),
    imageUrl: t.string({ resolve: (r, _a, ctx) => blobUrl(ctx, r.image_key) }),
    prompt: t.exposeString("prompt"),
    model: t.string({ resolve: (r) => r.model ?? "" }),
    width: t.exposeInt("width"),
    height: t.exposeInt("height"),
    nsfw: t.exposeBoolean("nsfw"),
  }),
});

builder.queryField("imagesToRate", (t) =>
  t.field({
    type: [RatableImageRef],
    description: `Shared images you may rate: not from your own requests and not rated by you yet, least-rated first (at most ${MAX_IMAGES_TO_RATE}). Empty for Anonymous and shared keys, which cannot rate.`,
    args: { first: t.arg.int({ defaultValue: 10, description: `1 to ${MAX_IMAGES_TO_RATE}` }) },
    resolve: (_root, args, ctx) => imagesToRate(ctx.deps, ctx.viewer, args.first ?? 10),
  }),
);

const RateImageInput = builder.inputType("RateImageInput", {
  fields: (t) => ({
    generationId: t.id({ required: true, description: "The generation (image) to rate" }),
    aesthetic: t.int({ required: true, description: "How good it looks, 1 (worst) to 10 (best)" }),
    artifacts: t.int({ description: "How flawed it is, 0 (none) to 5 (ruined); rating it earns 5 kudos more" }),
  }),
});

const RateImagePayload = builder.objectRef<{ reward: number }>("RateImagePayload").implement({
  fields: (t) => ({
    reward: t.exposeFloat("reward", {
      description:
        "Kudos earned: 5, +5 with artifacts, within the caps; 0 for a rating that came too fast or does not fit your other ratings",
    }),
  }),
});

builder.mutationField("rateImage", (t) =>
  t.field({
    type: RateImagePayload,
    description:
      "Rates an image: one of your own finished, shared request while it is kept (RETENTION_SECONDS after it ended), or a shared image from imagesToRate. Once per image. Not with Anonymous or a shared key.",
    args: { input: t.arg({ type: RateImageInput, required: true }) },
    errors: resultOf("RateImage"),
    resolve: (_root, { input }, ctx) =>
      rateImage(ctx.deps, ctx.viewer, {
        generationId: String(input.generationId),
        aesthetic: input.aesthetic,
        artifacts: input.artifacts ?? null,
      }),
  }),
);
