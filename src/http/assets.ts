import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

/**
 * Pages the server serves to browsers (GraphiQL, the status page) with their files: each file
 * read once per process from `node_modules` or from src/http, content-hashed into its URL,
 * compressed once (brotli and gzip), and sent with an ETag; the page itself is small and
 * revalidated on each visit. Nothing is fetched from the internet, and each page's CSP lets it
 * load nothing but what this server serves.
 */

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** One file of a page, held ready in every encoding. */
export interface Encoded {
  etag: string;
  type: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

/** An asset with its URL path under the page's prefix: `<hash>/<name>`. */
export interface Asset extends Encoded {
  path: string;
}

/** Where one asset comes from. */
export interface AssetSource {
  name: string;
  file: string;
  type: string;
}

/** A page and its assets, by path. */
export interface Bundle {
  page: Encoded;
  assets: Map<string, Asset>;
}

export const JS = "text/javascript; charset=utf-8";
export const CSS = "text/css; charset=utf-8";

/**
 * Compresses one file once. Brotli quality 5 is the measured sweet spot: the 0.98 MB GraphiQL
 * bundle takes about 0.1 s and the whole page about 0.3 s, against seconds for 9–11, which
 * would save only a few percent.
 */
async function encode(identity: Buffer, type: string): Promise<Encoded> {
  const [g, b] = await Promise.all([
    gz(identity, { level: 6 }),
    brotli(identity, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
  ]);
  const etag = `"${createHash("sha256").update(identity).digest("base64url").slice(0, 27)}"`;
  return { etag, type, identity, gzip: g, br: b };
}

/** JSON that is safe inside a `<script>` element: no `<` can close it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/**
 * A page's bundle, built on first use and kept for the process (a failed build is retried on
 * the next call). `html` receives the assets in source order, each with its hashed path.
 */
export function pageBundle(sources: () => AssetSource[], html: (assets: Asset[]) => string): () => Promise<Bundle> {
  let bundle: Promise<Bundle> | null = null;
  return () => {
    bundle ??= (async () => {
      const assets: Asset[] = [];
      for (const s of sources()) {
        const bytes = await readFile(s.file);
        const hash = createHash("sha256").update(bytes).digest("base64url").slice(0, 16);
        assets.push({ ...(await encode(bytes, s.type)), path: `${hash}/${s.name}` });
      }
      const page = await encode(Buffer.from(html(assets)), "text/html; charset=utf-8");
      return { page, assets: new Map(assets.map((a) => [a.path, a])) };
    })();
    bundle.catch(() => {
      bundle = null;
    });
    return bundle;
  };
}

/** Picks the best encoding the client accepts; `q=0` refuses one. */
export function negotiate(accept: string | undefined): "br" | "gzip" | "identity" {
  const offered = new Map<string, number>();
  for (const part of (accept ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    offered.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (n: string) => (offered.get(n) ?? offered.get("*") ?? 0) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return "identity";
}

/**
 * A page may load only what our server serves: scripts and styles from here, the API over
 * HTTP and WebSocket to here, fonts and icons inlined as data: URLs. Styles allow inline
 * because GraphiQL sets style attributes; no inline script runs (a page's config is JSON data).
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Sends one encoded file, or 304 when the client's copy is current. */
export function send(req: IncomingMessage, res: ServerResponse, file: Encoded, extra: Record<string, string>): void {
  const encoding = negotiate(req.headers["accept-encoding"] as string | undefined);
  const headers: Record<string, string> = {
    "content-type": file.type,
    etag: file.etag,
    vary: "Accept-Encoding",
    "x-content-type-options": "nosniff",
    ...extra,
  };
  const matches = (req.headers["if-none-match"] ?? "").split(",").some((t) => t.trim() === file.etag);
  if (matches) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const body = encoding === "br" ? file.br : encoding === "gzip" ? file.gzip : file.identity;
  if (encoding !== "identity") headers["content-encoding"] = encoding;
  headers["content-length"] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * Serves a bundle's page: small, revalidated on every visit (a 304 when unchanged), so a
 * restarted server with new asset hashes is picked up at once.
 */
export async function servePage(req: IncomingMessage, res: ServerResponse, bundle: () => Promise<Bundle>) {
  const { page } = await bundle();
  send(req, res, page, { "cache-control": "public, max-age=0, must-revalidate", "content-security-policy": PAGE_CSP });
}

/**
 * Serves one asset by its hashed path (what follows the page's prefix): cached for a year and
 * immutable, since a changed file gets a new URL. An unknown path is a 404.
 */
export async function serveAsset(
  req: IncomingMessage,
  res: ServerResponse,
  bundle: () => Promise<Bundle>,
  path: string,
): Promise<void> {
  const asset = (await bundle()).assets.get(path);
  if (!asset) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    return void res.end("Not found");
  }
  send(req, res, asset, { "cache-control": "public, max-age=31536000, immutable" });
}
