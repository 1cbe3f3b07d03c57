import type { IncomingMessage, ServerResponse } from "node:http";
import type { YogaServerInstance } from "graphql-yoga";
import type { Config } from "../config.ts";
import type { Context } from "../graphql/context.ts";
import type { ServerContext } from "../graphql/yoga.ts";
import type { Logger } from "../infra/logger.ts";
import { jsonError, plainHost } from "./respond.ts";

/** What the bridge shares with the lifecycle: whether the server stops, and open event streams. */
export interface BridgeState {
  readonly stopping: boolean;
  /** Ends each open event stream (a subscription over HTTP), which would not end by itself. */
  readonly streams: Set<() => void>;
}

/** Reads the body up to `max` bytes, counting what arrives, not what Content-Length claims. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > max) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The parameters of a GET request that must be JSON. Yoga parses them itself, but reports a
 * failure as an internal error with status 200; a malformed one is the client's mistake.
 */
export function badJsonParam(url: URL): string | null {
  for (const name of ["variables", "extensions"]) {
    const v = url.searchParams.get(name);
    if (v === null || v === "") continue;
    try {
      JSON.parse(v);
    } catch {
      return name;
    }
  }
  return null;
}

/** A multipart body that cannot be a GraphQL upload request: no boundary in the content type. */
function badMultipart(req: IncomingMessage): boolean {
  const type = req.headers["content-type"] ?? "";
  return /^multipart\/form-data/i.test(type) && !/;\s*boundary=/i.test(type);
}

/**
 * Copies a Yoga response to Node's response: a plain answer (JSON, GraphiQL's page) whole, in one
 * write; an event stream (a subscription over HTTP) chunk by chunk until it ends, the client goes
 * away or the server stops.
 */
async function pipeResponse(response: Response, res: ServerResponse, state: BridgeState): Promise<void> {
  const outHeaders: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    outHeaders[k] = v;
  });
  if (state.stopping) outHeaders.connection = "close";
  const isStream = response.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
  if (!isStream) {
    // Yoga's own Response holds a plain body as it was given: reading it whole costs no stream
    // (asking for `response.body` first would build one)
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > 0) outHeaders["content-length"] = String(body.length);
    res.writeHead(response.status, outHeaders);
    res.end(body.length > 0 ? body : undefined);
    return;
  }
  res.writeHead(response.status, outHeaders);
  if (response.body) {
    // Stop reading when the client goes away, or when the server stops.
    const reader = response.body.getReader();
    const end = () => void reader.cancel().catch(() => {});
    res.on("close", end);
    if (state.stopping) end();
    state.streams.add(end);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || res.destroyed) break;
        res.write(value);
      }
    } catch {
      // the client went away mid-stream
    } finally {
      state.streams.delete(end);
    }
  }
  res.end();
}

/** Hands one HTTP request to Yoga and streams its answer back. */
export async function forwardToYoga(
  yoga: YogaServerInstance<ServerContext, Context>,
  deps: { config: Config; logger: Logger },
  state: BridgeState,
  call: { req: IncomingMessage; res: ServerResponse; url: URL; headers: Headers; requestId: string; ip: string },
): Promise<void> {
  const { req, res, url, headers, requestId, ip } = call;
  const { maxBodyBytes } = deps.config;
  const badParam = req.method === "GET" ? badJsonParam(url) : null;
  if (badParam) return jsonError(res, 400, "BAD_REQUEST", `The "${badParam}" parameter is not valid JSON`);
  if (badMultipart(req)) return jsonError(res, 400, "BAD_REQUEST", "A multipart body needs a boundary");
  let body: Buffer | undefined;
  if (req.method !== "GET" && req.method !== "HEAD") {
    const read = await readBody(req, maxBodyBytes);
    if (read === "too-large") {
      res.setHeader("connection", "close");
      return jsonError(res, 413, "PayloadTooLarge", `The request body exceeds ${maxBodyBytes} bytes`);
    }
    body = read;
  }
  const started = performance.now();
  const abort = new AbortController();
  // Only a client that leaves before its answer is complete cancels the operation: aborting
  // after every answer built a DOMException per request for nothing
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  // Yoga's own Request (its fetch API: @whatwg-node's Node implementation), not the global one:
  // Yoga then reads the body as the buffer it is instead of through a web stream
  const response = await yoga.fetch(
    new yoga.fetchAPI.Request(`http://${plainHost(req)}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body: body as unknown as BodyInit | undefined,
      signal: abort.signal,
    }),
    { requestId, ip },
  );
  await pipeResponse(response, res, state);
  deps.logger.debug({ requestId, ip, status: response.status, ms: Math.round(performance.now() - started) }, "graphql");
}
