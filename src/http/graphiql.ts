import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { ANONYMOUS_API_KEY } from "../lib/ids.ts";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const require = createRequire(import.meta.url);

/** The page's options; the headers tab opens with the key's place marked. */
export const GRAPHIQL_OPTIONS = {
  title: "Horde GraphQL",
  defaultQuery: "{\n  me {\n    id\n    username\n    kudos\n  }\n}\n",
  headers: JSON.stringify({ apikey: ANONYMOUS_API_KEY }, null, 2),
};

/** Where the page's assets are served; each URL carries its content hash, so it never changes. */
export const GRAPHIQL_ASSET_PREFIX = "/graphiql/assets/";

/** One file of the page, held ready in every encoding. */
interface Encoded {
  etag: string;
  type: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

interface Asset extends Encoded {
  /** Path under GRAPHIQL_ASSET_PREFIX: `<hash>/<name>`. */
  path: string;
}

/**
 * The page's files, all from npm packages (nothing is fetched from the internet): the UMD builds
 * of React 18 (the last React with UMD builds; graphiql 3 accepts 16.8–18), GraphiQL 3 (its
 * bundle includes graphql-js and CodeMirror) and graphql-ws's browser client, and our start-up
 * script. Order matters: each script sets a global the later ones use.
 */
function sources(): { name: string; file: string; type: string }[] {
  const pkg = (name: string) => dirname(require.resolve(`${name}/package.json`));
  const js = "text/javascript; charset=utf-8";
  return [
    { name: "graphiql.min.css", file: join(pkg("graphiql"), "graphiql.min.css"), type: "text/css; charset=utf-8" },
    { name: "react.production.min.js", file: join(pkg("react"), "umd/react.production.min.js"), type: js },
    {
      name: "react-dom.production.min.js",
      file: join(pkg("react-dom"), "umd/react-dom.production.min.js"),
      type: js,
    },
    { name: "graphiql.min.js", file: join(pkg("graphiql"), "graphiql.min.js"), type: js },
    { name: "graphql-ws.min.js", file: join(pkg("graphql-ws"), "umd/graphql-ws.min.js"), type: js },
    { name: "boot.js", file: fileURLToPath(new URL("./graphiql-boot.js", import.meta.url)), type: js },
  ];
}

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
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The small HTML page: links to the hashed assets (relative, so a path prefix still works). */
function html(assets: Asset[]): string {
  const url = (a: Asset) => `.${GRAPHIQL_ASSET_PREFIX}${a.path}`;
  const styles = assets.filter((a) => a.path.endsWith(".css"));
  const scripts = assets.filter((a) => a.path.endsWith(".js"));
  const config = { defaultQuery: GRAPHIQL_OPTIONS.defaultQuery, headers: GRAPHIQL_OPTIONS.headers };
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${GRAPHIQL_OPTIONS.title}</title>`,
    // An empty inline icon: without it the browser asks for /favicon.ico and logs our 404.
    '<link rel="icon" href="data:,">',
    "<style>html,body,#graphiql{height:100%;margin:0;overflow:hidden}</style>",
    ...styles.map((a) => `<link rel="stylesheet" href="${url(a)}">`),
    "</head>",
    "<body>",
    '<div id="graphiql">Loading GraphiQL…</div>',
    `<script type="application/json" id="graphiql-config">${scriptJson(config)}</script>`,
    ...scripts.map((a) => `<script src="${url(a)}"></script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

interface Bundle {
  page: Encoded;
  assets: Map<string, Asset>;
}

let bundle: Promise<Bundle> | null = null;

/** Reads, hashes and compresses the page and its assets once per process. */
function loaded(): Promise<Bundle> {
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
}

/** Loads and compresses in the background, so the first visitor does not wait for it. */
export function warmGraphiQL(): void {
  loaded().catch(() => {});
}

/** Whether a request is a browser asking for the page (as Yoga decides: GET accepting HTML). */
export function wantsGraphiQL(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && (req.headers.accept ?? "").includes("text/html");
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
 * The page may load only what our server serves: scripts and styles from here, the API over
 * HTTP and WebSocket to here, fonts and icons inlined as data: URLs. Styles allow inline
 * because GraphiQL sets style attributes; no inline script runs (the config is JSON data).
 */
const PAGE_CSP = [
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
function send(req: IncomingMessage, res: ServerResponse, file: Encoded, extra: Record<string, string>): void {
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
 * Serves the GraphiQL page: small, revalidated on every visit (a 304 when unchanged), so a
 * restarted server with new asset hashes is picked up at once.
 */
export async function serveGraphiQL(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { page } = await loaded();
  send(req, res, page, { "cache-control": "public, max-age=0, must-revalidate", "content-security-policy": PAGE_CSP });
}

/**
 * Serves one asset by its hashed path (what follows GRAPHIQL_ASSET_PREFIX): cached for a year
 * and immutable, since a changed file gets a new URL. An unknown path is a 404.
 */
export async function serveGraphiQLAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const asset = (await loaded()).assets.get(path);
  if (!asset) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    return void res.end("Not found");
  }
  send(req, res, asset, { "cache-control": "public, max-age=31536000, immutable" });
}
