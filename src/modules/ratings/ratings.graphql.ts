import { builder } from "../../graphql/builder.ts";
import { blobUrl } from "../../graphql/context.ts";
import { resultOf } from "../../graphql/errors.ts";
import { MAX_REQUEST_RATINGS } from "./ratings.rules.ts";
import { imagesToRate, MAX_IMAGES_TO_RATE, type RatableRow, rateImage } from "./ratings.service.ts";
import { rateImageRequest } from "./request-rating.service.ts";

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

const RequestScoreInput = builder.inputType("RequestScoreInput", {
  fields: (t) => ({
    generationId: t.id({ required: true, description: "An image of the request" }),
    aesthetic: t.int({ required: true, description: "1 (worst) to 10 (best)" }),
    artifacts: t.int({ description: "0 (none) to 5 (ruined); rating it earns 5 kudos more" }),
  }),
});

const RateImageRequestInput = builder.inputType("RateImageRequestInput", {
  fields: (t) => ({
    requestId: t.id({ required: true, description: "Your finished, shared request" }),
    best: t.id({ description: "The best image of the batch" }),
    ratings: t.field({
      type: [RequestScoreInput],
      description: `Scores for some of its images (at most ${MAX_REQUEST_RATINGS})`,
    }),
  }),
});

const RateImageRequestPayload = builder.objectRef<{ reward: number }>("RateImageRequestPayload").implement({
  fields: (t) => ({
    reward: t.exposeFloat("reward", {
      description:
        "Kudos earned: 5 a score, +5 each with artifacts; best alone 15; one image scored below 7 with a different best +15; " +
        "capped at what the request paid other users' workers, less 1",
    }),
  }),
});

builder.mutationField("rateImageRequest", (t) =>
  t.field({
    type: RateImageRequestPayload,
    description:
      "Rates a whole request of yours (the AI Horde's POST /generate/rate): the best image of the batch, scores for " +
      "some images, or both, once per request, while it is finished, shared and kept (RETENTION_SECONDS after it ended).",
    args: { input: t.arg({ type: RateImageRequestInput, required: true }) },
    errors: resultOf("RateImageRequest"),
    resolve: (_root, { input }, ctx) =>
      rateImageRequest(ctx.deps, ctx.viewer, {
        requestId: String(input.requestId),
        best: input.best == null ? null : String(input.best),
        ratings: (input.ratings ?? []).map((r) => ({
          generationId: String(r.generationId),
          aesthetic: r.aesthetic,
          artifacts: r.artifacts ?? null,
        })),
      }),
  }),
);
