import { UrlLoader } from "@graphql-tools/url-loader";
import { parse } from "graphql";
import { createClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { subscribe, useTestApp } from "../../support/app.ts";
import { createRequest, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * The key an operation runs as over a WebSocket: connectionParams (of the right type), the
 * upgrade request's headers, and the Headers tab GraphiQL sends with each operation.
 */
const ctx = useTestApp();
const ME = "{ me { id username } }";

/** The close code a connection_init with `params` (and upgrade `headers`) ends with, or "open". */
function closeCodeFor(params: Record<string, unknown>, headers: Record<string, string> = {}) {
  return new Promise<number | "open">((resolve, reject) => {
    const ws = new WebSocket(ctx.t.wsUrl, "graphql-transport-ws", { headers });
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: params })));
    ws.on("message", (data) => {
      if (JSON.parse(String(data)).type === "connection_ack") {
        resolve("open");
        ws.close();
      }
    });
    ws.on("close", (code) => resolve(code));
    ws.on("error", reject);
  });
}

describe("connectionParams", () => {
  it("refuses an apikey that is a number, an array or an object with 4403, never Anonymous", async () => {
    expect(await closeCodeFor({ apikey: 1234567890 })).toBe(4403);
    expect(await closeCodeFor({ apikey: ["a", "b"] })).toBe(4403);
    expect(await closeCodeFor({ apikey: { k: 1 } })).toBe(4403);
    expect(await closeCodeFor({ authorization: 5 })).toBe(4403);
  });

  it("trims the key as HTTP does", async () => {
    const user = await seedUser(ctx.db);
    const client = createClient({
      url: ctx.t.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { apikey: `  ${user.apiKey}\t` },
      retryAttempts: 0,
    });
    const me = subscribe(client, ME);
    const event = await me.next();
    expect(event.data?.me?.username).toBe(user.username);
    await client.dispose();
    const http = await ctx.t.gql(ME, {}, { headers: { apikey: `  ${user.apiKey} ` } });
    expect(http.data.me.username).toBe(user.username);
  });

  it("takes the key from the upgrade request's apikey header when connectionParams carry none", async () => {
    const user = await seedUser(ctx.db);
    const client = createClient({
      url: ctx.t.wsUrl,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols: string | string[]) {
          super(url, protocols, { headers: { apikey: user.apiKey } });
        }
      },
      retryAttempts: 0,
    });
    const event = await subscribe(client, ME).next();
    expect(event.data?.me?.username).toBe(user.username);
    await client.dispose();
    expect(await closeCodeFor({}, { apikey: "not-a-key-of-anyone" })).toBe(4403);
  });
});

describe("GraphiQL", () => {
  it("runs a subscription with the key in its Headers tab, as GraphiQL's own executor sends it", async () => {
    await resetQueue(ctx.db);
    const worker = await seedUser(ctx.db, { trusted: true, kudos: 1000 });
    const requestId = await createRequest(ctx.t, worker.apiKey, { prompt: "a lighthouse", params: { n: 1 } });
    expect(requestId).toBeTruthy();
    // What GraphiQL does (render-graphiql's fetcher): a WS executor built without connection
    // params, and the Headers tab passed as `extensions.headers` with each operation.
    const executor = await new UrlLoader().getExecutorAsync(ctx.t.url, {
      subscriptionsProtocol: "WS" as never,
      webSocketImpl: WebSocket as never,
    });
    const result = (await executor({
      document: parse(`subscription($input: PopImageJobInput!) { imageJobAssigned(input: $input) { id prompt } }`),
      variables: { input: { name: `graphiql-${worker.id}`, models: ["stable_diffusion"] } },
      extensions: { headers: { apikey: worker.apiKey } },
    })) as AsyncIterableIterator<{ data?: { imageJobAssigned?: { prompt: string } }; errors?: unknown[] }>;
    const first = await result.next();
    expect(first.value.errors).toBeUndefined();
    expect(first.value.data?.imageJobAssigned?.prompt).toBe("a lighthouse");
    await result.return?.();
    await (executor as unknown as { [Symbol.asyncDispose]?: () => Promise<void> })[Symbol.asyncDispose]?.();
  });

  it("refuses an operation whose Headers tab holds a key that matches nobody", async () => {
    const client = createClient({ url: ctx.t.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const errors = await new Promise<unknown[]>((resolve) => {
      client.subscribe(
        { query: ME, extensions: { headers: { apikey: "nobody's key" } } },
        { next: () => {}, error: (e) => resolve(e as unknown[]), complete: () => resolve([]) },
      );
    });
    expect((errors[0] as { extensions?: { code?: string } }).extensions?.code).toBe("InvalidAPIKey");
    await client.dispose();
  });
});
