import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** The page's options; the headers tab opens with the key's place marked. */
export const GRAPHIQL_OPTIONS = {
  title: "Horde GraphQL",
  subscriptionsProtocol: "WS" as const,
  defaultQuery: "{\n  me {\n    id\n    username\n    kudos\n  }\n}\n",
  headers: JSON.stringify({ apikey: "0000000000" }, null, 2),
};

interface Page {
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

let page: Promise<Page> | null = null;

/**
 * Renders GraphiQL once per process and compresses it once: the page inlines its whole bundle
 * (about 9 MB), so every load must not pay for either. Compression runs on zlib's thread pool.
 */
function renderedPage(): Promise<Page> {
  page ??= (async () => {
    const identity = Buffer.from(renderGraphiQL(GRAPHIQL_OPTIONS));
    const [g, b] = await Promise.all([
      gz(identity, { level: 9 }),
      // Quality 9 keeps the one-off cost to a second or so; 11 gains little and takes far longer.
      brotli(identity, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 9,
          [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      }),
    ]);
    const etag = `"${createHash("sha256").update(identity).digest("base64url").slice(0, 27)}"`;
    return { etag, identity, gzip: g, br: b };
  })();
  page.catch(() => {
    page = null;
  });
  return page;
}

/** Starts rendering in the background, so the first visitor does not wait for it. */
export function warmGraphiQL(): void {
  renderedPage().catch(() => {});
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

/** Serves GraphiQL compressed, with an ETag so a revisit costs a 304. */
export async function serveGraphiQL(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const p = await renderedPage();
  const encoding = negotiate(req.headers["accept-encoding"] as string | undefined);
  const headers: Record<string, string> = {
    "content-type": "text/html; charset=utf-8",
    etag: p.etag,
    "cache-control": "public, max-age=300",
    vary: "Accept-Encoding",
  };
  const matches = (req.headers["if-none-match"] ?? "").split(",").some((t) => t.trim() === p.etag);
  if (matches) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const body = encoding === "br" ? p.br : encoding === "gzip" ? p.gzip : p.identity;
  if (encoding !== "identity") headers["content-encoding"] = encoding;
  headers["content-length"] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
