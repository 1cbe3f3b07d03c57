/**
 * Small real images built without an image library, for tests and the worker simulator.
 *
 * All three decode (sharp, browsers): `makePng` is a visible gradient with a checker pattern of
 * any width × height, `makeJpeg` a flat mid-grey baseline JPEG, `makeWebp` a flat lossless WEBP
 * (optionally in an extended VP8X container). The JPEG and WEBP use one-symbol Huffman codes,
 * so their pixel data takes (almost) no bytes whatever the size: a 4096×4096 WEBP for a size
 * limit test is a few dozen bytes.
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

/** A PNG chunk: length, type, body and CRC. */
export function pngChunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A PNG of the given size showing a red/green gradient under a blue checker pattern, so the
 * images a simulated worker returns are visibly there. RGBA (colour type 6, opaque) by default
 * so it can stand in for an inpainting source; `{ alpha: false }` gives RGB (colour type 2).
 */
export function makePng(width: number, height: number, opts: { alpha?: boolean } = {}): Buffer {
  const alpha = opts.alpha ?? true;
  const channels = alpha ? 4 : 3;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = alpha ? 6 : 2;
  // Each scanline is a filter byte, 1 ("Sub": each byte minus the one a pixel to its left),
  // then its pixels. A gradient's differences are nearly constant, so the file stays small.
  const stride = width * channels + 1;
  const raw = Buffer.alloc(stride * height);
  const pixel = [0, 0, 0, 255];
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 1;
    let left = [0, 0, 0, 0];
    for (let x = 0; x < width; x++) {
      pixel[0] = Math.round((x * 255) / Math.max(width - 1, 1));
      pixel[1] = Math.round((y * 255) / Math.max(height - 1, 1));
      pixel[2] = ((x >> 5) ^ (y >> 5)) & 1 ? 200 : 60;
      const at = y * stride + 1 + x * channels;
      for (let c = 0; c < channels; c++) raw[at + c] = ((pixel[c] ?? 0) - (left[c] ?? 0)) & 0xff;
      left = [...pixel];
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function segment(marker: number, body: number[]): Buffer {
  const length = body.length + 2;
  return Buffer.from([0xff, marker, length >> 8, length & 0xff, ...body]);
}

/**
 * A flat mid-grey baseline JPEG (one component) of the given size. Its Huffman tables have one
 * code each (DC difference 0, end of block), so every 8×8 block is the two bits `00`.
 */
export function makeJpeg(width: number, height: number): Buffer {
  const oneCode = (tableClass: number) => [tableClass, 1, ...new Array<number>(15).fill(0), 0x00];
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = blocks * 2;
  const data = Buffer.alloc(Math.ceil(bits / 8));
  // Zero bits for the blocks, then 1-bits padding the last byte (as the standard asks).
  if (bits % 8 !== 0) data[data.length - 1] = (1 << (8 - (bits % 8))) - 1;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    segment(0xc4, oneCode(0x00)),
    segment(0xc4, oneCode(0x10)),
    segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    data,
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** Little-endian bit writer, as VP8L packs its bits. */
class BitWriter {
  private readonly bytes: number[] = [];
  private used = 0;
  write(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      if (this.used % 8 === 0) this.bytes.push(0);
      const bit = (value >>> i) & 1;
      this.bytes[this.bytes.length - 1] = (this.bytes[this.bytes.length - 1] ?? 0) | (bit << (this.used % 8));
      this.used++;
    }
  }
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

function riffChunk(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(type, 0, "latin1");
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, Buffer.alloc(body.length % 2)]);
}

/**
 * A flat lossless WEBP (VP8L) of the given size, with `alpha` setting its alpha flag and
 * `extended` wrapping it in a VP8X container. Each of its five prefix codes is a one-symbol
 * simple code, so a pixel takes no bits at all.
 */
export function makeWebp(width: number, height: number, opts: { alpha?: boolean; extended?: boolean } = {}): Buffer {
  const alpha = opts.alpha ?? false;
  const w = new BitWriter();
  w.write(0x2f, 8); // VP8L signature
  w.write(width - 1, 14);
  w.write(height - 1, 14);
  w.write(alpha ? 1 : 0, 1);
  w.write(0, 3); // version
  w.write(0, 1); // no transform
  w.write(0, 1); // no colour cache
  w.write(0, 1); // no meta prefix codes
  for (const symbol of [150, 90, 60, alpha ? 200 : 255]) {
    w.write(1, 1); // simple code
    w.write(0, 1); // one symbol
    w.write(1, 1); // of 8 bits
    w.write(symbol, 8);
  }
  w.write(1, 1); // distance code: simple, one symbol of 1 bit, 0
  w.write(0, 1);
  w.write(0, 1);
  w.write(0, 1);
  const chunks = [riffChunk("VP8L", w.toBuffer())];
  if (opts.extended) {
    const vp8x = Buffer.alloc(10);
    vp8x[0] = alpha ? 0x10 : 0;
    vp8x.writeUIntLE(width - 1, 4, 3);
    vp8x.writeUIntLE(height - 1, 7, 3);
    chunks.unshift(riffChunk("VP8X", vp8x));
  }
  const body = Buffer.concat([Buffer.from("WEBP", "latin1"), ...chunks]);
  const header = Buffer.alloc(8);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}
