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

/**
 * The origin clients reach this server at, for URLs the API hands out (images): PUBLIC_URL
 * when set, else the origin the request itself was sent to.
 */
export function publicBaseUrl(ctx: Context): string {
  if (ctx.deps.config.publicUrl) return ctx.deps.config.publicUrl;
  const request = (ctx as unknown as { request?: Request }).request;
  try {
    if (request?.url) return new URL(request.url).origin;
  } catch {
    // fall through
  }
  return `http://localhost:${ctx.deps.config.port}`;
}

/** The URL of a stored blob. */
export function blobUrl(ctx: Context, key: string): string {
  return `${publicBaseUrl(ctx)}/blobs/${key}`;
}
