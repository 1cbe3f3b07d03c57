/**
 * Cross-origin rules from `CORS_ORIGINS`: `"*"` (the default) lets any page call the API, but
 * never with credentials (the API authenticates by header, so no page needs cookies sent);
 * a list lets only those origins in, over HTTP and WebSocket alike.
 */
export type CorsOrigins = "*" | readonly string[];

/** Whether a request from `origin` may be served; a request without an Origin is not a page's. */
export function allowedOrigin(allowed: CorsOrigins, origin: string | undefined): boolean {
  if (allowed === "*" || origin === undefined) return true;
  return allowed.includes(origin);
}

/** Yoga's CORS options for a request from `origin`; `false` sends no CORS headers at all. */
export function corsOptions(allowed: CorsOrigins, origin: string | null) {
  if (origin === null || !allowedOrigin(allowed, origin)) return false as const;
  return {
    origin: [origin],
    credentials: false,
    exposedHeaders: ["x-request-id", "retry-after"],
    maxAge: 600,
  };
}
