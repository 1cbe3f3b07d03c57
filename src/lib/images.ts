/**
 * Image decoding: the one place where bytes from a client or a worker become an image.
 *
 * Used for source images and masks (requests) and for submitted results (jobs). An image is
 * accepted only when every step holds:
 * 1. the text is strict base64 (standard alphabet, padded, canonical, no whitespace), with an
 *    optional `data:image/…;base64,` prefix, and its decoded length is within the byte limit,
 *    checked before anything is allocated;
 * 2. its first bytes are a PNG, JPEG or WEBP signature: nothing else reaches the decoder (libvips
 *    also reads SVG, TIFF, HEIF…, which are neither asked for nor safe to serve);
 * 3. the container ends where it says it ends: a PNG's last chunk is IEND, a JPEG ends with its
 *    EOI marker, a WEBP's RIFF size is its length. Decoders stop at the image's end and ignore
 *    what follows, so without this a PNG followed by HTML would decode and be stored;
 * 4. its header's size is within the side and pixel limits (before pixels are decoded, so a
 *    decompression bomb is refused on its header);
 * 5. sharp decodes every pixel with `failOn: "warning"`: a truncated or corrupt file fails.
 * The result keeps the decoded format, width, height and whether it has an alpha channel.
 */
import sharp, { type Metadata } from "sharp";

// Inputs are one-off buffers: libvips' operation cache would only hold on to them.
sharp.cache(false);

/** Formats accepted anywhere an image is. */
export type ImageFormat = "png" | "webp" | "jpeg";

/** A decoded image: its bytes as received and what decoding them showed. */
export interface DecodedImage {
  bytes: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  /** Whether the image has an alpha channel (including a PNG palette's transparency). */
  hasAlpha: boolean;
}

/** What an image may be. */
export interface ImageLimits {
  /** Largest decoded file, in bytes. */
  maxBytes: number;
  /** Largest width or height, in pixels. */
  maxSide: number;
}

/**
 * Why an image was refused: `InvalidImage` (not strict base64, not PNG/JPEG/WEBP, bytes after
 * its end, undecodable) or `ImageTooLarge` (over a byte or side limit). Callers map these to
 * their field's codes (`InvalidSourceImage`, `SourceImageTooLarge`…).
 */
export type ImageRefusalCode = "InvalidImage" | "ImageTooLarge";

/** The outcome of decoding. */
export type ImageDecodeResult =
  | { ok: true; image: DecodedImage }
  | { ok: false; code: ImageRefusalCode; message: string };

const DATA_URL_PREFIX = /^data:image\/(?:png|webp|jpeg|jpg);base64,/i;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function refuse(code: ImageRefusalCode, message: string): ImageDecodeResult {
  return { ok: false, code, message };
}

/**
 * Strict base64 (RFC 4648 §4): the standard alphabet, padding to a multiple of 4, and
 * canonical (unused trailing bits zero, so one image has one spelling). Returns null otherwise.
 */
export function decodeStrictBase64(text: string): Buffer | null {
  if (text.length === 0 || !STRICT_BASE64.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

/** The format its signature names, or null. */
export function sniffFormat(bytes: Buffer): ImageFormat | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") {
    return "webp";
  }
  return null;
}

/** Whether a PNG's chunks run, whole, up to an IEND that is the file's last byte. */
function pngEndsAtIend(bytes: Buffer): boolean {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) return false;
    if (bytes.toString("latin1", at + 4, at + 8) === "IEND") return end === bytes.length;
    at = end;
  }
  return false;
}

/** Whether the container ends exactly where the file does (step 3 of the module comment). */
export function endsWhereItSays(bytes: Buffer, format: ImageFormat): boolean {
  if (format === "png") return pngEndsAtIend(bytes);
  if (format === "jpeg")
    return bytes.length > 4 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
  const riffSize = bytes.readUInt32LE(4);
  return riffSize % 2 === 0 && riffSize + 8 === bytes.length;
}

/**
 * Images of at most this many pixels are decoded to one channel's bytes in memory (at most 4 MB,
 * 8 MB for 16-bit); larger ones are streamed through `stats`, which holds no bitmap but costs
 * ≈ 8 ms more whatever the size (it also builds histograms): 9 ms against 1 ms for a 64×64 PNG,
 * 50 against 18 ms for a 1024×1024 one (bench/README.md, "The image check").
 */
export const IN_MEMORY_DECODE_PIXELS = 2048 * 2048;

/** Step 5: decodes every pixel (sequentially, failing on any libpng/libjpeg/libwebp warning); throws if one fails. */
async function decodeEveryPixel(bytes: Buffer, pixels: number): Promise<void> {
  const image = sharp(bytes, { failOn: "warning", sequentialRead: true, limitInputPixels: pixels });
  if (pixels <= IN_MEMORY_DECODE_PIXELS) await image.extractChannel(0).raw().toBuffer();
  else await image.stats();
}

/** Decodes image bytes (steps 2–5 of the module comment). Never throws. */
export async function decodeImage(bytes: Buffer, limits: ImageLimits): Promise<ImageDecodeResult> {
  if (bytes.length > limits.maxBytes) {
    return refuse("ImageTooLarge", `The image is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted.`);
  }
  const format = sniffFormat(bytes);
  if (!format) return refuse("InvalidImage", "The image is not a PNG, WEBP or JPEG.");
  if (!endsWhereItSays(bytes, format)) {
    return refuse("InvalidImage", `The ${format.toUpperCase()} is truncated or has bytes after its end.`);
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return refuse("InvalidImage", `The ${format.toUpperCase()} cannot be decoded.`);
  }
  const { width, height } = meta;
  if (meta.format !== format || !width || !height) {
    return refuse("InvalidImage", `The ${format.toUpperCase()} cannot be decoded.`);
  }
  if (width > limits.maxSide || height > limits.maxSide) {
    return refuse(
      "ImageTooLarge",
      `The image is ${width}x${height}; at most ${limits.maxSide}x${limits.maxSide} pixels are accepted.`,
    );
  }
  try {
    await decodeEveryPixel(bytes, width * height);
  } catch {
    return refuse("InvalidImage", `The ${format.toUpperCase()} is truncated or corrupt.`);
  }
  return { ok: true, image: { bytes, format, width, height, hasAlpha: meta.hasAlpha === true } };
}

/** Decodes a base64 image (step 1, then {@link decodeImage}). Never throws. */
export async function decodeBase64Image(text: string, limits: ImageLimits): Promise<ImageDecodeResult> {
  const body = text.replace(DATA_URL_PREFIX, "");
  // Refuse oversize input before allocating its decoded copy.
  const decodedLength = Math.floor((body.length * 3) / 4);
  if (decodedLength > limits.maxBytes + 2) {
    return refuse(
      "ImageTooLarge",
      `The image is about ${decodedLength} bytes; at most ${limits.maxBytes} are accepted.`,
    );
  }
  const bytes = decodeStrictBase64(body);
  if (!bytes) return refuse("InvalidImage", "The image is not strict base64 (standard alphabet, padded, no spaces).");
  return decodeImage(bytes, limits);
}
