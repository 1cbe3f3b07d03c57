import http from "node:http";
import net from "node:net";
import { createClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestApp, subscribe, useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

type GqlError = { message: string; extensions?: Record<string, unknown> };
type Reply = { status: number; headers: Headers; body: { data?: unknown; errors?: GqlError[] } };

/** POSTs a raw body to the app; the reply's JSON body, status and headers. */
async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

const query = (url: string, q: string, variables?: unknown, headers?: Record<string, string>) =>
  post(url, JSON.stringify({ query: q, variables }), headers);

const codes = (r: { body: { errors?: GqlError[] } }) => (r.body.errors ?? []).map((e) => e.extensions?.code);

/** Sends `size` bytes of body chunk by chunk with no content-length (chunked transfer encoding). */
function postChunked(url: string, size: number): Promise<{ status: number; body: { errors?: GqlError[] } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (d) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    expect(req.getHeader("content-length")).toBeUndefined();
    const chunk = " ".repeat(512);
    req.write(`{"query": "{ me { id } }"`);
    for (let sent = 0; sent < size; sent += chunk.length) req.write(chunk);
    req.end("}");
  });
}

/** Opens a raw WebSocket; resolves with the HTTP status and headers when the upgrade is refused. */
function refusedUpgrade(wsUrl: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, "graphql-transport-ws");
    ws.on("open", () => {
      ws.close();
      reject(new Error("the upgrade was accepted"));
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.on("error", () => {});
  });
}

/** Opens a raw graphql-ws socket, sends connection_init, and resolves with how it closed. */
function wsInit(wsUrl: string, payload: Record<string, unknown>, then?: (ws: WebSocket) => void) {
  return new Promise<{ code: number; reason: string; acked: boolean }>((resolve) => {
    const ws = new WebSocket(wsUrl, "graphql-transport-ws");
    let acked = false;
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload })));
    ws.on("message", (m) => {
      if (JSON.parse(String(m)).type === "connection_ack") {
        acked = true;
        if (then) then(ws);
        else ws.close(1000);
      }
    });
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason), acked }));
    ws.on("error", () => {});
  });
}

const ctx = useTestApp({
  env: { MAX_BODY_BYTES: "2048", MAX_DEPTH: "3", MAX_ALIASES: "3", MAX_TOKENS: "100", MAX_COST: "100" },
});

describe("malformed requests are client errors with stable codes, never a 500", () => {
  it("answers a syntax error with GRAPHQL_PARSE_FAILED", async () => {
    const r = await query(ctx.t.url, "{ me { id ");
    expect([200, 400]).toContain(r.status);
    expect(codes(r)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    expect(r.body.data ?? null).toBeNull();
  });

  it("answers an unknown field with GRAPHQL_VALIDATION_FAILED", async () => {
    const r = await query(ctx.t.url, "{ me { id nope } }");
    expect([200, 400]).toContain(r.status);
    expect(codes(r)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  it("answers a variable of the wrong type, or a missing one, with BAD_USER_INPUT", async () => {
    const wrong = await query(ctx.t.url, "query($id: ID!) { user(id: $id) { id } }", { id: { not: "an id" } });
    expect([200, 400]).toContain(wrong.status);
    expect(codes(wrong)).toEqual(["BAD_USER_INPUT"]);
    const missing = await query(ctx.t.url, "query($id: ID!) { user(id: $id) { id } }", {});
    expect([200, 400]).toContain(missing.status);
    expect(codes(missing)).toEqual(["BAD_USER_INPUT"]);
  });

  it("answers a body that is not JSON with 400 BAD_REQUEST", async () => {
    const r = await post(ctx.t.url, "{ this is not json");
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual(["BAD_REQUEST"]);
  });

  it("serves a request whose Host header is not a host name instead of failing with a 500", async () => {
    const { port } = new URL(ctx.t.url);
    const body = JSON.stringify({ query: "{ me { id } }" });
    const raw = await new Promise<string>((resolve, reject) => {
      // Written without ending our side: a half-closed client has its request aborted.
      const socket = net.connect(Number(port), "127.0.0.1", () => {
        socket.write(
          `POST /graphql HTTP/1.1\r\nhost: not a host/\r\ncontent-type: application/json\r\n` +
            `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
        );
      });
      let text = "";
      socket.on("data", (d) => {
        text += d;
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('{"data":{"me":{"id":"0"}}}');
  });

  it("answers a content type it does not speak with a 4xx", async () => {
    const res = await fetch(ctx.t.url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{ me { id } }",
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it("gives the same codes to the same mistakes over WebSocket", async () => {
    const client = ctx.t.ws();
    const parse = subscribe(client, "{ me { id ");
    await parse.completed();
    expect((parse.error as GqlError[])[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const unknown = subscribe(client, "{ me { nope } }");
    await unknown.completed();
    expect((unknown.error as GqlError[])[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const variable = subscribe(client, "query($id: ID!) { user(id: $id) { id } }", { id: [1, 2] });
    const event = await variable.next();
    expect((event.errors as GqlError[])[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("request size", () => {
  it("accepts a body just under MAX_BODY_BYTES", async () => {
    const r = await post(ctx.t.url, JSON.stringify({ query: `{ me { id } }${" ".repeat(1900)}` }));
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ me: { id: "0" } });
  });

  it("refuses a 4 KB body with a content-length with 413 PayloadTooLarge", async () => {
    const r = await post(ctx.t.url, JSON.stringify({ query: `{ me { id } }${" ".repeat(4096)}` }));
    expect(r.status).toBe(413);
    expect(codes(r)).toEqual(["PayloadTooLarge"]);
  });

  it("refuses a 4 KB chunked body without a content-length with 413 PayloadTooLarge", async () => {
    const r = await postChunked(ctx.t.url, 4096);
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("PayloadTooLarge");
  });

  it("closes a WebSocket that sends a message over MAX_BODY_BYTES with 1009", async () => {
    const closed = await wsInit(ctx.t.wsUrl, {}, (ws) => {
      ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: `{ me { id } }${" ".repeat(4096)}` } }));
    });
    expect(closed).toMatchObject({ acked: true, code: 1009 });
  });
});

describe("query limits", () => {
  it("refuses a query deeper than MAX_DEPTH with MaxDepthExceeded, through fragments too", async () => {
    const ok = await query(ctx.t.url, "{ users(first: 1) { pageInfo { hasNextPage } } }");
    expect(ok.body.errors).toBeUndefined();
    const deep = await query(ctx.t.url, "{ users { edges { node { id } } } }");
    expect(codes(deep)).toEqual(["MaxDepthExceeded"]);
    expect(deep.status).toBeLessThan(500);
    const viaFragments = await query(
      ctx.t.url,
      "{ users { ...E } } fragment E on QueryUsersConnection { edges { ...N } } fragment N on QueryUsersConnectionEdge { node { id } }",
    );
    expect(codes(viaFragments)).toEqual(["MaxDepthExceeded"]);
  });

  it("does not count fragment spreads as depth", async () => {
    const r = await query(ctx.t.url, "{ me { ...A } } fragment A on User { ...B } fragment B on User { id }");
    expect(r.body).toEqual({ data: { me: { id: "0" } } });
  });

  it("refuses more aliases than MAX_ALIASES with MaxAliasesExceeded", async () => {
    const ok = await query(ctx.t.url, "{ a: me { id } b: me { id } c: me { id } }");
    expect(ok.body.errors).toBeUndefined();
    const r = await query(ctx.t.url, "{ a: me { id } b: me { id } c: me { id } d: me { id } }");
    expect(codes(r)).toEqual(["MaxAliasesExceeded"]);
  });

  it("refuses more tokens than MAX_TOKENS with MaxTokensExceeded", async () => {
    const r = await query(ctx.t.url, `{ me { ${"id ".repeat(120)}} }`);
    expect(codes(r)).toEqual(["MaxTokensExceeded"]);
  });

  it("refuses a query costlier than MAX_COST with MaxCostExceeded", async () => {
    // Shallow, few tokens, no aliases: only the cost, multiplied by repeated spreads, is over.
    const r = await query(
      ctx.t.url,
      "{ me { ...A } } fragment A on User { ...B ...B ...B } fragment B on User { ...C ...C ...C } fragment C on User { id username kudos concurrency }",
    );
    expect(codes(r)).toEqual(["MaxCostExceeded"]);
  });

  it("applies the same limits over WebSocket", async () => {
    const s = subscribe(ctx.t.ws(), "{ users { edges { node { id } } } }");
    await s.completed();
    expect((s.error as GqlError[])[0]?.extensions?.code).toBe("MaxDepthExceeded");
  });
});

describe("rate limits", () => {
  it("answers the request after RATE_LIMIT_PER_MINUTE with 429 RateLimited and Retry-After, and refuses WebSockets", async () => {
    const limited = await startTestApp(ctx.db, { env: { RATE_LIMIT_PER_MINUTE: "3" } });
    try {
      for (let i = 0; i < 3; i++) expect((await query(limited.url, "{ me { id } }")).status).toBe(200);
      const r = await query(limited.url, "{ me { id } }");
      expect(r.status).toBe(429);
      expect(codes(r)).toEqual(["RateLimited"]);
      const retryAfter = Number(r.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const ws = await refusedUpgrade(limited.wsUrl);
      expect(ws.status).toBe(429);
      expect(Number(ws.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(ws.body).errors[0].extensions.code).toBe("RateLimited");
      // Load balancers' probes are never throttled.
      expect((await fetch(limited.url.replace("/graphql", "/health"))).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it("limits each key to RATE_LIMIT_PER_KEY_PER_MINUTE without touching other keys or Anonymous", async () => {
    const limited = await startTestApp(ctx.db, { env: { RATE_LIMIT_PER_KEY_PER_MINUTE: "3" } });
    try {
      const [alice, bob] = [await seedUser(ctx.db), await seedUser(ctx.db)];
      for (let i = 0; i < 3; i++) {
        expect((await query(limited.url, "{ me { id } }", undefined, { apikey: alice.apiKey })).status).toBe(200);
      }
      const r = await query(limited.url, "{ me { id } }", undefined, { authorization: `Bearer ${alice.apiKey}` });
      expect(r.status).toBe(429);
      expect(codes(r)).toEqual(["RateLimited"]);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await query(limited.url, "{ me { id } }", undefined, { apikey: bob.apiKey })).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await query(limited.url, "{ me { id } }")).status).toBe(200);
      const ws = await wsInit(limited.wsUrl, { apikey: alice.apiKey });
      expect(ws).toMatchObject({ acked: false, code: 1013 });
      expect(ws.reason).toMatch(/^RateLimited/);
    } finally {
      await limited.stop();
    }
  });

  it("counts every operation sent over one WebSocket, so a socket is no way around the limit", async () => {
    const limited = await startTestApp(ctx.db, { env: { RATE_LIMIT_PER_KEY_PER_MINUTE: "3" } });
    try {
      const carol = await seedUser(ctx.db);
      // One socket kept open throughout (a lazy client would reconnect between operations).
      const client = createClient({
        url: limited.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { apikey: carol.apiKey },
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => {},
      });
      let connections = 0;
      client.on("connected", () => connections++);
      try {
        // The connection is the first hit; two operations make three.
        for (let i = 0; i < 2; i++) {
          const s = subscribe(client, "{ me { id } }");
          expect((await s.next()).data).toEqual({ me: { id: String(carol.id) } });
        }
        const s = subscribe(client, "{ me { id } }");
        await s.completed();
        expect((s.error as GqlError[])[0]?.extensions?.code).toBe("RateLimited");
        expect(connections).toBe(1);
      } finally {
        await client.dispose();
      }
      const overHttp = await query(limited.url, "{ me { id } }", undefined, { apikey: carol.apiKey });
      expect(overHttp.status).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});

describe("health, readiness, unknown paths and GraphiQL", () => {
  it("answers /health and /ready with 200", async () => {
    const health = await fetch(ctx.t.url.replace("/graphql", "/health"));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(ctx.t.url.replace("/graphql", "/ready"));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("answers an unknown path with a JSON 404, on HTTP and on a WebSocket upgrade", async () => {
    const res = await fetch(ctx.t.url.replace("/graphql", "/nowhere"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await res.json()) as { errors: GqlError[] }).errors[0]?.extensions?.code).toBe("NotFound");
    const ws = await refusedUpgrade(ctx.t.wsUrl.replace("/graphql", "/nowhere"));
    expect(ws.status).toBe(404);
  });

  it("serves GraphiQL to a browser from this server alone, nothing from a CDN", async () => {
    const res = await fetch(ctx.t.url, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>Horde GraphQL</title>");
    // Every script and stylesheet is one of this server's own assets, by a relative URL.
    const refs = [...html.matchAll(/<(?:script|link)[^>]*\b(?:src|href)=["']?([^"' >]+)/gi)].map((m) => m[1]!);
    expect(refs.filter((r) => r.endsWith(".js")).length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) expect(ref).toMatch(/^(\.\/graphiql\/assets\/|data:)/);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs|esm\.sh|googleapis/i);
    // The favicon is inline, so the browser asks for nothing else.
    expect(html).toMatch(/<link rel="icon" href="data:/);
  });
});

describe("unexpected failures", () => {
  // Its own database, because the test closes it under the server.
  const brokenCtx = useTestApp();

  it("are masked as INTERNAL_SERVER_ERROR with no internals, and /ready turns 503 while /health stays 200", async () => {
    const user = await seedUser(brokenCtx.db);
    expect((await fetch(brokenCtx.t.url.replace("/graphql", "/ready"))).status).toBe(200);
    await brokenCtx.db.close();

    const inResolver = await query(brokenCtx.t.url, "{ me { id username } }");
    expect(inResolver.status).toBeLessThan(500);
    expect(codes(inResolver)).toEqual(["INTERNAL_SERVER_ERROR"]);
    expect(inResolver.body.errors?.[0]?.message).toBe("Unexpected error.");

    const inContext = await query(brokenCtx.t.url, "{ me { id } }", undefined, { apikey: user.apiKey });
    expect(codes(inContext)).toEqual(["INTERNAL_SERVER_ERROR"]);
    expect(inContext.body.errors?.[0]?.message).toBe("Unexpected error.");

    for (const r of [inResolver, inContext]) {
      const text = JSON.stringify(r.body);
      expect(text).not.toMatch(/stack|\bat .*\.(ts|js)|pglite|prisma|pool|postgres|closed|ECONN/i);
      expect(Object.keys(r.body.errors?.[0]?.extensions ?? {})).toEqual(["code", "requestId"]);
    }

    const ws = await wsInit(brokenCtx.t.wsUrl, { apikey: user.apiKey });
    expect(ws).toMatchObject({ acked: false, code: 4500, reason: "Internal server error" });

    const ready = await fetch(brokenCtx.t.url.replace("/graphql", "/ready"));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable" });
    expect((await fetch(brokenCtx.t.url.replace("/graphql", "/health"))).status).toBe(200);
  });
});
