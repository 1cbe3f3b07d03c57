import { GraphQLError } from "graphql";
import { handleStreamOrSingleExecutionResult, type Plugin } from "graphql-yoga";
import type { Deps } from "../deps.ts";
import { DomainError } from "../errors.ts";

type Logger = Deps["logger"];

/** The message a client gets for an error it must not see. */
const UNEXPECTED_ERROR_MESSAGE = "Unexpected error.";

/**
 * What a client gets for an error it must not see: `INTERNAL_SERVER_ERROR` with the request id
 * the log line names (and, in a result, where it happened).
 */
export function internalError(requestId: string | undefined, at?: GraphQLError): GraphQLError {
  return new GraphQLError(UNEXPECTED_ERROR_MESSAGE, {
    nodes: at?.nodes,
    path: at?.path,
    extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
  });
}

/**
 * What a client may see of an error. GraphQL's own errors (syntax, validation, variables) and
 * ours are meant for the client; a `DomainError` thrown in a resolver keeps its message and code.
 * Anything else (a bug, a lost database) is logged with the request id and answered as
 * `INTERNAL_SERVER_ERROR` with that id, which the client can quote.
 */
export function maskError(error: unknown, requestId: string | undefined, logger: Logger): GraphQLError {
  if (error instanceof GraphQLError) {
    const original = error.originalError;
    if (!original || original instanceof GraphQLError) return error;
    if (original instanceof DomainError) {
      return new GraphQLError(original.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { code: original.code },
      });
    }
    logger.error({ err: original, path: error.path, requestId }, "unexpected error");
    return internalError(requestId, error);
  }
  logger.error({ err: error, requestId }, "unexpected error");
  return internalError(requestId);
}

/** An abort or timeout of the operation's signal (Yoga's own test), which Yoga rethrows unmasked. */
const isAbort = (error: unknown) =>
  typeof error === "object" &&
  error?.constructor?.name === "DOMException" &&
  ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError");

const requestIdOf = (contextValue: unknown) => (contextValue as { requestId?: string } | undefined)?.requestId;

/**
 * Masks every operation's errors with its own request id, read from its context. (An
 * AsyncLocalStorage carried the id before; on Node 20 it made every promise of the process
 * slower, ≈ 15% of the API's throughput, bench/README.md.) Listed before Yoga's own masking,
 * which then finds only errors already masked, and masks what happens outside an operation.
 */
export function maskOperationErrors(logger: Logger): Plugin {
  const maskAll =
    (requestId: string | undefined) =>
    ({ result, setResult }: { result: { errors?: readonly GraphQLError[] }; setResult: (r: never) => void }) => {
      if (!result.errors?.length) return;
      setResult({ ...result, errors: result.errors.map((e) => maskError(e, requestId, logger)) } as never);
    };
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, maskAll(requestIdOf(args.contextValue))),
    }),
    onSubscribe: ({ args }) => ({
      onSubscribeResult: (payload) =>
        handleStreamOrSingleExecutionResult(payload, maskAll(requestIdOf(args.contextValue))),
      // A client that left while its subscription started: Yoga ends it as an abort, not an error.
      onSubscribeError: ({ error, setError }) => {
        if (!isAbort(error)) setError(maskError(error, requestIdOf(args.contextValue), logger));
      },
    }),
  };
}
