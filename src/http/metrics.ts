import type { IncomingMessage, ServerResponse } from "node:http";
import type { Deps } from "../deps.ts";
import { queueDepthReader } from "../modules/queue/queue.service.ts";
import type { Limited } from "./rate-limit.ts";
import { jsonError } from "./respond.ts";

/** What the app holds that /metrics reads at scrape time. */
export interface MetricSources {
  /** graphql-ws subscriptions open on this instance. */
  wsSubscriptions(): number;
  /** Subscriptions served as HTTP event streams. */
  httpStreams(): number;
}

/**
 * Registers the scrape-time gauges of one app: the queue's depth (one indexed count, shared by
 * concurrent scrapes), and this instance's worker feeds and subscriptions (in memory).
 */
export function registerMetricSources(deps: Deps, sources: MetricSources): void {
  const { metrics } = deps;
  metrics.source(
    "horde_queue_depth",
    "Jobs waiting to be claimed, by kind (one count over the waiting jobs' index)",
    queueDepthReader(deps),
    "kind",
  );
  metrics.source("horde_feeds", "Worker feeds (imageJobAssigned) open on this instance", () => deps.feeds.size);
  metrics.source(
    "horde_feeds_parked",
    "Worker feeds on this instance waiting for a job that fits",
    () => deps.feeds.parkedCount,
  );
  metrics.source(
    "horde_subscriptions",
    "Subscriptions open on this instance, by transport (ws: graphql-ws; sse: HTTP event streams)",
    () => ({ ws: sources.wsSubscriptions(), sse: sources.httpStreams() }),
    "transport",
  );
}

/** Every rate-limit refusal counted as the error code `RateLimited`. */
export function countedLimits(deps: Deps, limited: Limited): Limited {
  return (ip, key) => {
    const retryAfter = limited(ip, key);
    if (retryAfter) deps.metrics.error("RateLimited");
    return retryAfter;
  };
}

/**
 * `GET /metrics`: the Prometheus text exposition of this instance's registry, or a 404 when
 * METRICS is off. Nothing in it scans a table (see src/infra/metrics.ts).
 */
export async function serveMetrics(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!deps.config.metrics) return jsonError(res, 404, "NotFound", "Not found; GraphQL is at /graphql");
  if (req.method !== "GET" && req.method !== "HEAD") {
    return jsonError(res, 405, "MethodNotAllowed", "Use GET", { allow: "GET, HEAD" });
  }
  const body = await deps.metrics.render();
  res.writeHead(200, {
    "content-type": deps.metrics.contentType,
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
