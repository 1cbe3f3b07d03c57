/**
 * A request's source image and mask, decoded (lib/images.ts) before admission runs, so that
 * admission stays pure. The mask is decoded only alongside a source image: without one it is
 * refused (`SourceMaskUnnecessary`) and never worth decoding.
 */
import { decodeBase64Image, type ImageDecodeResult } from "../../lib/images.ts";
import { type CreateImageRequestInput, IMAGE_LIMITS } from "./requests.rules.ts";

/** The limits of a source image or mask. */
export const SOURCE_IMAGE_LIMITS = {
  maxBytes: IMAGE_LIMITS.maxSourceImageBytes,
  maxSide: IMAGE_LIMITS.maxSourceImageSide,
};

function present(text: string | null | undefined): text is string {
  return text != null && text !== "";
}

/** Decodes the images a request sends; null for one not sent. Never throws. */
export async function decodeRequestImages(
  input: Pick<CreateImageRequestInput, "sourceImage" | "sourceMask">,
): Promise<{ sourceImage: ImageDecodeResult | null; sourceMask: ImageDecodeResult | null }> {
  if (!present(input.sourceImage)) return { sourceImage: null, sourceMask: null };
  const [sourceImage, sourceMask] = await Promise.all([
    decodeBase64Image(input.sourceImage, SOURCE_IMAGE_LIMITS),
    present(input.sourceMask) ? decodeBase64Image(input.sourceMask, SOURCE_IMAGE_LIMITS) : null,
  ]);
  return { sourceImage, sourceMask };
}
