/**
 * An alchemy request's source image, measured before admission (reference §1.3):
 *
 * - sent as base64: decoded and checked like any image (lib/images.ts), then stored as a blob by
 *   the service; workers fetch it from the blob URL;
 * - sent as an http(s) URL: downloaded once, only to measure it (the URL itself is what workers
 *   get). The download is bounded: at most 5 MB (a larger Content-Length is refused before the
 *   body is read, a body that grows past it is cut), one deadline over connect, redirects and
 *   body, at most 3 redirects, each of which must stay on http(s). Unless `allowPrivate` is set,
 *   a host that is or resolves to a loopback, private, link-local or otherwise internal address
 *   is refused, checked on the address actually connected to (so DNS cannot swap it after the
 *   check): the server must not be a proxy into its own network.
 *
 * Either way the size is read from the header, and more than 255 tiles is refused
 * (`SourceImageResolutionExceeded`); no pixel is decoded (see measureBytes).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import sharp, { type Metadata } from "sharp";
import { type DecodedImage, decodeStrictBase64, endsWhereItSays, sniffFormat } from "../../lib/images.ts";
import { ALCHEMY_LIMITS, type AlchemyFailure, imageTiles } from "./alchemy.rules.ts";

/** A measured source image: its size in pixels and tiles, and for an upload its bytes. */
export interface MeasuredSource {
  width: number;
  height: number;
  tiles: number;
  /** The decoded upload, to store; null for a URL (only measured, never kept). */
  image: DecodedImage | null;
  /** The URL as given (after checks); null for an upload. */
  url: string | null;
}

export type SourceResult = { ok: true; value: MeasuredSource } | AlchemyFailure;

/** How a URL is fetched. */
export interface FetchOptions {
  /** Deadline over the whole download, redirects included. */
  timeoutMs: number;
  /** Whether internal addresses (loopback, private ranges…) may be fetched: tests and closed networks only. */
  allowPrivate: boolean;
}

const MAX_REDIRECTS = 3;
const MAX_URL_CHARS = 2048;
const DATA_URL_PREFIX = /^data:image\/(?:png|webp|jpeg|jpg);base64,/i;

function refuse(code: string, message: string, field: string): AlchemyFailure {
  return { ok: false, code, message, field };
}

/**
 * Steps 1–4 of lib/images.ts (size, signature, container end, header) and the tile limit. The
 * pixels are not decoded: at 255 tiles that is 67 megapixels, about ten seconds of CPU for a
 * WEBP of a few dozen bytes, which any caller could ask for. The container checks already keep
 * anything but a PNG, WEBP or JPEG out of the blob store; a corrupt one faults its forms.
 */
async function measureBytes(bytes: Buffer, field: string): Promise<SourceResult> {
  const maxBytes = ALCHEMY_LIMITS.maxSourceBytes;
  if (bytes.length > maxBytes) {
    return refuse("SourceImageTooLarge", `The source image is ${bytes.length} bytes; at most ${maxBytes}.`, field);
  }
  const format = sniffFormat(bytes);
  if (!format || !endsWhereItSays(bytes, format)) {
    return refuse("InvalidSourceImage", "The source image is not a whole PNG, WEBP or JPEG.", field);
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return refuse("InvalidSourceImage", `The source ${format.toUpperCase()} cannot be decoded.`, field);
  }
  const { width, height } = meta;
  if (meta.format !== format || !width || !height) {
    return refuse("InvalidSourceImage", `The source ${format.toUpperCase()} cannot be decoded.`, field);
  }
  const tiles = imageTiles(width, height);
  if (tiles > ALCHEMY_LIMITS.maxTiles || Math.max(width, height) > ALCHEMY_LIMITS.maxSourceSide) {
    const message = `The source image is ${width}x${height}, ${tiles} tiles of 512x512; at most ${ALCHEMY_LIMITS.maxTiles}, and sides of at most ${ALCHEMY_LIMITS.maxSourceSide}.`;
    return refuse("SourceImageResolutionExceeded", message, field);
  }
  const image: DecodedImage = { bytes, format, width, height, hasAlpha: meta.hasAlpha === true };
  return { ok: true, value: { width, height, tiles, image, url: null } };
}

/** Measures a base64 upload (strict base64, optionally a `data:image/…;base64,` URL). */
export async function measureBase64Source(text: string): Promise<SourceResult> {
  const body = text.replace(DATA_URL_PREFIX, "");
  if (Math.floor((body.length * 3) / 4) > ALCHEMY_LIMITS.maxSourceBytes + 2) {
    const message = `The source image is over ${ALCHEMY_LIMITS.maxSourceBytes} bytes.`;
    return refuse("SourceImageTooLarge", message, "sourceImage");
  }
  const bytes = decodeStrictBase64(body);
  if (!bytes) {
    return refuse(
      "InvalidSourceImage",
      "sourceImage is not strict base64 (standard alphabet, padded, no spaces).",
      "sourceImage",
    );
  }
  return measureBytes(bytes, "sourceImage");
}

// ───────────────────────────── URL download ─────────────────────────────

/** Whether an IP address is one the server must not be made to call (loopback, private, …). */
export function isInternalAddress(address: string): boolean {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/i.exec(address);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  if (v6 === "::" || v6 === "::1") return true;
  if (/^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6)) return true; // ULA, link-local, multicast
  return /^::ffff:/.test(v6) || /^64:ff9b:/.test(v6); // mapped/translated v4 written in hex
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A DNS lookup that refuses internal addresses; the socket connects to what it returns. */
function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((a) => isInternalAddress(a.address))) {
      const refused = Object.assign(new Error(`${hostname} resolves to an internal address`), { code: "EINTERNAL" });
      return callback(refused, []);
    }
    if ((options as { all?: boolean }).all) return callback(null, list);
    const first = list[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
}

/** Checks a URL the client sent or a redirect named; returns it parsed, or the refusal. */
function checkUrl(raw: string, allowPrivate: boolean): URL | AlchemyFailure {
  const field = "sourceImageUrl";
  if (raw.length > MAX_URL_CHARS)
    return refuse("InvalidSourceImageUrl", `A URL is at most ${MAX_URL_CHARS} characters.`, field);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("InvalidSourceImageUrl", "sourceImageUrl is not a URL.", field);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse("InvalidSourceImageUrl", "sourceImageUrl must be an http or https URL.", field);
  }
  if (url.username || url.password)
    return refuse("InvalidSourceImageUrl", "sourceImageUrl may not carry credentials.", field);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (
    !allowPrivate &&
    (host === "localhost" || host.endsWith(".localhost") || (isIP(host) && isInternalAddress(host)))
  ) {
    return refuse("InvalidSourceImageUrl", "sourceImageUrl names an internal address.", field);
  }
  return url;
}

type Fetched = { ok: true; bytes: Buffer } | { ok: false; redirect: string } | AlchemyFailure;

/** One GET: the body (at most `maxBytes`), a redirect's target, or why it failed. */
function getOnce(url: URL, opts: FetchOptions, signal: AbortSignal): Promise<Fetched> {
  const field = "sourceImageUrl";
  const maxBytes = ALCHEMY_LIMITS.maxSourceBytes;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = client.get(
      url,
      { signal, lookup: opts.allowPrivate ? undefined : guardedLookup, headers: { accept: "image/*" } },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          return resolve({ ok: false, redirect: new URL(res.headers.location, url).toString() });
        }
        if (status !== 200) {
          res.resume();
          return resolve(
            refuse("SourceImageDownloadFailed", `Downloading the source image gave HTTP ${status}.`, field),
          );
        }
        const declared = Number(res.headers["content-length"] ?? Number.NaN);
        if (declared > maxBytes) {
          res.destroy();
          return resolve(
            refuse("SourceImageTooLarge", `The source image is ${declared} bytes; at most ${maxBytes}.`, field),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            resolve(refuse("SourceImageTooLarge", `The source image is over ${maxBytes} bytes.`, field));
          } else chunks.push(chunk);
        });
        res.on("end", () => resolve({ ok: true, bytes: Buffer.concat(chunks) }));
        // A body cut short (connection reset, deadline) ends in close without a complete message.
        res.on("close", () => {
          if (!res.complete)
            resolve(refuse("SourceImageDownloadFailed", "The source image download broke off.", field));
        });
        res.on("error", () => undefined);
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EINTERNAL")
        return resolve(refuse("InvalidSourceImageUrl", "sourceImageUrl names an internal address.", field));
      const why = signal.aborted ? `took longer than ${opts.timeoutMs} ms` : "could not be downloaded";
      resolve(refuse("SourceImageDownloadFailed", `The source image ${why}.`, field));
    });
  });
}

/** Downloads a URL (redirects followed on http(s) only) and measures the image; never throws. */
export async function measureUrlSource(raw: string, opts: FetchOptions): Promise<SourceResult> {
  const first = checkUrl(raw, opts.allowPrivate);
  if (!(first instanceof URL)) return first;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let url = first;
  for (let hop = 0; ; hop++) {
    const got = await getOnce(url, opts, signal);
    if (got.ok) {
      const measured = await measureBytes(got.bytes, "sourceImageUrl");
      return measured.ok ? { ok: true, value: { ...measured.value, image: null, url: first.toString() } } : measured;
    }
    if (!("redirect" in got)) return got;
    if (hop >= MAX_REDIRECTS) {
      return refuse(
        "SourceImageDownloadFailed",
        `The source image URL redirects more than ${MAX_REDIRECTS} times.`,
        "sourceImageUrl",
      );
    }
    const next = checkUrl(got.redirect, opts.allowPrivate);
    if (!(next instanceof URL)) return { ...next, message: `A redirect: ${next.message}` };
    url = next;
  }
}
