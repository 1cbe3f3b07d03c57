import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The request id of the HTTP request or WebSocket operation being served, for log lines written
 * far from the front end (Yoga's error masking) that must still name it.
 */
const scope = new AsyncLocalStorage<string>();

/** Runs `fn` with `requestId` as the current request id. */
export function inRequest<T>(requestId: string, fn: () => T): T {
  return scope.run(requestId, fn);
}

/** The current request id, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
