import { randomUUID } from "node:crypto";
import type { Deps } from "./deps.ts";
import { createYogaServer } from "./graphql/yoga.ts";
import { allowedOrigin } from "./http/cors.ts";
import { createLifecycle, type ServerState } from "./http/lifecycle.ts";
import { countedLimits, registerMetricSources } from "./http/metrics.ts";
import { createLimits } from "./http/rate-limit.ts";
import { requestIdOf } from "./http/respond.ts";
import { route } from "./http/routes.ts";
import { createWsServer } from "./http/ws-server.ts";
import { hashKey } from "./modules/users/users.rules.ts";
import { startTasks } from "./tasks/index.ts";

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

/**
 * Builds the app around its dependencies; nothing listens until start(). The parts live in
 * src/http: routes, the Yoga bridge, the WebSocket server and the lifecycle.
 */
export function createApp(deps: Deps, opts: { tasks?: boolean } = {}): App {
  const { config } = deps;
  const state: ServerState = { stopping: false, streams: new Set() };
  const env = {
    deps,
    yoga: createYogaServer(deps),
    limited: countedLimits(deps, createLimits(config.rateLimit, hashKey)),
    state,
  };
  const ws = createWsServer(env, (origin) => allowedOrigin(config.corsOrigins, origin));
  registerMetricSources(deps, { wsSubscriptions: () => ws.subscriptions(), httpStreams: () => state.streams.size });
  const lifecycle = createLifecycle({
    logger: deps.logger,
    state,
    ws,
    handle: async (req, res) => {
      const requestId = requestIdOf(req, randomUUID);
      res.setHeader("x-request-id", requestId);
      await route(env, req, res, requestId);
    },
    startTasks: opts.tasks === false ? undefined : () => startTasks(deps),
  });
  return {
    deps,
    start: (port = config.port, host = config.host) => lifecycle.start(port, host),
    stop: () => lifecycle.stop(),
  };
}
