import type { IncomingMessage, ServerResponse } from "node:http";
import type { YogaServerInstance } from "graphql-yoga";
import type { Deps } from "../deps.ts";
import type { Context } from "../graphql/context.ts";
import type { ServerContext } from "../graphql/yoga.ts";
import { apiKeyFromHeaders } from "./api-key.ts";
import { serveDatasetExport } from "./dataset-export.ts";
import { GRAPHIQL_ASSET_PREFIX, serveGraphiQL, serveGraphiQLAsset, wantsGraphiQL } from "./graphiql.ts";
import { serveMetrics } from "./metrics.ts";
import type { Limited } from "./rate-limit.ts";
import { clientIp, jsonError, within } from "./respond.ts";
import { STATUS_ASSET_PREFIX, serveStatusAsset, serveStatusPage } from "./status-page.ts";
import { type BridgeState, forwardToYoga } from "./yoga-bridge.ts";

/**
 * Headers for served images. Keys are never reused, so a blob may be cached for ever; the type
 * is the one decided at upload and must not be sniffed, and a blob opened as a page runs nothing.
 */
export const BLOB_HEADERS = {
  "cache-control": "public, max-age=31536000, immutable",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cross-origin-resource-policy": "cross-origin",
} as const;

/** What the routes need from the app. */
export interface RouteEnv {
  deps: Deps;
  yoga: YogaServerInstance<ServerContext, Context>;
  limited: Limited;
  state: BridgeState;
}

function health(env: RouteEnv, res: ServerResponse) {
  const { stopping } = env.state;
  res.writeHead(stopping ? 503 : 200, { "content-type": "application/json" });
  res.end(JSON.stringify({ status: stopping ? "stopping" : "ok" }));
}

async function ready(env: RouteEnv, res: ServerResponse) {
  // A database that does not answer within 2 s is as bad as one that refuses.
  const ok =
    !env.state.stopping &&
    (await within(
      env.deps.db.query("SELECT 1").then(
        () => true,
        () => false,
      ),
      2_000,
      false,
    ));
  res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
  res.end(JSON.stringify({ status: ok ? "ready" : "unavailable" }));
}

async function blob(env: RouteEnv, rawKey: string, res: ServerResponse) {
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return jsonError(res, 400, "BadBlobKey", "The image key is not a valid URL path");
  }
  const found = await env.deps.blobs.get(key);
  if (!found) return jsonError(res, 404, "NotFound", "No such image");
  res.writeHead(200, {
    "content-type": found.contentType,
    "content-length": String(found.bytes.length),
    ...BLOB_HEADERS,
  });
  res.end(found.bytes);
}

/** Copies Node's request headers into a fetch Headers object. */
function fetchHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  return headers;
}

/** Routes one HTTP request: health, readiness, metrics, images, the status page, GraphiQL and their assets, the dataset export, GraphQL. */
export async function route(env: RouteEnv, req: IncomingMessage, res: ServerResponse, requestId: string) {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/health") return health(env, res);
  if (url.pathname === "/ready") return ready(env, res);
  if (url.pathname === "/metrics") return serveMetrics(env.deps, req, res);
  if (url.pathname.startsWith("/blobs/") && (req.method === "GET" || req.method === "HEAD")) {
    return blob(env, url.pathname.slice(7), res);
  }
  const read = req.method === "GET" || req.method === "HEAD";
  if (url.pathname.startsWith(GRAPHIQL_ASSET_PREFIX) && read) {
    return serveGraphiQLAsset(req, res, url.pathname.slice(GRAPHIQL_ASSET_PREFIX.length));
  }
  if (url.pathname === "/" && read) return serveStatusPage(req, res);
  if (url.pathname.startsWith(STATUS_ASSET_PREFIX) && read) {
    return serveStatusAsset(req, res, url.pathname.slice(STATUS_ASSET_PREFIX.length));
  }
  const isExport = url.pathname === "/dataset.jsonl" && req.method === "GET";
  if (url.pathname !== "/graphql" && !isExport) {
    return jsonError(res, 404, "NotFound", "Not found; GraphQL is at /graphql");
  }
  if (!isExport && wantsGraphiQL(req)) return serveGraphiQL(req, res);

  const { config } = env.deps;
  const ip = clientIp(req, config.trustProxy);
  const headers = fetchHeaders(req);
  const key = apiKeyFromHeaders(headers);
  const retryAfter = env.limited(ip, key.ok ? key.key : null);
  if (retryAfter) {
    return jsonError(res, 429, "RateLimited", `Too many requests; retry in ${retryAfter} s`, {
      "retry-after": String(retryAfter),
    });
  }
  if (isExport) return serveDatasetExport(env.deps, req, res, headers);
  return forwardToYoga(env.yoga, env.deps, env.state, { req, res, url, headers, requestId, ip });
}
