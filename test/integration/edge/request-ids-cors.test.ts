import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type App, createApp } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createDeps } from "../../../src/deps.ts";
import type { Db } from "../../../src/infra/db.ts";
import { useTestDb } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * Error logs name the request id the client sees; CORS_ORIGINS as a list. The server's database
 * fails on demand (the key lookup), which is how an unexpected error is made here.
 */
const tdb = useTestDb();
const lines: Record<string, unknown>[] = [];
let app: App;
let url: string;
let failKeyLookup = false;
/** Fails every query but the key lookup: an unexpected error inside a resolver. */
let failResolvers = false;

beforeAll(async () => {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "horde-rid-")),
    NODE_ENV: "test",
    RATE_LIMIT_PER_MINUTE: "0",
    RATE_LIMIT_PER_KEY_PER_MINUTE: "0",
    CORS_ORIGINS: "https://app.example,https://other.example",
  });
  const real = tdb.db;
  const db: Db = {
    ...real,
    query: (text, params) =>
      (failKeyLookup && text.includes("api_key_hash")) || (failResolvers && !text.includes("api_key_hash"))
        ? Promise.reject(new Error("the database went away"))
        : real.query(text, params),
  };
  const logger = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const deps = await createDeps(config, { db, logger });
  app = createApp(deps, { tasks: false });
  const { port } = await app.start(0, "127.0.0.1");
  url = `http://127.0.0.1:${port}/graphql`;
});

afterAll(async () => {
  await app?.stop();
  await app?.deps.bus.close();
});

const errorLines = () => lines.filter((l) => (l.level as number) >= 50);

describe("request ids in error logs", () => {
  it("names the client's X-Request-Id in the log line of a masked HTTP error, and in the error", async () => {
    const user = await seedUser(tdb.db);
    failKeyLookup = true;
    lines.length = 0;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: user.apiKey, "x-request-id": "rid-edge-1" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    failKeyLookup = false;
    expect(res.headers.get("x-request-id")).toBe("rid-edge-1");
    const body = await res.json();
    expect(body.errors[0].extensions).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId: "rid-edge-1" });
    expect(errorLines().length).toBeGreaterThan(0);
    for (const l of errorLines()) expect(l.requestId).toBe("rid-edge-1");
  });

  it("names the operation's request id in the log line of a failed WebSocket operation", async () => {
    const user = await seedUser(tdb.db);
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    failKeyLookup = true;
    lines.length = 0;
    const errors = await new Promise<{ extensions?: { code?: string; requestId?: string } }[]>((resolve) => {
      client.subscribe(
        { query: "{ me { id } }", extensions: { headers: { apikey: user.apiKey } } },
        { next: () => {}, error: (e) => resolve(e as never), complete: () => resolve([]) },
      );
    });
    failKeyLookup = false;
    await client.dispose();
    expect(errors[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    const requestId = errors[0]?.extensions?.requestId;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(errorLines().length).toBeGreaterThan(0);
    for (const l of errorLines()) expect(l.requestId).toBe(requestId);
  });

  it("names the request id of an unexpected error inside a resolver, over HTTP and over a socket", async () => {
    const user = await seedUser(tdb.db);
    const query = "{ hordeStatus { at interrogatorsOnline } }";
    failResolvers = true;
    lines.length = 0;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: user.apiKey, "x-request-id": "rid-resolver-1" },
      body: JSON.stringify({ query }),
    });
    const body = await res.json();
    expect(body.errors[0]).toMatchObject({
      message: "Unexpected error.",
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "rid-resolver-1" },
    });
    expect(JSON.stringify(body)).not.toContain("went away");
    const httpLines = errorLines();
    expect(httpLines.length).toBeGreaterThan(0);
    for (const l of httpLines) expect(l.requestId).toBe("rid-resolver-1");

    lines.length = 0;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { apikey: user.apiKey },
    });
    const results = await new Promise<{ errors?: { message: string; extensions?: Record<string, unknown> }[] }[]>(
      (resolve, reject) => {
        const got: never[] = [];
        client.subscribe({ query }, { next: (r) => got.push(r as never), error: reject, complete: () => resolve(got) });
      },
    );
    failResolvers = false;
    await client.dispose();
    const error = results[0]?.errors?.[0];
    expect(error).toMatchObject({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(error?.extensions?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(results)).not.toContain("went away");
    expect(errorLines().length).toBeGreaterThan(0);
    for (const l of errorLines()) expect(l.requestId).toBe(error?.extensions?.requestId);
  });

  it("does not echo a request id with control characters; it makes a new one", async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "a b" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("CORS_ORIGINS as a list", () => {
  const preflight = (origin: string) =>
    fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });

  it("answers a listed origin, without credentials, and no other", async () => {
    const ok = await preflight("https://other.example");
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://other.example");
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a WebSocket upgrade from an origin not listed with 403", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url.replace("http", "ws"), "graphql-transport-ws", {
        headers: { origin: "https://evil.example" },
      });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => {
        resolve(101);
        ws.close();
      });
      ws.on("error", () => {});
    });
    expect(status).toBe(403);
  });
});
