import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { type ExecutionResult, GraphQLError } from "graphql";
import { createYoga, isAsyncIterable, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { Deps } from "../deps.ts";
import { apiKeyFromHeaders } from "../http/api-key.ts";
import { corsOptions } from "../http/cors.ts";
import { countErrors } from "../http/metrics-errors.ts";
import type { Metrics } from "../infra/metrics.ts";
import { authenticate, type Viewer } from "../modules/users/users.service.ts";
import type { Context } from "./context.ts";
import { maskError, maskOperationErrors } from "./mask-errors.ts";
import { schema } from "./schema.ts";

/** What the HTTP and WebSocket front ends put into every operation's initial context. */
export interface ServerContext {
  requestId: string;
  ip: string;
  /** Set by the WebSocket front end, which authenticates once at connection_init. */
  viewer?: Viewer;
  signal?: AbortSignal;
}

/** The request-level error for a key that matches nobody. */
export function invalidApiKeyError(): GraphQLError {
  return new GraphQLError("The API key is not valid", {
    extensions: { code: "InvalidAPIKey", http: { status: 401 } },
  });
}

/**
 * An armor `onReject` hook that gives its error a stable code, and counts it for /metrics (the
 * armor's refusal stops validation, so the error-counting plugin never sees it).
 */
function tag(code: string, metrics: Metrics) {
  return (_ctx: unknown, err: GraphQLError) => {
    (err.extensions as Record<string, unknown>).code = code;
    metrics.error(code);
  };
}

/**
 * Gives a stable code to the errors GraphQL raises before execution begins, which is when the
 * spec leaves `data` out of the result: a variable of the wrong type or missing, an unknown
 * operation name. Parse and validation errors are coded by Yoga itself (GRAPHQL_PARSE_FAILED,
 * GRAPHQL_VALIDATION_FAILED), on HTTP and WebSocket alike.
 */
const requestErrorCodes: Plugin = {
  onExecute: () => ({ onExecuteDone: ({ result }) => codeRequestErrors(result) }),
  onSubscribe: () => ({ onSubscribeResult: ({ result }) => codeRequestErrors(result) }),
};

function codeRequestErrors(result: ExecutionResult | AsyncIterable<unknown>) {
  if (isAsyncIterable(result) || "data" in result) return;
  for (const e of result.errors ?? []) {
    (e.extensions as Record<string, unknown>).code ??= "BAD_USER_INPUT";
  }
}

/** The Yoga instance: schema, context, limits, masking, CORS. */
export function createYogaServer(deps: Deps): YogaServerInstance<ServerContext, Context> {
  const { limits } = deps.config;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // GraphiQL is served by the routes, compressed and cached (src/http/graphiql.ts).
    graphiql: false,
    cors: (request) => corsOptions(deps.config.corsOrigins, request.headers.get("origin")),
    // Errors of an operation are masked by maskOperationErrors (in `plugins`), with its request id;
    // what is left for Yoga's own masking happens outside any operation.
    maskedErrors: { isDev: false, maskError: (error) => maskError(error, undefined, deps.logger) },
    logging: false,
    batching: false,
    // The HTTP bridge reads the body within MAX_BODY_BYTES, counting what arrives, before Yoga
    // sees it (yoga-bridge.ts); Yoga's own limit would pipe every body through a second stream
    maxRequestBodySize: false,
    plugins: [
      EnvelopArmorPlugin({
        // Depth counts fields, not fragment spreads: clients built on fragments (codegen's
        // fragment masking) get the same depth as those that inline everything.
        maxDepth: { n: limits.maxDepth, flattenFragments: true, onReject: [tag("MaxDepthExceeded", deps.metrics)] },
        maxAliases: { n: limits.maxAliases, onReject: [tag("MaxAliasesExceeded", deps.metrics)] },
        maxTokens: { n: limits.maxTokens, onReject: [tag("MaxTokensExceeded", deps.metrics)] },
        maxDirectives: { n: 50, onReject: [tag("MaxDirectivesExceeded", deps.metrics)] },
        costLimit: { maxCost: limits.maxCost, onReject: [tag("MaxCostExceeded", deps.metrics)] },
        blockFieldSuggestion: { enabled: deps.config.nodeEnv === "production" },
      }),
      requestErrorCodes,
      countErrors(deps.metrics),
      maskOperationErrors(deps.logger),
    ],
    context: async (initial): Promise<Context> => {
      let viewer = initial.viewer;
      if (!viewer) {
        const read = apiKeyFromHeaders(initial.request.headers);
        let found: Viewer | null = null;
        try {
          found = read.ok ? await authenticate(deps.db, read.key) : null;
        } catch (err) {
          throw maskError(err, initial.requestId, deps.logger); // logged with the request's id
        }
        if (!found) {
          deps.metrics.error("InvalidAPIKey");
          throw invalidApiKeyError();
        }
        viewer = found;
      }
      return {
        deps,
        viewer: { ...viewer, ip: initial.ip },
        requestId: initial.requestId,
        ip: initial.ip,
        cache: new Map(),
        signal: initial.signal ?? initial.request.signal,
      };
    },
  });
}
