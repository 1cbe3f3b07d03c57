import { decodeBase64Image, type ImageFormat } from "../../lib/images.ts";

/** The result of checking a worker's image. */
export type ImageCheck =
  | { ok: true; bytes: Buffer; header: { format: ImageFormat; width: number; height: number; hasAlpha: boolean } }
  | { ok: false; code: "InvalidImage" | "ImageTooLarge"; message: string };

/**
 * The largest side of a submitted image: a 3072-pixel request upscaled ×4 by a post-processor.
 * Pixels are decoded streaming (lib/images.ts), so this bounds time, not memory.
 */
export const MAX_RESULT_SIDE = 3072 * 4;

/**
 * Checks a submitted image with the one image decoder (lib/images.ts), as source images are:
 * strict base64 of a PNG, WEBP or JPEG of at most `maxBytes`, nothing after the image's end,
 * every pixel decodable. Codes: `InvalidImage`, `ImageTooLarge`.
 */
export async function checkSubmittedImage(text: string, maxBytes: number): Promise<ImageCheck> {
  const decoded = await decodeBase64Image(text, { maxBytes, maxSide: MAX_RESULT_SIDE });
  if (!decoded.ok) return decoded;
  const { bytes, ...header } = decoded.image;
  return { ok: true, bytes, header };
}
