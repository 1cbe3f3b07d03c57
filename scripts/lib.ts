import { createClient } from "graphql-ws";
import WebSocket from "ws";

/** Where the example scripts find the server (HORDE_URL, default http://localhost:3000/graphql). */
export const HTTP_URL = process.env.HORDE_URL ?? "http://localhost:3000/graphql";
export const WS_URL = HTTP_URL.replace(/^http/, "ws");

/** Posts one GraphQL operation; throws on transport or GraphQL errors. */
export async function gql<T = any>(query: string, variables: Record<string, unknown>, apikey?: string): Promise<T> {
  const res = await fetch(HTTP_URL, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apikey ? { apikey } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data as T;
}

/** A graphql-ws client authenticated with the key. */
export function wsClient(apikey?: string) {
  return createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: apikey ? { apikey } : {},
    retryAttempts: 5,
    shouldRetry: () => true,
  });
}

/** Uses HORDE_API_KEY, or registers a throwaway user and prints its key. */
export async function apiKey(prefix: string): Promise<string> {
  if (process.env.HORDE_API_KEY) return process.env.HORDE_API_KEY;
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const data = await gql<{ registerUser: { __typename: string; apiKey?: string; message?: string } }>(
    `mutation($u: String!) { registerUser(input: { username: $u }) {
       __typename ... on RegisterUserPayload { apiKey } ... on Error { message } } }`,
    { u: name },
  );
  if (!data.registerUser.apiKey) throw new Error(data.registerUser.message);
  console.log(`registered ${name}; set HORDE_API_KEY=${data.registerUser.apiKey} to reuse it`);
  return data.registerUser.apiKey;
}
