import type { ExecutionResult, GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Metrics } from "../infra/metrics.ts";

/** The code an error is answered with: its own, else what the server masks it as. */
function codeOf(e: GraphQLError): string {
  const code = e.extensions?.code;
  if (typeof code === "string") return code;
  const original = e.originalError as { code?: unknown } | undefined;
  return typeof original?.code === "string" ? original.code : "INTERNAL_SERVER_ERROR";
}

function countResult(metrics: Metrics, result: ExecutionResult | AsyncIterable<unknown>): void {
  if (isAsyncIterable(result)) return;
  for (const e of result.errors ?? []) metrics.error(codeOf(e));
}

/**
 * Counts the GraphQL errors of every operation, over HTTP and WebSocket alike, by code (for
 * `/metrics`): syntax and validation errors (the armor limits among them) and the errors in a
 * result. A mutation's typed errors are union members, not GraphQL errors; the guard
 * (src/graphql/guard.ts) counts those.
 */
export function countErrors(metrics: Metrics): Plugin {
  return {
    onParse:
      () =>
      ({ result }) => {
        if (result instanceof Error) metrics.error("GRAPHQL_PARSE_FAILED");
      },
    onValidate:
      () =>
      ({ valid, result }) => {
        if (valid) return;
        for (const e of result) {
          const code = e.extensions?.code;
          metrics.error(typeof code === "string" ? code : "GRAPHQL_VALIDATION_FAILED");
        }
      },
    onExecute: () => ({ onExecuteDone: ({ result }) => countResult(metrics, result) }),
    onSubscribe: () => ({ onSubscribeResult: ({ result }) => countResult(metrics, result) }),
  };
}
