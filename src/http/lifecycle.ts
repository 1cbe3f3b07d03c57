import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../infra/logger.ts";
import { jsonError, within } from "./respond.ts";
import type { WsServer } from "./ws-server.ts";

/** Connections waiting to be accepted, at most (see start()). */
const LISTEN_BACKLOG = 4096;

/** The state the routes read and the lifecycle writes. */
export interface ServerState {
  stopping: boolean;
  readonly streams: Set<() => void>;
}

/** What the lifecycle runs: the request handler, the WebSocket server, background tasks. */
export interface LifecycleParts {
  logger: Logger;
  state: ServerState;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  ws: WsServer;
  startTasks?: () => { stop(): Promise<void> };
}

/** Starting and stopping one HTTP server, and draining what runs on it. */
export interface Lifecycle {
  start(port: number, host: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

/** Wraps the handler so that every request is counted (for draining) and every failure answered. */
export function createLifecycle(parts: LifecycleParts): Lifecycle {
  const { logger, state, ws } = parts;
  let inFlight = 0;
  let drained: (() => void) | null = null;
  let stopped: Promise<void> | null = null;
  let tasks: { stop(): Promise<void> } | null = null;

  const server: Server = createServer((req, res) => {
    if (state.stopping) res.setHeader("connection", "close");
    inFlight++;
    parts
      .handle(req, res)
      .catch((err) => {
        const requestId = res.getHeader("x-request-id");
        // A client that leaves mid-request aborts Yoga's work: routine, not a failure.
        if ((err as Error).name === "AbortError") logger.debug({ err, requestId }, "request aborted by the client");
        else logger.error({ err, requestId }, "request failed");
        if (!res.headersSent) jsonError(res, 500, "INTERNAL_SERVER_ERROR", "Unexpected error.");
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  });
  server.on("upgrade", (req, socket, head) => ws.handleUpgrade(req, socket, head));

  /** Waits until every WebSocket has closed, or `ms` passed. */
  function socketsClosed(ms: number) {
    const waits = [...ws.clients].map((s) => new Promise((resolve) => s.once("close", resolve)));
    return within(
      Promise.all(waits).then(() => {}),
      ms,
      undefined,
    );
  }

  async function drain() {
    // No new connections from here; idle keep-alive connections close now.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of ws.clients) s.close(1001, "Server shutting down");
    for (const end of state.streams) end();
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
    for (const s of ws.clients) s.terminate();
    const cutOff = setTimeout(() => server.closeAllConnections(), 2_000);
    await closed;
    clearTimeout(cutOff);
    await ws.close();
  }

  return {
    async start(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        // A long accept queue (the kernel caps it at net.core.somaxconn): after a restart every
        // worker reconnects at once, and with Node's default of 511 the overflow was reset
        server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      tasks = parts.startTasks?.() ?? null;
      const addr = server.address() as AddressInfo;
      const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host;
      return { port: addr.port, url: `http://${shown}:${addr.port}/graphql` };
    },
    stop() {
      if (stopped) return stopped;
      state.stopping = true;
      stopped = drain();
      return stopped;
    },
  };
}
