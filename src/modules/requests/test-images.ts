/**
 * Tiny image builders for tests, so no test needs an image library or fixture files.
 *
 * `makePng` produces a real, decodable PNG (all pixels transparent black). `makeJpeg` and
 * `makeWebp` produce files whose headers are valid and carry the requested size; their pixel
 * data is not decodable, which is enough for anything that only reads dimensions.
 */
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A valid PNG of the given size. RGBA (colour type 6) by default so it can stand in for an
 * inpainting source; `{ alpha: false }` gives RGB (colour type 2).
 */
export function makePng(width: number, height: number, opts: { alpha?: boolean } = {}): Buffer {
  const alpha = opts.alpha ?? true;
  const channels = alpha ? 4 : 3;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = alpha ? 6 : 2;
  // Each scanline is a filter byte (0 = none) followed by zeroed pixels.
  const raw = Buffer.alloc((width * channels + 1) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A baseline JPEG header (SOI, APP0, SOF0, SOS, EOI) declaring the given size. */
export function makeJpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  const sof0 = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    (height >> 8) & 0xff,
    height & 0xff,
    (width >> 8) & 0xff,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  const sos = Buffer.from([0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0, sos, Buffer.from([0xff, 0xd9])]);
}

function riff(chunkType: string, chunkBody: Buffer): Buffer {
  const padded = chunkBody.length % 2 ? Buffer.concat([chunkBody, Buffer.alloc(1)]) : chunkBody;
  const chunkHeader = Buffer.alloc(8);
  chunkHeader.write(chunkType, 0, "latin1");
  chunkHeader.writeUInt32LE(chunkBody.length, 4);
  const header = Buffer.alloc(12);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(4 + 8 + padded.length, 4);
  header.write("WEBP", 8, "latin1");
  return Buffer.concat([header, chunkHeader, padded]);
}

/**
 * A WEBP header of the given kind declaring the given size: `lossy` (VP8, no alpha),
 * `lossless` (VP8L) or `extended` (VP8X); `alpha` sets the alpha flag of the latter two.
 */
export function makeWebp(
  width: number,
  height: number,
  opts: { kind?: "lossy" | "lossless" | "extended"; alpha?: boolean } = {},
): Buffer {
  const kind = opts.kind ?? "lossy";
  const alpha = opts.alpha ?? false;
  if (kind === "lossy") {
    const body = Buffer.alloc(10);
    body.writeUIntLE(0, 0, 3); // frame tag: keyframe
    body[3] = 0x9d;
    body[4] = 0x01;
    body[5] = 0x2a;
    body.writeUInt16LE(width & 0x3fff, 6);
    body.writeUInt16LE(height & 0x3fff, 8);
    return riff("VP8 ", body);
  }
  if (kind === "lossless") {
    const body = Buffer.alloc(5);
    body[0] = 0x2f;
    const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14) | ((alpha ? 1 : 0) << 28);
    body.writeUInt32LE(bits >>> 0, 1);
    return riff("VP8L", body);
  }
  const body = Buffer.alloc(10);
  body[0] = alpha ? 0x10 : 0;
  body.writeUIntLE(width - 1, 4, 3);
  body.writeUIntLE(height - 1, 7, 3);
  return riff("VP8X", body);
}
