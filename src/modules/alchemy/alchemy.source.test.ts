import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePng, makeWebp } from "../requests/test-images.ts";
import { isInternalAddress, measureBase64Source, measureUrlSource } from "./alchemy.source.ts";

const png = makePng(1024, 600, { alpha: false });
const huge = makeWebp(8192, 8192); // 256 tiles, a few dozen bytes

describe("a base64 source image", () => {
  it("is measured in 512×512 tiles and kept to be stored", async () => {
    const r = await measureBase64Source(png.toString("base64"));
    expect(r).toMatchObject({ ok: true, value: { width: 1024, height: 600, tiles: 4, url: null } });
    expect(r.ok && r.value.image?.format).toBe("png");
  });

  it("may come as a data URL", async () => {
    const r = await measureBase64Source(`data:image/png;base64,${png.toString("base64")}`);
    expect(r.ok).toBe(true);
  });

  it("is refused when it is not base64, not an image, over 255 tiles or over 5 MB", async () => {
    expect(await measureBase64Source("not base64!")).toMatchObject({
      ok: false,
      code: "InvalidSourceImage",
      field: "sourceImage",
    });
    expect(await measureBase64Source(Buffer.from("<html></html>").toString("base64"))).toMatchObject({
      ok: false,
      code: "InvalidSourceImage",
    });
    expect(await measureBase64Source(huge.toString("base64"))).toMatchObject({
      ok: false,
      code: "SourceImageResolutionExceeded",
    });
    expect(await measureBase64Source("A".repeat(7_100_000))).toMatchObject({ ok: false, code: "SourceImageTooLarge" });
  });

  it("accepts 255 tiles exactly", async () => {
    const r = await measureBase64Source(makeWebp(512 * 15, 512 * 17).toString("base64"));
    expect(r).toMatchObject({ ok: true, value: { tiles: 255 } });
  });
});

describe("a source image URL", () => {
  let server: http.Server;
  let base: string;
  const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
    "/cat.png": (_q, res) => res.writeHead(200, { "content-type": "image/png" }).end(png),
    "/huge.webp": (_q, res) => res.writeHead(200).end(huge),
    "/missing": (_q, res) => res.writeHead(404).end(),
    "/moved": (_q, res) => res.writeHead(302, { location: "/cat.png" }).end(),
    "/to-file": (_q, res) => res.writeHead(302, { location: "file:///etc/passwd" }).end(),
    "/loop": (_q, res) => res.writeHead(301, { location: "/loop" }).end(),
    "/big-declared": (_q, res) => {
      res.writeHead(200, { "content-length": String(6 * 1024 * 1024) });
      res.write(Buffer.alloc(1024)); // and nothing more: the declared length alone must refuse it
    },
    "/big-chunked": (_q, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 6; i++) res.write(chunk);
      res.end();
    },
    "/text": (_q, res) => res.writeHead(200).end("hello"),
    "/hang": () => undefined, // never answers: the deadline must end the download
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const route = routes[req.url ?? ""];
      if (route) route(req, res);
      else res.writeHead(500).end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const open = { timeoutMs: 2000, allowPrivate: true };

  it("is downloaded only to measure it: the URL is kept, the bytes are not", async () => {
    const r = await measureUrlSource(`${base}/cat.png`, open);
    expect(r).toMatchObject({
      ok: true,
      value: { width: 1024, height: 600, tiles: 4, image: null, url: `${base}/cat.png` },
    });
  });

  it("follows an http redirect but never one to another scheme, nor a loop", async () => {
    expect(await measureUrlSource(`${base}/moved`, open)).toMatchObject({ ok: true, value: { url: `${base}/moved` } });
    expect(await measureUrlSource(`${base}/to-file`, open)).toMatchObject({ ok: false, code: "InvalidSourceImageUrl" });
    expect(await measureUrlSource(`${base}/loop`, open)).toMatchObject({
      ok: false,
      code: "SourceImageDownloadFailed",
    });
  });

  it("refuses schemes other than http(s), credentials, and internal addresses unless allowed", async () => {
    for (const url of ["file:///etc/passwd", "ftp://example.com/a.png", "javascript:alert(1)", "not a url"]) {
      expect(await measureUrlSource(url, open)).toMatchObject({
        ok: false,
        code: "InvalidSourceImageUrl",
        field: "sourceImageUrl",
      });
    }
    expect(await measureUrlSource("http://u:p@example.com/a.png", open)).toMatchObject({
      ok: false,
      code: "InvalidSourceImageUrl",
    });
    const closed = { ...open, allowPrivate: false };
    expect(await measureUrlSource(`${base}/cat.png`, closed)).toMatchObject({
      ok: false,
      code: "InvalidSourceImageUrl",
    });
    expect(await measureUrlSource("http://localhost/cat.png", closed)).toMatchObject({
      ok: false,
      code: "InvalidSourceImageUrl",
    });
    expect(await measureUrlSource("http://[::1]/cat.png", closed)).toMatchObject({
      ok: false,
      code: "InvalidSourceImageUrl",
    });
  });

  it("refuses more than 5 MB, whether declared or streamed", async () => {
    expect(await measureUrlSource(`${base}/big-declared`, open)).toMatchObject({
      ok: false,
      code: "SourceImageTooLarge",
    });
    expect(await measureUrlSource(`${base}/big-chunked`, open)).toMatchObject({
      ok: false,
      code: "SourceImageTooLarge",
    });
  });

  it("refuses an error status, a body that is no image, over 255 tiles, and a server that never answers", async () => {
    expect(await measureUrlSource(`${base}/missing`, open)).toMatchObject({
      ok: false,
      code: "SourceImageDownloadFailed",
    });
    expect(await measureUrlSource(`${base}/text`, open)).toMatchObject({ ok: false, code: "InvalidSourceImage" });
    expect(await measureUrlSource(`${base}/huge.webp`, open)).toMatchObject({
      ok: false,
      code: "SourceImageResolutionExceeded",
    });
    const started = Date.now();
    expect(await measureUrlSource(`${base}/hang`, { ...open, timeoutMs: 300 })).toMatchObject({
      ok: false,
      code: "SourceImageDownloadFailed",
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("internal addresses", () => {
  it("covers loopback, private, link-local, CGNAT, multicast and their IPv6 forms", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
    ]) {
      expect(isInternalAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:2800:220:1::1", "172.32.0.1"])
      expect(isInternalAddress(a), a).toBe(false);
  });
});
