import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/**
 * What the example scripts share: where the server is, a GraphQL POST, a WebSocket client, and
 * one way to fail (one line on stderr, exit code 1, never a stack trace).
 */

/** Prints one line and exits non-zero: how every script reports a failure. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function serverUrl(): URL {
  const raw = process.env.HORDE_URL ?? "http://localhost:3000/graphql";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`HORDE_URL is not a URL: ${JSON.stringify(raw)} (for example http://localhost:3000/graphql)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    fail(`HORDE_URL must be an http:// or https:// URL, not ${JSON.stringify(raw)}`);
  return url;
}

/** Where the example scripts find the server (HORDE_URL, default http://localhost:3000/graphql). */
export const HTTP_URL = serverUrl().href;
export const WS_URL = HTTP_URL.replace(/^http/, "ws");

/** One line for whatever a fetch, a socket or a GraphQL response threw or sent. */
export function describeError(err: unknown): string {
  if (Array.isArray(err)) return err.map(describeError).join("; ");
  if (err && typeof err === "object") {
    const e = err as { message?: unknown; code?: unknown; reason?: unknown; extensions?: { code?: unknown } };
    const code = e.extensions?.code ?? (typeof e.code === "string" ? e.code : undefined);
    // a WebSocket CloseEvent: its code is a number and its reason a string
    if (typeof e.code === "number") return `connection closed (${e.code}${e.reason ? `: ${String(e.reason)}` : ""})`;
    const message = typeof e.message === "string" && e.message ? e.message : undefined;
    const cause = (err as { cause?: unknown }).cause;
    const because = cause ? ` (${describeError(cause)})` : "";
    if (message) return `${code ? `${String(code)}: ` : ""}${message}${because}`;
    if (err instanceof Event || err?.constructor?.name === "ErrorEvent") return "connection failed";
  }
  return String(err);
}

/** Posts one GraphQL operation; exits with one line on a transport or GraphQL error. */
export async function gql<T = any>(query: string, variables: Record<string, unknown>, apikey?: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(HTTP_URL, {
      method: "POST",
      headers: { "content-type": "application/json", ...(apikey ? { apikey } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    fail(`cannot reach the server at ${HTTP_URL} (HORDE_URL): ${describeError(err)}`);
  }
  let body: { data?: T; errors?: unknown[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    fail(`${HTTP_URL} (HORDE_URL) answered HTTP ${res.status} without a GraphQL response; is it the broker?`);
  }
  if (body.errors?.length) fail(`the server refused: ${describeError(body.errors)}`);
  if (!body.data) fail(`${HTTP_URL} answered HTTP ${res.status} with no data`);
  return body.data;
}

/**
 * A graphql-ws client authenticated with the key. A lost connection is retried a few times
 * (a restarting server); `onFatal` hears when it gives up.
 */
export function wsClient(apikey: string | undefined): Client {
  return createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: apikey ? { apikey } : {},
    retryAttempts: 3,
    shouldRetry: () => true,
  });
}

/** Uses HORDE_API_KEY, or registers a throwaway user and prints its key. */
export async function apiKey(prefix: string): Promise<string> {
  if (process.env.HORDE_API_KEY) return process.env.HORDE_API_KEY;
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const data = await gql<{ registerUser: { __typename: string; apiKey?: string; code?: string; message?: string } }>(
    `mutation($u: String!) { registerUser(input: { username: $u }) {
       __typename ... on RegisterUserPayload { apiKey } ... on Error { code message } } }`,
    { u: name },
  );
  const r = data.registerUser;
  if (!r.apiKey) fail(`could not register ${name}: ${r.code}: ${r.message}`);
  console.log(`registered ${name}; set HORDE_API_KEY=${r.apiKey} to reuse it`);
  return r.apiKey;
}

/** A positive number from the environment, or the default; exits with one line when it is not. */
export function envNumber(name: string, fallback: number, opts: { integer?: boolean } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (opts.integer && !Number.isInteger(n)))
    fail(`${name} must be a positive ${opts.integer ? "whole " : ""}number, not ${JSON.stringify(raw)}`);
  return n;
}

/**
 * `--kind <kind>` among a script's arguments (default `image`), and the other arguments: how
 * `npm run worker:sim -- --kind text` and `npm run client:example -- --kind text` pick a kind.
 */
export function kindArg(argv: readonly string[], kinds: readonly string[]): { kind: string; rest: string[] } {
  const at = argv.indexOf("--kind");
  if (at < 0) return { kind: "image", rest: [...argv] };
  const kind = argv[at + 1] ?? "";
  if (!kinds.includes(kind)) fail(`--kind must be one of ${kinds.join(", ")}, not ${JSON.stringify(kind)}`);
  return { kind, rest: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}
