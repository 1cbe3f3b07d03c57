/**
 * The one reading of an API key, for HTTP headers, WebSocket `connectionParams` and the headers
 * GraphiQL sends with each operation: `apikey`, else `Authorization: Bearer <key>`, trimmed.
 * A value of the wrong shape (a number, an array, an object) is `invalid`, never Anonymous: the
 * contract says a key that matches nobody is refused with `InvalidAPIKey`.
 */
export type KeyRead = { ok: true; key: string | null } | { ok: false };

const NONE: KeyRead = { ok: true, key: null };
const INVALID: KeyRead = { ok: false };

/** Reads a key from the raw `apikey` and `authorization` values, whatever their type. */
export function readApiKey(apikey: unknown, authorization: unknown): KeyRead {
  if (apikey !== undefined && apikey !== null) {
    if (typeof apikey !== "string") return INVALID;
    const key = apikey.trim();
    if (key) return { ok: true, key };
  }
  if (authorization === undefined || authorization === null) return NONE;
  if (typeof authorization !== "string") return INVALID;
  const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return m?.[1] ? { ok: true, key: m[1].trim() } : NONE;
}

/** Reads the key from HTTP headers. */
export function apiKeyFromHeaders(headers: Headers): KeyRead {
  return readApiKey(headers.get("apikey"), headers.get("authorization"));
}

/** Reads the key from a JSON object (connectionParams, or GraphiQL's per-operation headers). */
export function apiKeyFromObject(params: unknown): KeyRead {
  if (params === undefined || params === null) return NONE;
  if (typeof params !== "object" || Array.isArray(params)) return INVALID;
  const p = params as Record<string, unknown>;
  // Header names are case-insensitive; GraphiQL users type them either way.
  const find = (name: string) => {
    if (name in p) return p[name];
    const k = Object.keys(p).find((key) => key.toLowerCase() === name);
    return k === undefined ? undefined : p[k];
  };
  return readApiKey(find("apikey"), find("authorization"));
}
