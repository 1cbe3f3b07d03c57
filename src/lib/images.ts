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
 * 4. its header (read here, {@link readImageHeader}) gives a size within the side and pixel limits
 *    (before pixels are decoded, so a decompression bomb is refused on its header);
 * 5. every pixel decodes: sharp decodes them with `failOn: "warning"`, so a truncated or corrupt
 *    file fails, and so does one whose pixels libvips counts otherwise than the header read in
 *    step 4. A plain PNG (grey or RGB, with or without alpha, not interlaced, no palette or
 *    transparency chunk) is checked here instead when it is whole ({@link plainPngIsWhole}):
 *    every CRC, the zlib stream (its window too), the exact size of the scanlines and their
 *    filter bytes, which is all that can make libvips refuse such a file, at a tenth of a
 *    libvips pipeline's CPU for a small image and about 0.7 of it for a large one. Any doubt (a
 *    palette, interlacing, a stream that is not exactly right) leaves the verdict to libvips, so
 *    the two cannot disagree.
 * The result keeps the decoded format, width, height and whether it has an alpha channel.
 */
import { promisify } from "node:util";
import { crc32, inflate, inflateSync, type ZlibOptions } from "node:zlib";
import sharp from "sharp";

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

/** A PNG chunk type's four letters read as one big-endian number, so a walk compares numbers. */
function chunkType(name: string): number {
  return Buffer.from(name, "latin1").readUInt32BE(0);
}

const IHDR = chunkType("IHDR");
const IDAT = chunkType("IDAT");
const IEND = chunkType("IEND");
const TRNS = chunkType("tRNS");

/**
 * Visits a PNG's chunks after its signature, in order: each one's type ({@link chunkType}),
 * where it starts and where it ends, until `visit` returns a value, which the walk returns. It
 * stops at the first chunk that does not lie whole within the file. A loop with no object or
 * string per chunk: 10 MB can hold 873,796 empty chunks, on which a generator of named chunks
 * held the event loop 140–210 ms and this walk 40–60 ms (both beside a test run).
 */
function walkPngChunks<T>(
  bytes: Buffer,
  visit: (type: number, at: number, end: number) => T | undefined,
): T | undefined {
  for (let at = 8; at + 12 <= bytes.length; ) {
    const end = at + 12 + bytes.readUInt32BE(at);
    if (end > bytes.length) return undefined;
    const result = visit(bytes.readUInt32BE(at + 4), at, end);
    if (result !== undefined) return result;
    at = end;
  }
  return undefined;
}

/** Whether a PNG's chunks run, whole, up to an IEND that is the file's last byte. */
function pngEndsAtIend(bytes: Buffer): boolean {
  return walkPngChunks(bytes, (type, _at, end) => (type === IEND ? end === bytes.length : undefined)) ?? false;
}

/** Whether the container ends exactly where the file does (step 3 of the module comment). */
export function endsWhereItSays(bytes: Buffer, format: ImageFormat): boolean {
  if (format === "png") return pngEndsAtIend(bytes);
  if (format === "jpeg")
    return bytes.length > 4 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
  const riffSize = bytes.readUInt32LE(4);
  return riffSize % 2 === 0 && riffSize + 8 === bytes.length;
}

/** What an image's header says: its size and whether it has an alpha channel. */
export interface ImageHeader {
  width: number;
  height: number;
  hasAlpha: boolean;
}

/** Whether a PNG has a chunk of this type ({@link chunkType}) before its pixels (IDAT). */
function pngHasChunkBeforeIdat(bytes: Buffer, wanted: number): boolean {
  return walkPngChunks(bytes, (type) => (type === wanted ? true : type === IDAT ? false : undefined)) ?? false;
}

/**
 * A PNG's IHDR, which must be its first chunk. Alpha as libvips decodes it: a colour type with
 * alpha (4, 6), or a tRNS chunk (palette, grey or RGB transparency).
 */
function pngHeader(bytes: Buffer): ImageHeader | null {
  const ihdr = pngIhdr(bytes);
  if (!ihdr) return null;
  const colourType = ihdr[9];
  const hasAlpha = colourType === 4 || colourType === 6 || pngHasChunkBeforeIdat(bytes, TRNS);
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), hasAlpha };
}

/** A PNG's IHDR data (13 bytes), where it must be: the first chunk. Null when it is not there. */
function pngIhdr(bytes: Buffer): Buffer | null {
  if (bytes.length < 33 || bytes.readUInt32BE(8) !== 13 || bytes.readUInt32BE(12) !== IHDR) return null;
  return bytes.subarray(16, 29);
}

/** Start-of-frame markers: SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** A JPEG's frame header: the segments from SOI are walked up to the first SOFn, before any scan. */
function jpegHeader(bytes: Buffer): ImageHeader | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // segments without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or a scan, before any frame
    const length = bytes.readUInt16BE(at + 2);
    if (isStartOfFrame(marker)) {
      if (length < 8 || at + 9 > bytes.length) return null;
      return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5), hasAlpha: false };
    }
    at += 2 + length;
  }
  return null;
}

/** A WEBP's first chunk: VP8 (lossy, no alpha), VP8L (lossless) or VP8X (extended). */
function webpHeader(bytes: Buffer): ImageHeader | null {
  if (bytes.length < 30) return null;
  const chunk = bytes.toString("latin1", 12, 16);
  if (chunk === "VP8 ") {
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return null; // key frame's start code
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff, hasAlpha: false };
  }
  if (chunk === "VP8L") {
    if (bytes[20] !== 0x2f) return null; // its signature
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, hasAlpha: ((bits >>> 28) & 1) === 1 };
  }
  if (chunk === "VP8X") {
    return {
      width: bytes.readUIntLE(24, 3) + 1,
      height: bytes.readUIntLE(27, 3) + 1,
      hasAlpha: (bytes[20]! & 0x10) !== 0,
    };
  }
  return null;
}

/**
 * Reads an image's size and alpha from its header, without a decoder (step 4 of the module
 * comment). Null when the header is not where its format puts it. The decode then checks that
 * libvips sees the same size: a header this misreads is refused, never let through.
 */
export function readImageHeader(bytes: Buffer, format: ImageFormat): ImageHeader | null {
  if (format === "png") return pngHeader(bytes);
  if (format === "jpeg") return jpegHeader(bytes);
  return webpHeader(bytes);
}

/** Channels, and the bit depths the PNG specification allows, of each colour type without a palette. */
const PLAIN_PNG_COLOUR_TYPES = new Map<number, { channels: number; depths: readonly number[] }>([
  [0, { channels: 1, depths: [1, 2, 4, 8, 16] }], // grey
  [2, { channels: 3, depths: [8, 16] }], // RGB
  [4, { channels: 2, depths: [8, 16] }], // grey and alpha
  [6, { channels: 4, depths: [8, 16] }], // RGBA
]);

/** A plain PNG's compressed scanlines, and their count and length (filter byte included). */
interface PlainPng {
  deflated: Buffer;
  rows: number;
  rowBytes: number;
}

/**
 * An ancillary chunk that changes nothing of the pixels: a well-formed type (four letters, the
 * reserved third one upper case) whose first letter is lower case, but tRNS (transparency).
 * libvips decodes a PNG whatever such chunks hold (a bad pHYs, a text without a keyword…).
 */
function isPlainAncillary(type: number): boolean {
  const name = String.fromCharCode(type >>> 24, (type >>> 16) & 0xff, (type >>> 8) & 0xff, type & 0xff);
  return /^[a-z][A-Za-z][A-Z][A-Za-z]$/.test(name) && type !== TRNS;
}

/**
 * Scanlines up to this many bytes, from a stream up to a quarter of it, are inflated on the event
 * loop (≈ 0.2 ms for real images; a stream of empty blocks could take ≈ 3 ms); larger ones in
 * the thread pool.
 */
const SYNC_INFLATE_BYTES = 256 * 1024;

/**
 * A PNG of more chunks is left to libvips: each chunk costs this check a CRC call on the event
 * loop (873,796 empty IDATs in 10 MB held it 0.8 s), and encoders write a few dozen at most
 * (IDATs of 8 KB or more).
 */
const PLAIN_PNG_MAX_CHUNKS = 1024;

/**
 * Larger scanlines are left to libvips: they would be inflated whole into memory, where libvips
 * holds one channel of the pixels (8 MB is 1024×1024 RGBA at 16 bits, or 1448×1448 RGBA at 8).
 */
const PLAIN_PNG_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The scanlines an IHDR describes, when it is a plain PNG's: a colour type without a palette, a
 * bit depth it allows, compression and filter method 0, no interlacing, and at most
 * {@link PLAIN_PNG_MAX_BYTES} of scanlines. Null otherwise.
 */
function plainScanlines(ihdr: Buffer): { rows: number; rowBytes: number } | null {
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [depth, colourType, compression, filter, interlace] = ihdr.subarray(8);
  const type = PLAIN_PNG_COLOUR_TYPES.get(colourType!);
  if (!type?.depths.includes(depth!) || compression !== 0 || filter !== 0 || interlace !== 0) return null;
  if (width === 0 || height === 0) return null;
  const rowBytes = 1 + Math.ceil((width * type.channels * depth!) / 8);
  return height * rowBytes <= PLAIN_PNG_MAX_BYTES ? { rows: height, rowBytes } : null;
}

/**
 * The compressed scanlines of a plain PNG: an IHDR {@link plainScanlines} takes, one run of
 * IDAT, an empty IEND that ends the file, and otherwise only ancillary chunks
 * ({@link isPlainAncillary}), every CRC right. Null for any other PNG. The IHDR is read first,
 * so nothing is copied for a file whose scanlines would be too large.
 */
function plainPng(bytes: Buffer): PlainPng | null {
  const ihdr = pngIhdr(bytes);
  const scanlines = ihdr && plainScanlines(ihdr);
  if (!scanlines) return null;
  const idats: Buffer[] = [];
  let last = 0;
  let count = 0;
  // true once an empty IEND ends the file; false as soon as anything else is found
  const plain = walkPngChunks(bytes, (type, at, end) => {
    if (++count > PLAIN_PNG_MAX_CHUNKS) return false;
    if (crc32(bytes.subarray(at + 4, end - 4)) !== bytes.readUInt32BE(end - 4)) return false;
    if (type === IEND) return idats.length > 0 && end - at === 12 && end === bytes.length;
    if (type === IDAT && (idats.length === 0 || last === IDAT)) idats.push(bytes.subarray(at + 8, end - 4));
    else if (!(type === IHDR && at === 8) && !isPlainAncillary(type)) return false;
    last = type;
    return undefined;
  });
  return plain ? { deflated: Buffer.concat(idats), ...scanlines } : null;
}

/**
 * Whether a zlib stream is one libpng inflates as Node does. Its header must allow back-references
 * as far as the scanlines reach: libpng inflates row by row within the window the header
 * declares, and fails on a reference beyond it, where Node, inflating the whole stream at once,
 * does not look (a 256-byte window over 300-byte rows decodes here and fails there). And it may
 * be no longer than zlib's bound for any stream of that many bytes (`compressBound`): a longer
 * one carries padding (empty blocks, a flush per row), which would cost inflating time out of
 * proportion to the image.
 */
function plainZlib(deflated: Buffer, size: number): boolean {
  if (deflated.length < 2) return false;
  const windowBits = (deflated[0]! >> 4) + 8;
  if (windowBits !== 15 && 1 << windowBits < size) return false;
  return deflated.length <= size + (size >>> 12) + (size >>> 14) + (size >>> 25) + 13;
}

const inflateAsync = promisify(inflate) as unknown as (
  b: Buffer,
  o: ZlibOptions & { info: true },
) => Promise<{ buffer: Buffer; engine: { bytesWritten: number } }>;

/**
 * Whether a plain PNG ({@link plainPng}) is whole: its zlib stream ({@link plainZlib}) is valid
 * (its checksum too), used to its last byte, and gives exactly its scanlines, each starting with
 * a filter type (0–4). libvips can refuse such a file for no other reason, so true means it
 * would decode it. False for anything else, including what libvips tolerates (data after the
 * pixels), so that libvips decides those. Memory: the scanlines, at most
 * {@link PLAIN_PNG_MAX_BYTES}, filled 1 MB at a time (`maxOutputLength` stops a stream that
 * would give more).
 */
export async function plainPngIsWhole(bytes: Buffer): Promise<boolean> {
  const png = plainPng(bytes);
  if (!png) return false;
  const size = png.rows * png.rowBytes;
  if (!plainZlib(png.deflated, size)) return false;
  const options = { info: true as const, maxOutputLength: size, chunkSize: Math.max(64, Math.min(size, 1 << 20)) };
  let out: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    out =
      size <= SYNC_INFLATE_BYTES && png.deflated.length <= SYNC_INFLATE_BYTES / 4
        ? (inflateSync(png.deflated, options) as unknown as typeof out)
        : await inflateAsync(png.deflated, options);
  } catch {
    return false; // a corrupt or truncated stream, or more data than the scanlines
  }
  if (out.buffer.length !== size || out.engine.bytesWritten !== png.deflated.length) return false;
  for (let row = 0; row < size; row += png.rowBytes) if (out.buffer[row]! > 4) return false;
  return true;
}

/**
 * Images of at most this many pixels are decoded to one channel's bytes in memory (at most 4 MB,
 * 8 MB for 16-bit); larger ones are streamed through `stats`, which holds no bitmap but costs
 * ≈ 8 ms more whatever the size (it also builds histograms): 9 ms against 1 ms for a 64×64 PNG,
 * 50 against 18 ms for a 1024×1024 one (bench/README.md, "The image check").
 */
export const IN_MEMORY_DECODE_PIXELS = 2048 * 2048;

/**
 * Step 5: decodes every pixel (sequentially, failing on any libpng/libjpeg/libwebp warning, and on
 * more pixels than the header said); throws if one fails or libvips sees another size.
 */
async function decodeEveryPixel(bytes: Buffer, header: ImageHeader): Promise<void> {
  const pixels = header.width * header.height;
  const image = sharp(bytes, { failOn: "warning", sequentialRead: true, limitInputPixels: pixels });
  if (pixels > IN_MEMORY_DECODE_PIXELS) {
    await image.stats();
    return;
  }
  const { info } = await image.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== header.width || info.height !== header.height) throw new Error("another size than the header's");
}

/**
 * Decodes image bytes (steps 2–5 of the module comment). Never throws. One libvips pipeline: the
 * header is read here, not by a `metadata()` call of its own (which cost ≈ 0.2 ms of CPU and a
 * trip through the thread pool per image, a quarter of a small image's check).
 */
export async function decodeImage(bytes: Buffer, limits: ImageLimits): Promise<ImageDecodeResult> {
  if (bytes.length > limits.maxBytes) {
    return refuse("ImageTooLarge", `The image is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted.`);
  }
  const format = sniffFormat(bytes);
  if (!format) return refuse("InvalidImage", "The image is not a PNG, WEBP or JPEG.");
  if (!endsWhereItSays(bytes, format)) {
    return refuse("InvalidImage", `The ${format.toUpperCase()} is truncated or has bytes after its end.`);
  }
  const header = readImageHeader(bytes, format);
  if (!header?.width || !header.height) {
    return refuse("InvalidImage", `The ${format.toUpperCase()} cannot be decoded.`);
  }
  const { width, height, hasAlpha } = header;
  if (width > limits.maxSide || height > limits.maxSide) {
    return refuse(
      "ImageTooLarge",
      `The image is ${width}x${height}; at most ${limits.maxSide}x${limits.maxSide} pixels are accepted.`,
    );
  }
  try {
    // a whole plain PNG needs no decoder (step 5); the rest, and every doubt, go to libvips
    const plain = format === "png" && width * height <= IN_MEMORY_DECODE_PIXELS && (await plainPngIsWhole(bytes));
    if (!plain) await decodeEveryPixel(bytes, header);
  } catch {
    return refuse("InvalidImage", `The ${format.toUpperCase()} is truncated or corrupt.`);
  }
  return { ok: true, image: { bytes, format, width, height, hasAlpha } };
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
