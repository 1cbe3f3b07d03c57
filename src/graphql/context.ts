import type { Deps } from "../deps.ts";
import type { Viewer } from "../modules/users/users.service.ts";

/** What every resolver receives: the dependencies, who is asking, and per-request caches. */
export interface Context {
  deps: Deps;
  viewer: Viewer;
  requestId: string;
  ip: string;
  /** Per-request DataLoaders and memoised reads, created on first use. */
  cache: Map<string, unknown>;
  /** Aborted when the client's connection goes away (WebSocket close). */
  signal: AbortSignal;
}

/** A per-request memo: the first call creates the value, later calls in the request reuse it. */
export function perRequest<T>(ctx: Context, key: string, make: () => T): T {
  let v = ctx.cache.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    ctx.cache.set(key, v);
  }
  return v;
}
