import { crc32 } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeJpeg, makePng, makeWebp } from "../modules/requests/test-images.ts";
import {
  decodeBase64Image,
  decodeImage,
  decodeStrictBase64,
  type ImageDecodeResult,
  IN_MEMORY_DECODE_PIXELS,
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
