import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type DocumentNode, type ExecutionArgs, GraphQLError, getOperationAST } from "graphql";
import { CloseCode, makeServer, type SubscribePayload, type Context as WsContext } from "graphql-ws";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { internalError } from "../graphql/mask-errors.ts";
import type { Viewer } from "../modules/users/users.service.ts";
import { authenticate } from "../modules/users/users.service.ts";
import { apiKeyFromObject, type KeyRead, readApiKey } from "./api-key.ts";
import { clientIp, plainHost, rejectUpgrade } from "./respond.ts";
import type { RouteEnv } from "./routes.ts";
import { SubscriptionCaps } from "./subscription-caps.ts";

type Extra = {
  socket: WebSocket;
  /**
   * What the connection needs of its upgrade request, copied out of it: the request itself (its
   * headers, raw headers and parser state) would stay in memory for as long as the socket is
   * open, a few KB for each of thousands of idle worker feeds.
   */
  upgrade: { host: string; apikey?: string; authorization?: string };
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
/** How often the keep-alive looks for sockets due a ping. */
const KEEPALIVE_TICK_MS = 1_000;

function invalidKey(): GraphQLError {
  return new GraphQLError("The API key is not valid", { extensions: { code: "InvalidAPIKey" } });
}

/**
 * The key of a connection: from `connectionParams` when they carry one, else from the upgrade
 * request's headers (`apikey` or `Authorization: Bearer`).
 */
function connectionKey(params: unknown, upgrade: Extra["upgrade"]): KeyRead {
  const fromParams = apiKeyFromObject(params);
  if (!fromParams.ok || fromParams.key !== null) return fromParams;
  return readApiKey(upgrade.apikey, upgrade.authorization);
}

/** The parts of an upgrade request a connection keeps ({@link Extra}'s `upgrade`). */
function upgradeFacts(req: IncomingMessage): Extra["upgrade"] {
  const { apikey, authorization } = req.headers;
  return {
    host: plainHost(req),
    ...(typeof apikey === "string" ? { apikey } : {}),
    ...(typeof authorization === "string" ? { authorization } : {}),
  };
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

type Run = (args: ExecutionArgs) => unknown;

/**
 * The operation's own execute and subscribe, which Yoga's envelop built with its plugins (limits,
 * error masking under the operation's request id, counts). graphql-ws takes one execute and one
 * subscribe for the whole server, so each operation carries its own in its root value.
 */
interface Enveloped {
  execute: Run;
  subscribe: Run;
}

type GqlWsServer = ReturnType<typeof makeServer<Record<string, unknown> | undefined, Extra>>;
type Logger = RouteEnv["deps"]["logger"];

/**
 * One socket as graphql-ws sees it (send, close, onMessage), and what its listeners need. The
 * socket's listeners are module functions that find their Connection on the socket
 * ({@link CONNECTION}), and graphql-ws calls these methods: a worker's idle feed holds one socket
 * for hours, and thousands of them each kept a dozen closures (and the closures' own property
 * stores: tsx names every function) in memory.
 */
class Connection {
  readonly protocol: string;
  /** Set at each keep-alive ping, cleared by the pong: still set at the next ping, the peer is gone. */
  awaitingPong = false;
  /** When the keep-alive next pings this socket (ms since the epoch). */
  nextPing = Date.now() + KEEPALIVE_MS;
  private onMessageCb: ((data: string) => Promise<void>) | null = null;
  private closed: ((code?: number, reason?: string) => Promise<void>) | null = null;

  constructor(
    readonly extra: Extra,
    private readonly caps: SubscriptionCaps,
    private readonly logger: Logger,
  ) {
    this.protocol = extra.socket.protocol;
  }

  /** Hands the socket to graphql-ws and listens to it. */
  open(server: GqlWsServer): void {
    const { socket } = this.extra;
    (socket as Tagged)[CONNECTION] = this;
    socket.on("error", onSocketError);
    socket.on("message", onSocketMessage);
    socket.on("pong", onSocketPong);
    socket.once("close", onSocketClose);
    this.closed = server.opened(this, this.extra);
  }

  send(data: string): Promise<void> {
    const { socket } = this.extra;
    return new Promise<void>((resolve) => {
      if (socket.readyState !== WebSocket.OPEN) return resolve();
      // A send that fails means the socket is going away; its close handler cleans up.
      socket.send(data, () => resolve());
    });
  }

  close(code?: number, reason?: string): void {
    this.extra.socket.close(code, reason);
  }

  onMessage(cb: (data: string) => Promise<void>): void {
    this.onMessageCb = cb;
  }

  message(data: string): void {
    const cb = this.onMessageCb;
    if (!cb) return;
    // Not awaited here: graphql-ws settles a subscribe message's promise only when the
    // subscription ends, and nothing of the message should wait in memory until then.
    cb(data).catch((err) => {
      this.logger.error({ err, connectionId: this.extra.connectionId, ip: this.extra.ip }, "WebSocket message failed");
      this.extra.socket.close(CloseCode.InternalServerError, "Internal server error");
    });
  }

  error(err: Error): void {
    // An oversized frame, or a broken one, is the client's fault: ws closes the socket itself
    // (1009 Message Too Big, 1002, …); it is logged here, not printed as a stack.
    this.logger.info(
      { connectionId: this.extra.connectionId, ip: this.extra.ip, err: err.message },
      "WebSocket closed on a bad frame",
    );
  }

  ended(code: number, reason: Buffer): void {
    this.caps.forget(this.extra.socket, this.extra.ip);
    this.extra.abort?.abort();
    void this.closed?.(code, String(reason)).catch((err) => this.logger.error({ err }, "WebSocket close failed"));
  }
}

const CONNECTION = Symbol("connection");
type Tagged = WebSocket & { [CONNECTION]?: Connection };

function onSocketMessage(this: Tagged, data: RawData): void {
  this[CONNECTION]?.message(String(data));
}
function onSocketError(this: Tagged, err: Error): void {
  this[CONNECTION]?.error(err);
}
function onSocketPong(this: Tagged): void {
  const c = this[CONNECTION];
  if (c) c.awaitingPong = false;
}
function onSocketClose(this: Tagged, code: number, reason: Buffer): void {
  this[CONNECTION]?.ended(code, reason);
}

/**
 * Keep-alive for every socket, on one timer (not one per socket): a socket is pinged every
 * KEEPALIVE_MS from its connection, and one that has not answered its previous ping by then is
 * ended (gone without a close: a network cut, a suspended laptop). The timer ticks every second
 * and pings only the sockets due, so the pings stay spread as the connections were: pinging
 * 20,000 sockets in one go held the event loop for tens of milliseconds every round.
 */
function keepAlive(clients: Set<WebSocket>): NodeJS.Timeout {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const socket of clients as Set<Tagged>) {
      const c = socket[CONNECTION];
      if (!c || now < c.nextPing || socket.readyState !== WebSocket.OPEN) continue;
      if (c.awaitingPong) {
        socket.terminate();
        continue;
      }
      c.awaitingPong = true;
      c.nextPing = now + KEEPALIVE_MS;
      socket.ping();
    }
  }, KEEPALIVE_TICK_MS);
  timer.unref();
  return timer;
}

/** connection_init: reads and checks the key, counts it, authenticates once. */
async function onConnect(env: RouteEnv, ctx: Ctx): Promise<boolean> {
  const { logger, db } = env.deps;
  const { extra } = ctx;
  const read = connectionKey(ctx.connectionParams, extra.upgrade);
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
  // aborted when the socket closes (Connection.ended)
  const abort = new AbortController();
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
    return [internalError(requestId)];
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
    // Yoga's own Request (its fetch API), lighter than the global one: a subscription keeps it
    // in its context for as long as it runs.
    request: new env.yoga.fetchAPI.Request(`http://${extra.upgrade.host}/graphql`, { method: "POST" }),
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
    rootValue: { execute, subscribe } satisfies Enveloped,
  };
}

/**
 * An upgrading socket's error listener, which stays for the socket's life. A module function, not
 * a closure: a closure in handleUpgrade would share its context with the one that hands `req`
 * on, and keep the upgrade request in memory for as long as the socket is open.
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Builds the WebSocket server; sockets arrive through handleUpgrade. */
export function createWsServer(env: RouteEnv, allowedOrigin: (origin: string | undefined) => boolean): WsServer {
  const { config, logger } = env.deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  const caps = new SubscriptionCaps(config.subscriptions);

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
    onConnect: (ctx) => onConnect(env, ctx),
    onSubscribe: (ctx, id, payload) => onSubscribe(env, caps, ctx, id, payload),
    onComplete: (ctx, id) => caps.close(ctx.extra.socket, id),
  });

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) =>
    new Connection(
      { socket, upgrade: upgradeFacts(request), ip: clientIp(request, config.trustProxy), connectionId: randomUUID() },
      caps,
      logger,
    ).open(server),
  );
  const pings = keepAlive(wss.clients);

  return {
    clients: wss.clients,
    subscriptions: () => caps.held,
    handleUpgrade(req, socket, head) {
      socket.on("error", destroyOnError);
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
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(pings);
        wss.close(() => resolve());
      }),
  };
}
