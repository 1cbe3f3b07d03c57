import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { useTestApp } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

/** The server's edge as a hostile client or a first-time browser meets it. */
const ctx = useTestApp({
  env: { MAX_SUBSCRIPTIONS_PER_SOCKET: "2", MAX_SUBSCRIPTIONS_PER_IP: "3", MAX_BODY_BYTES: "4096" },
});
const base = () => ctx.t.url.replace(/\/graphql$/, "");

/** GETs with node:http, so the bytes on the wire (compressed or not) can be counted. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on("error", reject);
  });
}

describe("images", () => {
  it("answers a key that is not valid URL encoding with 400 and a code, not a 500", async () => {
    const res = await fetch(`${base()}/blobs/%zz`);
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe("BadBlobKey");
  });

  it("serves an image as not sniffable, sandboxed and cached for ever", async () => {
    const key = await ctx.t.deps.blobs.put(Buffer.from("\x89PNG\r\n\x1a\n<html><script>x</script>"), "png");
    const res = await fetch(`${base()}/blobs/${key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });
});

describe("malformed requests", () => {
  it("answers GET variables that are not JSON with 400 BAD_REQUEST", async () => {
    const res = await fetch(`${ctx.t.url}?query=${encodeURIComponent("{ me { id } }")}&variables=%7Bbad`);
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("answers a multipart body without a boundary, or a broken one, with a code", async () => {
    for (const [type, body] of [
      ["multipart/form-data", "garbage"],
      ["multipart/form-data; boundary=xyz", "--xyz\r\nnot a part\r\n"],
    ]) {
      const res = await fetch(ctx.t.url, { method: "POST", headers: { "content-type": type as string }, body });
      expect(res.status, type).toBeGreaterThanOrEqual(400);
      expect(res.status, type).toBeLessThan(500);
      const json = await res.json();
      expect(json.errors[0].extensions?.code, type).toBeTruthy();
    }
  });
});

describe("CORS by default", () => {
  it("lets any origin call the API, without credentials", async () => {
    const res = await fetch(ctx.t.url, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://evil.example");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("GraphiQL", () => {
  const html = { accept: "text/html" };
  /** The page's asset URLs (scripts and stylesheets), as written in the HTML; inline `data:` ones fetch nothing. */
  const assetRefs = (page: string) =>
    [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => !ref.startsWith("data:"));

  it("costs at most 1.5 MB on a first load, page plus every asset, all from our server", async () => {
    for (const encoding of ["gzip, br", "gzip"]) {
      const page = await rawGet(ctx.t.url, { ...html, "accept-encoding": encoding });
      expect(page.status).toBe(200);
      const text = (encoding === "gzip" ? gunzipSync(page.body) : brotliDecompressSync(page.body)).toString();
      expect(text).toContain("<title>Horde GraphQL</title>");
      // Offline: nothing outside our origin, and the browser is told to load nothing else.
      expect(text).not.toMatch(/(?:https?:|wss?:)?\/\/[a-z0-9]/i);
      expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
      const refs = assetRefs(text);
      expect(refs.length).toBeGreaterThanOrEqual(5);
      let total = page.body.length;
      for (const ref of refs) {
        expect(ref).toMatch(/^\.\/graphiql\/assets\/[\w-]+\/[\w.-]+$/);
        const asset = await rawGet(new URL(ref, ctx.t.url).href, { "accept-encoding": encoding });
        expect(asset.status).toBe(200);
        expect(asset.headers["content-encoding"]).toBe(encoding === "gzip" ? "gzip" : "br");
        expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
        total += asset.body.length;
        if (ref.endsWith(".css")) {
          const css = (encoding === "gzip" ? gunzipSync(asset.body) : brotliDecompressSync(asset.body)).toString();
          expect(css).not.toMatch(/url\(\s*["']?(?!data:)/);
        }
      }
      // Measured: about 0.61 MB with brotli and 0.64 MB with gzip (1.54 MB uncompressed).
      expect(total).toBeLessThanOrEqual(1_500_000);
    }
  });

  it("revalidates the page with an ETag and answers a revisit of page or asset with a 304", async () => {
    const first = await rawGet(ctx.t.url, { ...html, "accept-encoding": "br" });
    expect(first.headers["cache-control"]).toMatch(/max-age=\d+/);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await rawGet(ctx.t.url, { ...html, "accept-encoding": "br", "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const ref = assetRefs(brotliDecompressSync(first.body).toString())[0]!;
    const assetUrl = new URL(ref, ctx.t.url).href;
    const asset = await rawGet(assetUrl, { "accept-encoding": "identity" });
    expect(asset.headers["content-encoding"]).toBeUndefined();
    const cached = await rawGet(assetUrl, { "if-none-match": asset.headers.etag as string });
    expect(cached.status).toBe(304);
  });

  it("answers an unknown asset with a 404", async () => {
    const res = await fetch(`${base()}/graphiql/assets/nope/graphiql.min.js`);
    expect(res.status).toBe(404);
  });
});

describe("WebSocket caps", () => {
  const FEED = "subscription($i: PopImageJobInput!) { imageJobAssigned(input: $i) { id } }";
  /** Opens `n` worker feeds (they stay open, parked) and resolves with the first error any gets. */
  function feeds(client: ReturnType<typeof ctx.t.ws>, owner: number, n: number) {
    return new Promise<{ extensions?: { code?: string } }>((resolve) => {
      for (let i = 0; i < n; i++) {
        client.subscribe(
          {
            query: FEED,
            variables: {
              i: { name: `cap-${owner}-${Math.random().toString(36).slice(2)}`, models: ["stable_diffusion"] },
            },
          },
          {
            next: () => {},
            error: (e) => resolve((e as { extensions?: { code?: string } }[])[0]!),
            complete: () => {},
          },
        );
      }
    });
  }

  it("refuses a subscription over the per-socket cap, then over the per-IP cap, with TooManySubscriptions", async () => {
    const user = await seedUser(ctx.db, { trusted: true });
    // MAX_SUBSCRIPTIONS_PER_SOCKET=2: the third feed on one socket is refused.
    const first = await feeds(ctx.t.ws(user.apiKey), user.id, 3);
    expect(first.extensions?.code).toBe("TooManySubscriptions");
    // MAX_SUBSCRIPTIONS_PER_IP=3: two are open from this address, so one more fits, not two.
    const second = await feeds(ctx.t.ws(user.apiKey), user.id, 2);
    expect(second.extensions?.code).toBe("TooManySubscriptions");
  });

  it("closes a socket that sends a frame over MAX_BODY_BYTES with 1009, logging no stack to stderr", async () => {
    const stderr = vi.spyOn(console, "error");
    const ws = new WebSocket(ctx.t.wsUrl, "graphql-transport-ws");
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(10_000) } }));
    const code = await new Promise<number>((resolve) => ws.once("close", resolve));
    expect(code).toBe(1009);
    expect(stderr).not.toHaveBeenCalled();
    stderr.mockRestore();
  });
});

describe("answers over HTTP", () => {
  it("sends a plain answer whole, with its length", async () => {
    const res = await rawPost(ctx.t.url, JSON.stringify({ query: "{ __typename }" }), {});
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(res.body.length));
    expect(JSON.parse(res.body.toString())).toEqual({ data: { __typename: "Query" } });
  });

  it("streams a subscription over HTTP (server-sent events) until the client leaves", async () => {
    const abort = new AbortController();
    const res = await fetch(ctx.t.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "subscription { hordeStatusUpdated { maintenance inviteOnly } }" }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("content-length")).toBeNull();
    const reader = res.body!.getReader();
    let text = "";
    // Yoga opens with a comment (":" then a blank line); read up to the first whole event
    while (!/event: next\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    expect(text).toMatch(
      /^event: next\ndata: \{"data":\{"hordeStatusUpdated":\{"maintenance":false,"inviteOnly":false\}\}\}/m,
    );
    abort.abort();
    await reader.cancel().catch(() => {});
  });
});

/** POSTs with node:http, so headers are exactly what the server sent. */
function rawPost(url: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
