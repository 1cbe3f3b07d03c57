import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { GraphQLError } from "graphql";
import { CloseCode, type Context as WsContext } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Deps } from "./deps.ts";
import { apiKeyFrom, createYogaServer } from "./graphql/yoga.ts";
import { RateLimiter } from "./http/rate-limit.ts";
import { hashKey } from "./modules/users/users.rules.ts";
import { authenticate, type Viewer } from "./modules/users/users.service.ts";
import { startTasks, type Tasks } from "./tasks/index.ts";

/** A running server: HTTP GraphQL, graphql-ws and GraphiQL on one port. */
export interface App {
  readonly deps: Deps;
  start(port?: number, host?: string): Promise<{ port: number; url: string }>;
  /**
   * Stops gracefully: refuses new connections (and new WebSockets, with 503, on a connection
   * still open), closes WebSockets with 1001 and event streams, stops tasks, lets HTTP requests
   * in flight finish (up to 10 s), then closes every connection. Calling it again returns the
   * same promise. It does not close the dependencies: their owner does (main.ts).
   */
  stop(): Promise<void>;
}

type WsExtra = {
  socket: import("ws").WebSocket;
  request: IncomingMessage;
  viewer?: Viewer;
  /** The key given in connection_init, for the per-key rate limit of each operation. */
  apikey?: string | null;
  requestId?: string;
  abort?: AbortController;
};

function jsonError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = req.headers["x-forwarded-for"];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}

/** Answers an upgrade request with a plain HTTP error instead of a WebSocket, then closes. */
function rejectUpgrade(
  socket: Duplex,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "content-type: application/json; charset=utf-8",
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}

/** Resolves with `promise`'s outcome, or with `fallback` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);
}

const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The request's Host header when it is a plain `host[:port]`, else `localhost`. It goes into the
 * URL Yoga sees, and from there into links the API hands out, so it must at least parse.
 */
function plainHost(req: IncomingMessage): string {
  const host = req.headers.host;
  return host && PLAIN_HOST.test(host) ? host : "localhost";
}

/** Builds the app around its dependencies; nothing listens until start(). */
export function createApp(deps: Deps, opts: { tasks?: boolean } = {}): App {
  const { config, logger } = deps;
  const yoga = createYogaServer(deps);
  const ipLimiter = new RateLimiter(config.rateLimit.perIpPerMinute);
  const keyLimiter = new RateLimiter(config.rateLimit.perKeyPerMinute);
  let inFlight = 0;
  let drained: (() => void) | null = null;
  /** Ends each open event stream (a subscription over HTTP), which would not end by itself. */
  const streams = new Set<() => void>();
  let stopping = false;
  let stopped: Promise<void> | null = null;
  let tasks: Tasks | null = null;

  /**
   * Counts one hit against the IP (when given) and the API key (when one other than the
   * anonymous key is given); returns 0 when allowed, else the seconds until the client may retry.
   */
  function limited(ip: string | null, key: string | null): number {
    const byIp = ip === null ? 0 : ipLimiter.hit(ip);
    if (byIp) return byIp;
    return key && key !== "0000000000" ? keyLimiter.hit(hashKey(key)) : 0;
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > config.maxBodyBytes) return "too-large";
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > config.maxBodyBytes) return "too-large";
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function serveBlob(key: string, res: ServerResponse) {
    const blob = await deps.blobs.get(key);
    if (!blob) return jsonError(res, 404, "NotFound", "No such image");
    res.writeHead(200, {
      "content-type": blob.contentType,
      "content-length": String(blob.bytes.length),
      "cache-control": "public, max-age=31536000, immutable",
    });
    res.end(blob.bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestId = (req.headers["x-request-id"] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader("x-request-id", requestId);
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/health") {
      res.writeHead(stopping ? 503 : 200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ status: stopping ? "stopping" : "ok" }));
    }
    if (url.pathname === "/ready") {
      // A database that does not answer within 2 s is as bad as one that refuses.
      const ok =
        !stopping &&
        (await within(
          deps.db.query("SELECT 1").then(
            () => true,
            () => false,
          ),
          2_000,
          false,
        ));
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      return res.end(JSON.stringify({ status: ok ? "ready" : "unavailable" }));
    }
    if (url.pathname.startsWith("/blobs/") && req.method === "GET") {
      return serveBlob(decodeURIComponent(url.pathname.slice(7)), res);
    }
    if (url.pathname !== "/graphql") return jsonError(res, 404, "NotFound", "Not found; GraphQL is at /graphql");

    const ip = clientIp(req, config.trustProxy);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    const retryAfter = limited(ip, apiKeyFrom(headers));
    if (retryAfter) {
      return jsonError(res, 429, "RateLimited", `Too many requests; retry in ${retryAfter} s`, {
        "retry-after": String(retryAfter),
      });
    }
    let body: Buffer | undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      const read = await readBody(req);
      if (read === "too-large") {
        res.setHeader("connection", "close");
        return jsonError(res, 413, "PayloadTooLarge", `The request body exceeds ${config.maxBodyBytes} bytes`);
      }
      body = read;
    }
    const started = performance.now();
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const response = await yoga.fetch(
      new Request(`http://${plainHost(req)}${url.pathname}${url.search}`, {
        method: req.method,
        headers,
        body: body as unknown as BodyInit | undefined,
        signal: abort.signal,
      }),
      { requestId, ip },
    );
    const outHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((v, k) => {
      outHeaders[k] = v;
    });
    if (stopping) outHeaders.connection = "close";
    res.writeHead(response.status, outHeaders);
    if (response.body) {
      // Yoga's responses are web streams (SSE for subscriptions over HTTP); copy chunk by chunk
      // and stop reading when the client goes away, or when the server stops.
      const reader = response.body.getReader();
      const end = () => void reader.cancel().catch(() => {});
      res.on("close", end);
      const isStream = response.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
      if (isStream) {
        if (stopping) end();
        streams.add(end);
      }
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || res.destroyed) break;
          res.write(value);
        }
      } catch {
        // the client went away mid-stream
      } finally {
        streams.delete(end);
      }
    }
    res.end();
    logger.debug({ requestId, ip, status: response.status, ms: Math.round(performance.now() - started) }, "graphql");
  }

  const server: Server = createServer((req, res) => {
    if (stopping) res.setHeader("connection", "close");
    inFlight++;
    handle(req, res)
      .catch((err) => {
        // A client that leaves mid-request aborts Yoga's work: routine, not a failure.
        if ((err as Error).name === "AbortError") logger.debug({ err }, "request aborted by the client");
        else logger.error({ err }, "request failed");
        if (!res.headersSent) jsonError(res, 500, "INTERNAL_SERVER_ERROR", "Unexpected error.");
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    const url = new URL(req.url ?? "/", "http://localhost");
    if (stopping) return rejectUpgrade(socket, 503, "ShuttingDown", "The server is stopping");
    if (url.pathname !== "/graphql") return rejectUpgrade(socket, 404, "NotFound", "Not found; GraphQL is at /graphql");
    // The key arrives later, in connection_init; onConnect counts it.
    const retryAfter = limited(clientIp(req, config.trustProxy), null);
    if (retryAfter) {
      return rejectUpgrade(socket, 429, "RateLimited", `Too many requests; retry in ${retryAfter} s`, {
        "retry-after": String(retryAfter),
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  useServer<Record<string, unknown> | undefined, WsExtra>(
    {
      // Close reasons never carry an error's text, whatever NODE_ENV says: that is masking too.
      isProd: true,
      execute: (args) => (args.rootValue as { execute: typeof import("graphql").execute }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: typeof import("graphql").subscribe }).subscribe(args),
      onConnect: async (ctx: WsContext<Record<string, unknown> | undefined, WsExtra>) => {
        const params = ctx.connectionParams ?? {};
        const key =
          typeof params.apikey === "string"
            ? params.apikey
            : typeof params.authorization === "string"
              ? params.authorization.replace(/^Bearer\s+/i, "")
              : null;
        const retryAfter = limited(null, key);
        if (retryAfter) {
          // 1013 Try Again Later; graphql-ws then leaves the socket as it is.
          ctx.extra.socket.close(1013, `RateLimited: retry in ${retryAfter} s`);
          return false;
        }
        let viewer: Viewer | null;
        try {
          viewer = await authenticate(deps.db, key);
        } catch (err) {
          logger.error({ err }, "WebSocket authentication failed");
          ctx.extra.socket.close(CloseCode.InternalServerError, "Internal server error");
          return false;
        }
        if (!viewer) return false; // graphql-ws closes with 4403 Forbidden
        const abort = new AbortController();
        ctx.extra.socket.once("close", () => abort.abort());
        ctx.extra.viewer = viewer;
        ctx.extra.apikey = key;
        ctx.extra.abort = abort;
        ctx.extra.requestId = randomUUID();
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const extra = ctx.extra;
        const ip = clientIp(extra.request, config.trustProxy);
        // Every operation on a socket counts, as every HTTP request does: one connection must not
        // be a way around the limits.
        const retryAfter = limited(ip, extra.apikey ?? null);
        if (retryAfter) {
          return [
            new GraphQLError(`Too many requests; retry in ${retryAfter} s`, {
              extensions: { code: "RateLimited", retryAfter },
            }),
          ];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          requestId: extra.requestId ?? randomUUID(),
          ip,
          viewer: extra.viewer,
          signal: extra.abort?.signal,
          params: payload,
          // The upgrade request's host, so URLs handed out over the socket point back at this server.
          // POST: Yoga refuses mutations on a GET request, and over a socket mutations are fine.
          request: new Request(`http://${plainHost(extra.request)}/graphql`, { method: "POST" }),
        });
        let document: import("graphql").DocumentNode;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
        }
        let errors: readonly GraphQLError[];
        try {
          errors = validate(schema, document);
        } catch (err) {
          // graphql-armor's limits throw their error from validation rather than report it.
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
    12_000,
  );

  /** Waits until every WebSocket has closed, or `ms` passed. */
  function socketsClosed(ms: number) {
    const waits = [...wss.clients].map((ws) => new Promise((resolve) => ws.once("close", resolve)));
    return within(
      Promise.all(waits).then(() => {}),
      ms,
      undefined,
    );
  }

  return {
    deps,
    async start(port = config.port, host = config.host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      if (opts.tasks !== false) tasks = startTasks(deps);
      const addr = server.address() as AddressInfo;
      const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host;
      return { port: addr.port, url: `http://${shown}:${addr.port}/graphql` };
    },
    stop() {
      if (stopped) return stopped;
      stopping = true;
      stopped = (async () => {
        // No new connections from here; idle keep-alive connections close now.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const ws of wss.clients) ws.close(1001, "Server shutting down");
        for (const end of streams) end();
        await tasks?.stop();
        if (inFlight > 0) {
          await within(
            new Promise<void>((resolve) => {
              drained = resolve;
            }),
            10_000,
            undefined,
          );
        }
        server.closeIdleConnections();
        // Clients answer the close frame; one that does not is cut off.
        await socketsClosed(2_000);
        for (const ws of wss.clients) ws.terminate();
        const cutOff = setTimeout(() => server.closeAllConnections(), 2_000);
        await closed;
        clearTimeout(cutOff);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return stopped;
    },
  };
}
