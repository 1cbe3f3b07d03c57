import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type DocumentNode, type ExecutionArgs, GraphQLError, getOperationAST } from "graphql";
import { CloseCode, makeServer, type SubscribePayload, type Context as WsContext } from "graphql-ws";
import { WebSocket, WebSocketServer } from "ws";
import type { Viewer } from "../modules/users/users.service.ts";
import { authenticate } from "../modules/users/users.service.ts";
import { apiKeyFromHeaders, apiKeyFromObject, type KeyRead } from "./api-key.ts";
import { inRequest } from "./request-scope.ts";
import { clientIp, plainHost, rejectUpgrade } from "./respond.ts";
import type { RouteEnv } from "./routes.ts";
import { SubscriptionCaps } from "./subscription-caps.ts";

type Extra = {
  socket: WebSocket;
  request: IncomingMessage;
  ip: string;
  /** Names this connection in the logs; each operation has a request id of its own. */
  connectionId: string;
  viewer?: Viewer;
  /** The key given at connection_init, for the per-key rate limit of each operation. */
  apikey?: string | null;
  abort?: AbortController;
};
type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

/** The WebSocket side of the app: upgrades, graphql-ws, caps; the lifecycle closes it. */
export interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clients: Set<WebSocket>;
  /** Subscriptions open on every socket. */
  subscriptions(): number;
  close(): Promise<void>;
}

const KEEPALIVE_MS = 12_000;

function invalidKey(): GraphQLError {
  return new GraphQLError("The API key is not valid", { extensions: { code: "InvalidAPIKey" } });
}

/**
 * The key of a connection: from `connectionParams` when they carry one, else from the upgrade
 * request's headers (`apikey` or `Authorization: Bearer`).
 */
function connectionKey(params: unknown, req: IncomingMessage): KeyRead {
  const fromParams = apiKeyFromObject(params);
  if (!fromParams.ok || fromParams.key !== null) return fromParams;
  const headers = new Headers();
  for (const name of ["apikey", "authorization"]) {
    const v = req.headers[name];
    if (typeof v === "string") headers.set(name, v);
  }
  return apiKeyFromHeaders(headers);
}

/**
 * GraphiQL sends its Headers tab with each operation, as `extensions.headers`, but not in
 * connectionParams: an operation that carries a key runs as that key, so what GraphiQL shows is
 * what runs. `undefined` when the operation carries none.
 */
function operationKey(payload: SubscribePayload): KeyRead | undefined {
  const headers = (payload.extensions as { headers?: unknown } | undefined)?.headers;
  if (headers === undefined || headers === null) return undefined;
  const read = apiKeyFromObject(headers);
  return read.ok && read.key === null ? undefined : read;
}

/** Runs an operation's execution, and each event of a subscription, under its request id. */
type Run = (args: ExecutionArgs) => unknown;
function scoped(requestId: string, fns: { execute: Run; subscribe: Run }) {
  const wrap = (result: unknown) => {
    if (!result || typeof result !== "object" || !(Symbol.asyncIterator in result)) return result;
    const it = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => inRequest(requestId, () => it.next()),
      return: (v?: unknown) => it.return?.(v) ?? Promise.resolve({ done: true, value: v }),
      throw: (e?: unknown) => it.throw?.(e) ?? Promise.reject(e),
    };
  };
  return {
    execute: (args: ExecutionArgs) => inRequest(requestId, () => fns.execute(args)),
    subscribe: async (args: ExecutionArgs) => wrap(await inRequest(requestId, async () => fns.subscribe(args))),
  };
}

/**
 * Runs graphql-ws on one socket: keep-alive pings, messages, close. Written here rather than
 * with graphql-ws's useServer, which prints socket errors (an oversized frame) with
 * console.error, outside the logger.
 */
function attachSocket(
  server: ReturnType<typeof makeServer<Record<string, unknown> | undefined, Extra>>,
  caps: SubscriptionCaps,
  logger: RouteEnv["deps"]["logger"],
  extra: Extra,
): void {
  const { socket } = extra;
  // An oversized frame, or a broken one, is the client's fault: ws closes the socket itself
  // (1009 Message Too Big, 1002, …); it is logged here, not printed as a stack.
  socket.on("error", (err) => {
    logger.info(
      { connectionId: extra.connectionId, ip: extra.ip, err: err.message },
      "WebSocket closed on a bad frame",
    );
  });
  let pongWait: NodeJS.Timeout | null = null;
  const ping = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    pongWait = setTimeout(() => socket.terminate(), KEEPALIVE_MS);
    socket.once("pong", () => {
      if (pongWait) clearTimeout(pongWait);
      pongWait = null;
    });
    socket.ping();
  }, KEEPALIVE_MS);
  const closed = server.opened(
    {
      protocol: socket.protocol,
      send: (data) =>
        ((globalThis as any).__t?.("send:" + String(data).slice(0, 30)), 0) ||
        new Promise<void>((resolve) => {
          if (socket.readyState !== WebSocket.OPEN) return resolve();
          // A send that fails means the socket is going away; its close handler cleans up.
          socket.send(data, () => resolve());
        }),
      close: (code, reason) => socket.close(code, reason),
      onMessage: (cb) =>
        socket.on("message", async (data) => {
          try {
            await cb(String(data));
          } catch (err) {
            logger.error({ err, connectionId: extra.connectionId, ip: extra.ip }, "WebSocket message failed");
            socket.close(CloseCode.InternalServerError, "Internal server error");
          }
        }),
    },
    extra,
  );
  socket.once("close", (code, reason) => {
    if (pongWait) clearTimeout(pongWait);
    clearInterval(ping);
    caps.forget(socket, extra.ip);
    void closed(code, String(reason)).catch((err) => logger.error({ err }, "WebSocket close failed"));
  });
}

/** connection_init: reads and checks the key, counts it, authenticates once. */
async function onConnect(env: RouteEnv, ctx: Ctx): Promise<boolean> {
  const { logger, db } = env.deps;
  const { extra } = ctx;
  const read = connectionKey(ctx.connectionParams, extra.request);
  if (!read.ok) {
    env.deps.metrics.error("InvalidAPIKey");
    extra.socket.close(CloseCode.Forbidden, "InvalidAPIKey: the API key is not valid");
    return false;
  }
  const retryAfter = env.limited(null, read.key);
  if (retryAfter) {
    // 1013 Try Again Later; graphql-ws then leaves the socket as it is.
    extra.socket.close(1013, `RateLimited: retry in ${retryAfter} s`);
    return false;
  }
  let viewer: Viewer | null;
  try {
    viewer = await authenticate(db, read.key);
  } catch (err) {
    logger.error({ err, connectionId: extra.connectionId, ip: extra.ip }, "WebSocket authentication failed");
    extra.socket.close(CloseCode.InternalServerError, "Internal server error");
    return false;
  }
  if (!viewer) {
    env.deps.metrics.error("InvalidAPIKey");
    extra.socket.close(CloseCode.Forbidden, "InvalidAPIKey: the API key is not valid");
    return false;
  }
  const abort = new AbortController();
  extra.socket.once("close", () => abort.abort());
  extra.viewer = viewer;
  extra.apikey = read.key;
  extra.abort = abort;
  return true;
}

/** The viewer an operation runs as: its own key's (GraphiQL), else the connection's. */
async function viewerFor(env: RouteEnv, extra: Extra, payload: SubscribePayload): Promise<Viewer | GraphQLError> {
  const { db } = env.deps;
  const own = operationKey(payload);
  if (own === undefined) return extra.viewer as Viewer;
  if (!own.ok) return invalidKey();
  if (own.key === extra.apikey) return extra.viewer as Viewer;
  const retryAfter = env.limited(null, own.key);
  if (retryAfter) {
    return new GraphQLError(`Too many requests; retry in ${retryAfter} s`, {
      extensions: { code: "RateLimited", retryAfter },
    });
  }
  return (await authenticate(db, own.key)) ?? invalidKey();
}

/** One operation: limits, its key, parse and validate through Yoga, caps, request id. */
async function onSubscribe(env: RouteEnv, caps: SubscriptionCaps, ctx: Ctx, id: string, payload: SubscribePayload) {
  const { logger } = env.deps;
  const { extra } = ctx;
  // Every operation on a socket counts, as every HTTP request does: one connection must not
  // be a way around the limits.
  const retryAfter = env.limited(extra.ip, extra.apikey ?? null);
  if (retryAfter) {
    return [
      new GraphQLError(`Too many requests; retry in ${retryAfter} s`, {
        extensions: { code: "RateLimited", retryAfter },
      }),
    ];
  }
  const requestId = randomUUID();
  let viewer: Viewer | GraphQLError;
  try {
    viewer = await viewerFor(env, extra, payload);
  } catch (err) {
    logger.error({ err, requestId, connectionId: extra.connectionId, ip: extra.ip }, "WebSocket authentication failed");
    return [new GraphQLError("Unexpected error.", { extensions: { code: "INTERNAL_SERVER_ERROR", requestId } })];
  }
  if (viewer instanceof GraphQLError) return [viewer];
  const { schema, execute, subscribe, contextFactory, parse, validate } = env.yoga.getEnveloped({
    requestId,
    ip: extra.ip,
    viewer,
    signal: extra.abort?.signal,
    params: payload,
    // The upgrade request's host, so URLs handed out over the socket point back at this server.
    // POST: Yoga refuses mutations on a GET request, and over a socket mutations are fine.
    request: new Request(`http://${plainHost(extra.request)}/graphql`, { method: "POST" }),
  });
  let document: DocumentNode;
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
  if (getOperationAST(document, payload.operationName)?.operation === "subscription") {
    const refused = caps.open(extra.socket, extra.ip, id);
    if (refused) return [refused];
  }
  return {
    schema,
    document,
    operationName: payload.operationName,
    variableValues: payload.variables,
    contextValue: await contextFactory(),
    rootValue: scoped(requestId, { execute, subscribe }),
  };
}

/** Builds the WebSocket server; sockets arrive through handleUpgrade. */
export function createWsServer(env: RouteEnv, allowedOrigin: (origin: string | undefined) => boolean): WsServer {
  const { config, logger } = env.deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  const caps = new SubscriptionCaps(config.subscriptions);

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    execute: (args) => (args.rootValue as ReturnType<typeof scoped>).execute(args) as never,
    subscribe: (args) => (args.rootValue as ReturnType<typeof scoped>).subscribe(args) as never,
    onConnect: (ctx) => onConnect(env, ctx),
    onSubscribe: (ctx, id, payload) => onSubscribe(env, caps, ctx, id, payload),
    onComplete: (ctx, id) => caps.close(ctx.extra.socket, id),
  });

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) =>
    attachSocket(server, caps, logger, {
      socket,
      request,
      ip: clientIp(request, config.trustProxy),
      connectionId: randomUUID(),
    }),
  );

  return {
    clients: wss.clients,
    subscriptions: () => caps.held,
    handleUpgrade(req, socket, head) {
      socket.on("error", () => socket.destroy());
      const url = new URL(req.url ?? "/", "http://localhost");
      if (env.state.stopping) return rejectUpgrade(socket, 503, "ShuttingDown", "The server is stopping");
      if (url.pathname !== "/graphql")
        return rejectUpgrade(socket, 404, "NotFound", "Not found; GraphQL is at /graphql");
      if (!allowedOrigin(req.headers.origin))
        return rejectUpgrade(socket, 403, "OriginForbidden", "Origin not allowed");
      // The key arrives later, in connection_init; onConnect counts it.
      const retryAfter = env.limited(clientIp(req, config.trustProxy), null);
      if (retryAfter) {
        return rejectUpgrade(socket, 429, "RateLimited", `Too many requests; retry in ${retryAfter} s`, {
          "retry-after": String(retryAfter),
        });
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}
