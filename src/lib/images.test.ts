import { crc32, deflateRawSync, deflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeJpeg, makePng, makeWebp, pngChunk } from "../modules/requests/test-images.ts";
import {
  decodeBase64Image,
  decodeImage,
  decodeStrictBase64,
  type ImageDecodeResult,
  IN_MEMORY_DECODE_PIXELS,
  plainPngIsWhole,
  readImageHeader,
  sniffFormat,
} from "./images.ts";

const LIMITS = { maxBytes: 1024 * 1024, maxSide: 3072 };
const codeOf = (r: ImageDecodeResult) => (r.ok ? "ok" : r.code);

describe("decodeStrictBase64", () => {
  it("takes padded standard base64 and nothing else", () => {
    expect(decodeStrictBase64("aGk=")?.toString()).toBe("hi");
    for (const bad of ["", "aGk", "aGk=\n", "aG k=", "a-_=", "aGk==", "=aGk", "aGl="]) {
      expect(decodeStrictBase64(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe("decodeImage", () => {
  it("keeps the decoded format, width, height and alpha", async () => {
    const cases = [
      [makePng(320, 200), { format: "png", width: 320, height: 200, hasAlpha: true }],
      [makePng(8, 8, { alpha: false }), { format: "png", width: 8, height: 8, hasAlpha: false }],
      [makeJpeg(800, 600), { format: "jpeg", width: 800, height: 600, hasAlpha: false }],
      [makeWebp(500, 300), { format: "webp", width: 500, height: 300, hasAlpha: false }],
      [
        makeWebp(500, 300, { alpha: true, extended: true }),
        { format: "webp", width: 500, height: 300, hasAlpha: true },
      ],
    ] as const;
    for (const [bytes, expected] of cases) {
      const r = await decodeImage(bytes, LIMITS);
      expect(r.ok && { ...r.image, bytes: undefined }).toEqual({ ...expected, bytes: undefined });
    }
  });

  it("refuses a 33-byte PNG header: a header is not an image", async () => {
    const header = makePng(64, 64).subarray(0, 33);
    expect(codeOf(await decodeImage(header, LIMITS))).toBe("InvalidImage");
    // even with an IEND chunk glued on, there are no pixels to decode
    const iend = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    expect(codeOf(await decodeImage(Buffer.concat([header, iend]), LIMITS))).toBe("InvalidImage");
  });

  it("refuses image bytes followed by anything, such as HTML", async () => {
    const html = Buffer.from("<html><script>alert(document.cookie)</script></html>");
    for (const image of [makePng(64, 64), makeJpeg(64, 64), makeWebp(64, 64)]) {
      expect(codeOf(await decodeImage(Buffer.concat([image, html]), LIMITS))).toBe("InvalidImage");
    }
  });

  it("refuses truncated and corrupted pixel data", async () => {
    const png = makePng(256, 256);
    const iendAt = png.length - 12;
    const truncated = Buffer.concat([png.subarray(0, iendAt - 40), png.subarray(iendAt)]);
    expect(codeOf(await decodeImage(truncated, LIMITS))).toBe("InvalidImage");
    const jpeg = makeJpeg(64, 64);
    expect(codeOf(await decodeImage(Buffer.concat([jpeg.subarray(0, 30), Buffer.from([0xff, 0xd9])]), LIMITS))).toBe(
      "InvalidImage",
    );
  });

  it("refuses pixel data cut short inside a whole chunk, on both ways of decoding (in memory and streamed)", async () => {
    // 2100² pixels is over the in-memory bound: that image goes through the streamed decode
    expect(2100 * 2100).toBeGreaterThan(IN_MEMORY_DECODE_PIXELS);
    for (const side of [256, 2100]) {
      const png = makePng(side, side, { alpha: false });
      expect(codeOf(await decodeImage(png, { ...LIMITS, maxBytes: 64 * 1024 * 1024 })), `${side} intact`).toBe("ok");
      // cut the last 64 bytes of the compressed pixels and make the chunk whole again (its
      // length and CRC), so that only decoding the last rows can tell
      const idat = png.indexOf("IDAT", 8, "latin1") - 4;
      const length = png.readUInt32BE(idat) - 64;
      const chunk = Buffer.from(png.subarray(idat, idat + 8 + length + 4));
      chunk.writeUInt32BE(length, 0);
      chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + length)) >>> 0, 8 + length);
      const bad = Buffer.concat([png.subarray(0, idat), chunk, png.subarray(png.length - 12)]);
      expect(codeOf(await decodeImage(bad, { ...LIMITS, maxBytes: 64 * 1024 * 1024 })), `${side} corrupt`).toBe(
        "InvalidImage",
      );
    }
  });

  it("refuses formats other than PNG, JPEG and WEBP, SVG included", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect(codeOf(await decodeImage(svg, LIMITS))).toBe("InvalidImage");
    expect(codeOf(await decodeImage(Buffer.from("GIF89a\x01\x00\x01\x00"), LIMITS))).toBe("InvalidImage");
  });

  it("refuses an image over the side or byte limit before decoding its pixels", async () => {
    expect(codeOf(await decodeImage(makeWebp(4096, 16), LIMITS))).toBe("ImageTooLarge");
    expect(codeOf(await decodeImage(makeWebp(10000, 10000), LIMITS))).toBe("ImageTooLarge");
    expect(codeOf(await decodeImage(makePng(64, 64), { maxBytes: 100, maxSide: 3072 }))).toBe("ImageTooLarge");
  });
});

/** Encodings of one picture that a worker or client may send, made by libvips itself. */
async function encodings(): Promise<Array<[string, Buffer]>> {
  const rgba = { width: 37, height: 23, channels: 4 as const, background: { r: 200, g: 20, b: 90, alpha: 0.5 } };
  const rgb = { width: 37, height: 23, channels: 3 as const, background: { r: 200, g: 20, b: 90 } };
  const from = (create: typeof rgb | typeof rgba) => sharp({ create });
  return [
    ["png rgb", await from(rgb).png().toBuffer()],
    ["png rgba", await from(rgba).png().toBuffer()],
    ["png grey", await from(rgb).greyscale().png().toBuffer()],
    ["png grey+alpha", await from(rgba).greyscale().png().toBuffer()],
    ["png palette", await from(rgb).png({ palette: true }).toBuffer()],
    ["png palette+transparency", await from(rgba).png({ palette: true }).toBuffer()],
    ["png 16-bit", await from(rgba).png().toColourspace("rgb16").toBuffer()],
    ["png interlaced", await from(rgba).png({ progressive: true }).toBuffer()],
    ["jpeg baseline", await from(rgb).jpeg().toBuffer()],
    ["jpeg progressive", await from(rgb).jpeg({ progressive: true }).toBuffer()],
    ["jpeg grey", await from(rgb).greyscale().jpeg().toBuffer()],
    ["jpeg with exif", await from(rgb).jpeg().withMetadata({ orientation: 6 }).toBuffer()],
    ["webp lossy", await from(rgb).webp().toBuffer()],
    ["webp lossy+alpha", await from(rgba).webp().toBuffer()],
    ["webp lossless", await from(rgb).webp({ lossless: true }).toBuffer()],
    ["webp lossless+alpha", await from(rgba).webp({ lossless: true }).toBuffer()],
    ["webp with exif", await from(rgb).webp().withMetadata({ orientation: 3 }).toBuffer()],
  ];
}

describe("readImageHeader", () => {
  it("reads the size and alpha libvips reads, for every encoding libvips writes", async () => {
    for (const [name, bytes] of await encodings()) {
      const format = sniffFormat(bytes)!;
      const meta = await sharp(bytes).metadata();
      expect(meta.format, name).toBe(format);
      expect(readImageHeader(bytes, format), name).toEqual({
        width: meta.width,
        height: meta.height,
        hasAlpha: meta.hasAlpha,
      });
      const r = await decodeImage(bytes, LIMITS);
      expect(r.ok && { w: r.image.width, h: r.image.height, a: r.image.hasAlpha }, name).toEqual({
        w: 37,
        h: 23,
        a: meta.hasAlpha,
      });
    }
  });

  it("finds nothing where the header is not where its format puts it", () => {
    const png = makePng(8, 8);
    const noIhdr = Buffer.from(png);
    noIhdr.write("IHDX", 12, "latin1");
    expect(readImageHeader(noIhdr, "png")).toBeNull();
    // a JPEG whose first scan comes before any frame header
    expect(readImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]), "jpeg")).toBeNull();
    const webp = makeWebp(16, 16);
    const unknown = Buffer.from(webp);
    unknown.write("VP9 ", 12, "latin1");
    expect(readImageHeader(unknown, "webp")).toBeNull();
  });

  it("refuses an image whose header says another size than its pixels", async () => {
    // a WEBP whose extended header claims a canvas narrower than the picture inside it
    const webp = Buffer.from(makeWebp(500, 300, { alpha: true, extended: true }));
    expect(readImageHeader(webp, "webp")).toMatchObject({ width: 500, height: 300 });
    webp.writeUIntLE(99, 24, 3);
    expect(readImageHeader(webp, "webp")).toMatchObject({ width: 100, height: 300 });
    expect(codeOf(await decodeImage(webp, LIMITS))).toBe("InvalidImage");
    // a JPEG whose frame header says 64 rows more than its scan holds
    const jpeg = Buffer.from(makeJpeg(64, 64));
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(128, sof + 5);
    expect(codeOf(await decodeImage(jpeg, LIMITS))).toBe("InvalidImage");
  });
});

describe("decodeBase64Image", () => {
  it("accepts a data URL prefix and refuses non-strict base64", async () => {
    const body = makePng(64, 64).toString("base64");
    expect(codeOf(await decodeBase64Image(`data:image/png;base64,${body}`, LIMITS))).toBe("ok");
    expect(codeOf(await decodeBase64Image(body.replace(/(.{60})/g, "$1\n"), LIMITS))).toBe("InvalidImage");
    expect(codeOf(await decodeBase64Image(body.replace(/\+/g, "-").replace(/\//g, "_"), LIMITS))).not.toBe("ok");
  });

  it("refuses oversize base64 before decoding it", async () => {
    expect(codeOf(await decodeBase64Image("A".repeat(4 * 1024 * 1024), LIMITS))).toBe("ImageTooLarge");
  });
});

interface PngSpec {
  width: number;
  height: number;
  colourType: number;
  depth: number;
  interlace?: number;
  /** the scanlines before compression (filter bytes 0, pixels varying), to change */
  raw?: (raw: Buffer) => Buffer;
  /** the zlib stream, to change */
  z?: (z: Buffer) => Buffer;
  /** IDAT chunks the stream is cut into */
  idats?: number;
  /** chunks between IHDR and the first IDAT, and between the last IDAT and IEND */
  before?: Buffer[];
  after?: Buffer[];
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** A PNG built chunk by chunk, so that any part of it can be made wrong. */
function buildPng(p: PngSpec): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(p.width, 0);
  ihdr.writeUInt32BE(p.height, 4);
  ihdr[8] = p.depth;
  ihdr[9] = p.colourType;
  ihdr[12] = p.interlace ?? 0;
  const rowBytes = 1 + Math.ceil((p.width * (CHANNELS[p.colourType] ?? 1) * p.depth) / 8);
  let raw: Buffer = Buffer.alloc(rowBytes * p.height);
  for (let i = 0; i < raw.length; i++) raw[i] = i % rowBytes === 0 ? 0 : (i * 7) & 0xff;
  if (p.raw) raw = p.raw(raw);
  let z: Buffer = deflateSync(raw);
  if (p.z) z = p.z(z);
  const n = p.idats ?? 1;
  const step = Math.ceil(z.length / n);
  const idats = Array.from({ length: n }, (_, i) => pngChunk("IDAT", z.subarray(i * step, (i + 1) * step)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    ...(p.before ?? []),
    ...idats,
    ...(p.after ?? []),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A zlib stream's trailer: the Adler-32 checksum of what it holds. */
function adler32(data: Buffer): Buffer {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65_521;
    b = (b + a) % 65_521;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(((b << 16) | a) >>> 0);
  return out;
}

/** A copy of `b` with one byte changed. */
function withByte(b: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(b);
  copy[at] = value;
  return copy;
}

/** A copy of a chunk with the last bit of its CRC flipped. */
function withBadCrc(chunk: Buffer): Buffer {
  return withByte(chunk, chunk.length - 1, chunk[chunk.length - 1]! ^ 1);
}

/** libvips' verdict alone, decoded as decodeImage's libvips path does. */
async function libvipsDecodes(bytes: Buffer): Promise<boolean> {
  try {
    await sharp(bytes, { failOn: "warning", sequentialRead: true }).extractChannel(0).raw().toBuffer();
    return true;
  } catch {
    return false;
  }
}

describe("plainPngIsWhole (the plain PNG check that spares libvips)", () => {
  const text = (key: string, value: string) => pngChunk("tEXt", Buffer.from(`${key}\0${value}`, "latin1"));
  const phys = pngChunk("pHYs", Buffer.from([0, 0, 11, 19, 0, 0, 11, 19, 1]));

  it("takes every plain PNG libvips decodes: each colour type and depth, odd widths, split streams, ancillary chunks", async () => {
    const specs: PngSpec[] = [];
    for (const [colourType, depths] of [
      [0, [1, 2, 4, 8, 16]],
      [2, [8, 16]],
      [4, [8, 16]],
      [6, [8, 16]],
    ] as const) {
      for (const depth of depths) for (const width of [1, 3, 13]) specs.push({ width, height: 5, colourType, depth });
    }
    specs.push(
      { width: 40, height: 30, colourType: 6, depth: 8, idats: 4 },
      { width: 40, height: 30, colourType: 2, depth: 8, before: [phys, text("parameters", "a cat, steps: 20")] },
      { width: 40, height: 30, colourType: 2, depth: 8, after: [text("Comment", "after the pixels")] },
    );
    for (const spec of specs) {
      const png = buildPng(spec);
      const name = JSON.stringify({ ...spec, before: spec.before?.length, after: spec.after?.length });
      expect(await libvipsDecodes(png), name).toBe(true);
      expect(await plainPngIsWhole(png), name).toBe(true);
      expect(codeOf(await decodeImage(png, LIMITS)), name).toBe("ok");
    }
    // what sharp itself writes (pHYs before the pixels), small and large (the stream inflated in the thread pool)
    for (const side of [64, 600]) {
      const png = await sharp({ create: { width: side, height: side, channels: 3, background: "#236" } })
        .png()
        .toBuffer();
      expect(await plainPngIsWhole(png), `sharp ${side}`).toBe(true);
    }
  });

  it("leaves a plain PNG whose scanlines exceed 8 MB to libvips, which holds one channel of them", async () => {
    const png = makePng(1500, 1500); // RGBA: 9 MB of scanlines
    expect(await plainPngIsWhole(png)).toBe(false);
    expect(codeOf(await decodeImage(png, { ...LIMITS, maxBytes: 64 * 1024 * 1024 }))).toBe("ok");
    expect(await plainPngIsWhole(makePng(1400, 1400))).toBe(true); // 7.5 MB
  });

  it("leaves every other PNG to libvips, and agrees with it on each", async () => {
    const base = { width: 16, height: 8, colourType: 6, depth: 8 };
    const cases: Record<string, PngSpec> = {
      "a filter type over 4": { ...base, raw: (r) => withByte(r, 65, 5) },
      "scanlines a few bytes short": { ...base, raw: (r) => r.subarray(0, r.length - 5) },
      "a scanline short": { ...base, raw: (r) => r.subarray(0, r.length - 65) },
      "scanlines with bytes to spare": { ...base, raw: (r) => Buffer.concat([r, Buffer.alloc(7)]) },
      "bytes after the zlib stream": { ...base, z: (z) => Buffer.concat([z, Buffer.from([1, 2, 3])]) },
      "a wrong zlib checksum": { ...base, z: (z) => withByte(z, z.length - 1, z[z.length - 1]! ^ 1) },
      "a cut zlib stream": { ...base, z: (z) => z.subarray(0, z.length - 6) },
      "RGB at 4 bits": { ...base, colourType: 2, depth: 4 },
      "colour type 1": { ...base, colourType: 1 },
      "a palette image without its palette": { ...base, colourType: 3 },
      "interlace method 2": { ...base, interlace: 2 },
      "interlaced, with the scanlines of a plain image": { ...base, interlace: 1 },
      "an unknown critical chunk": { ...base, before: [pngChunk("ABCD", Buffer.alloc(4))] },
      "a transparency chunk": { ...base, colourType: 2, before: [pngChunk("tRNS", Buffer.alloc(6))] },
      "an ancillary chunk with a bad CRC": { ...base, before: [withBadCrc(pngChunk("pHYs", Buffer.alloc(9)))] },
      "a text chunk between two IDATs": { ...base, idats: 2, after: [] },
    };
    for (const [name, spec] of Object.entries(cases)) {
      let png = buildPng(spec);
      if (name === "a text chunk between two IDATs") {
        const second = png.indexOf("IDAT", png.indexOf("IDAT", 8, "latin1") + 4, "latin1") - 4;
        png = Buffer.concat([png.subarray(0, second), text("k", "v"), png.subarray(second)]);
      }
      expect(await plainPngIsWhole(png), name).toBe(false);
      expect(codeOf(await decodeImage(png, LIMITS)) === "ok", name).toBe(await libvipsDecodes(png));
    }
    // a stream whose header declares a 256-byte window, with back-references of 301 bytes:
    // libpng inflates row by row within that window and fails; Node, at once, would not
    const rows = 2;
    const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151) % 251))]);
    const smallWindow = buildPng({
      width: 300,
      height: rows,
      colourType: 0,
      depth: 8,
      raw: () => Buffer.concat(Array.from({ length: rows }, () => row)),
      z: (z) => Buffer.concat([Buffer.from([0x08, 0xd7]), z.subarray(2)]), // CINFO 0, FCHECK still right
    });
    expect(await libvipsDecodes(smallWindow)).toBe(false);
    expect(await plainPngIsWhole(smallWindow)).toBe(false);
    expect(codeOf(await decodeImage(smallWindow, LIMITS))).toBe("InvalidImage");
    // a 4×4 image behind 20,000 empty stored blocks: padding, not inflated here
    const scanlines = Buffer.alloc(4 * (1 + 4 * 4));
    const padded = buildPng({
      width: 4,
      height: 4,
      colourType: 6,
      depth: 8,
      z: () =>
        Buffer.concat([
          Buffer.from([0x78, 0x01]),
          Buffer.alloc(20_000 * 5).fill(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff])),
          deflateRawSync(scanlines),
          adler32(scanlines),
        ]),
    });
    expect(await plainPngIsWhole(padded)).toBe(false);
    expect(codeOf(await decodeImage(padded, LIMITS)) === "ok").toBe(await libvipsDecodes(padded));
    // more chunks than an encoder writes: 2,000 empty IDATs
    const z = deflateSync(Buffer.alloc(4 * (1 + 4 * 4)));
    const many = buildPng({ width: 4, height: 4, colourType: 6, depth: 8, idats: 1 });
    const at = many.indexOf("IDAT", 8, "latin1") - 4;
    const manyIdats = Buffer.concat([
      many.subarray(0, at),
      pngChunk("IDAT", z),
      ...Array.from({ length: 2_000 }, () => pngChunk("IDAT", Buffer.alloc(0))),
      pngChunk("IEND", Buffer.alloc(0)),
    ]);
    expect(await plainPngIsWhole(manyIdats)).toBe(false);
    expect(codeOf(await decodeImage(manyIdats, LIMITS)) === "ok").toBe(await libvipsDecodes(manyIdats));
    // bytes after IEND (decodeImage refuses those before this check; this check does not rely on it)
    expect(await plainPngIsWhole(Buffer.concat([buildPng(base), Buffer.from("<html>")]))).toBe(false);
    // a wrong CRC on IHDR or IDAT
    for (const type of ["IHDR", "IDAT"]) {
      const png = Buffer.from(buildPng(base));
      const at = png.indexOf(type, 8, "latin1") - 4;
      png[at + 8 + png.readUInt32BE(at) + 3]! ^= 1;
      expect(await plainPngIsWhole(png), type).toBe(false);
      expect(codeOf(await decodeImage(png, LIMITS)), type).toBe("InvalidImage");
    }
  });

  it("never takes what libvips refuses: 400 scanlines changed at random (filter bytes, lengths, bytes)", async () => {
    let seed = 12345; // mulberry32: the same sequence on every run
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    let taken = 0;
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const spec: PngSpec = {
        width: 1 + random(20),
        height: 1 + random(10),
        colourType: [0, 2, 4, 6][random(4)]!,
        depth: 8,
        raw: (r) => {
          const out = Buffer.from(r);
          for (let k = random(3); k > 0; k--) out[random(out.length)] = random(8); // filter-like values
          const cut = random(3) === 0 ? random(4) : 0;
          const extra = random(5) === 0 ? Buffer.alloc(random(4)) : Buffer.alloc(0);
          return Buffer.concat([out.subarray(0, out.length - cut), extra]);
        },
      };
      const png = buildPng(spec);
      const whole = await plainPngIsWhole(png);
      const vips = await libvipsDecodes(png);
      if (!vips) refused++;
      if (whole) {
        taken++;
        expect(vips, JSON.stringify({ i, ...spec })).toBe(true);
      }
      expect(codeOf(await decodeImage(png, LIMITS)) === "ok", JSON.stringify({ i, ...spec })).toBe(vips);
    }
    // both kinds were there: the check took many itself, and libvips refused many
    expect(taken).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(50);
  });
});
