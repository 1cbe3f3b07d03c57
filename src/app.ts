import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError } from "graphql";
import type { Context as WsContext } from "graphql-ws";
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
  /** Stops accepting, closes WebSockets with 1001, waits for in-flight requests, stops tasks. */
  stop(): Promise<void>;
}

type WsExtra = {
  socket: import("ws").WebSocket;
  request: IncomingMessage;
  viewer?: Viewer;
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

/** Builds the app around its dependencies; nothing listens until start(). */
export function createApp(deps: Deps, opts: { tasks?: boolean } = {}): App {
  const { config, logger } = deps;
  const yoga = createYogaServer(deps);
  const ipLimiter = new RateLimiter(config.rateLimit.perIpPerMinute);
  const keyLimiter = new RateLimiter(config.rateLimit.perKeyPerMinute);
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | null = null;
  let tasks: Tasks | null = null;

  function limited(ip: string, key: string | null): number {
    const byIp = ipLimiter.hit(ip);
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
      const ok =
        !stopping &&
        (await deps.db.query("SELECT 1").then(
          () => true,
          () => false,
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
      new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
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
    res.writeHead(response.status, outHeaders);
    if (response.body) {
      // Yoga's responses are web streams (SSE for subscriptions over HTTP); copy chunk by chunk
      // and stop reading when the client goes away.
      const reader = response.body.getReader();
      res.on("close", () => void reader.cancel().catch(() => {}));
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || res.destroyed) break;
          res.write(value);
        }
      } catch {
        // the client went away mid-stream
      }
      res.end();
    } else {
      res.end();
    }
    logger.debug({ requestId, ip, status: response.status, ms: Math.round(performance.now() - started) }, "graphql");
  }

  const server: Server = createServer((req, res) => {
    if (stopping) {
      res.setHeader("connection", "close");
    }
    inFlight++;
    handle(req, res)
      .catch((err) => {
        logger.error({ err }, "request failed");
        if (!res.headersSent) jsonError(res, 500, "InternalServerError", "Unexpected error.");
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0 && drained) drained();
      });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/graphql" || stopping) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  useServer<Record<string, unknown> | undefined, WsExtra>(
    {
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
        const ip = clientIp(ctx.extra.request, config.trustProxy);
        if (limited(ip, key)) return false;
        const viewer = await authenticate(deps.db, key);
        if (!viewer) return false; // graphql-ws closes with 4403 Forbidden
        const abort = new AbortController();
        ctx.extra.socket.once("close", () => abort.abort());
        ctx.extra.viewer = viewer;
        ctx.extra.abort = abort;
        ctx.extra.requestId = randomUUID();
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const extra = ctx.extra;
        const ip = clientIp(extra.request, config.trustProxy);
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          requestId: extra.requestId ?? randomUUID(),
          ip,
          viewer: extra.viewer,
          signal: extra.abort?.signal,
          params: payload,
          // The upgrade request's host, so URLs handed out over the socket point back at this server.
          request: new Request(`http://${extra.request.headers.host ?? "localhost"}/graphql`),
        });
        let document: import("graphql").DocumentNode;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
        }
        const errors = validate(schema, document);
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
    async stop() {
      if (stopping) return;
      stopping = true;
      await tasks?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const ws of wss.clients) ws.close(1001, "Server shutting down");
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          new Promise((r) => setTimeout(r, 10_000).unref()),
        ]);
      }
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
      for (const ws of wss.clients) ws.terminate();
      await closed;
      wss.close();
    },
  };
}
