import { inflateSync } from "node:zlib";
import { type ImageHeader, readImageHeader } from "../requests/requests.rules.ts";

/** The result of checking a worker's image. */
export type ImageCheck =
  | { ok: true; bytes: Buffer; header: ImageHeader }
  | { ok: false; code: string; message: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks a submitted image: base64 of a PNG, WEBP or JPEG no larger than `maxBytes`, whose
 * structure holds together: a PNG's compressed pixel data must inflate, a JPEG must end with its
 * end-of-image marker, a WEBP's RIFF size must match its length. Pixels are not decoded further
 * (that needs an image library); a truncated or corrupted upload is what this catches.
 */
export function checkSubmittedImage(text: string, maxBytes: number): ImageCheck {
  const body = text.replace(/^data:image\/[a-z]+;base64,/i, "").replace(/\s+/g, "");
  if (body.length === 0 || !BASE64.test(body)) {
    return { ok: false, code: "InvalidImage", message: "The image is not valid base64" };
  }
  if (Math.floor((body.replace(/=+$/, "").length * 3) / 4) > maxBytes) {
    return { ok: false, code: "ImageTooLarge", message: `The image is larger than ${maxBytes} bytes` };
  }
  const bytes = Buffer.from(body, "base64");
  const header = readImageHeader(bytes);
  if (!header) return { ok: false, code: "InvalidImage", message: "The image is not a PNG, WEBP or JPEG" };
  if (!structureHolds(bytes, header.format)) {
    return {
      ok: false,
      code: "InvalidImage",
      message: `The ${header.format.toUpperCase()} image is truncated or corrupt`,
    };
  }
  return { ok: true, bytes, header };
}

function structureHolds(bytes: Buffer, format: ImageHeader["format"]): boolean {
  if (format === "jpeg")
    return bytes.length > 4 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
  if (format === "webp") return bytes.readUInt32LE(4) + 8 === bytes.length;
  // PNG: walk the chunks, gather IDAT, require IEND, and inflate the pixel data.
  let at = 8;
  const idat: Buffer[] = [];
  let ended = false;
  while (at + 12 <= bytes.length) {
    const len = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    if (at + 12 + len > bytes.length) return false;
    if (type === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + len));
    at += 12 + len;
    if (type === "IEND") {
      ended = true;
      break;
    }
  }
  if (!ended || idat.length === 0) return false;
  try {
    inflateSync(Buffer.concat(idat));
    return true;
  } catch {
    return false;
  }
}
