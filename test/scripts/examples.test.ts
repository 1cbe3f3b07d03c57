import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { makePng } from "../../src/modules/requests/test-images.ts";
import { useTestApp } from "../support/app.ts";
import { useScriptRunner } from "../support/scripts.ts";

const ctx = useTestApp();
const run = useScriptRunner();

/** Decodes a PNG (8-bit RGB or RGBA, any filter): its size and its pixels' channels. */
function decodePng(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let pos = 8;
  let width = 0;
  let height = 0;
  let colourType = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString("latin1", pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8]).toBe(8);
      colourType = body[9]!;
    }
    if (type === "IDAT") idat.push(body);
    pos += 12 + len;
  }
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  expect(channels).toBeGreaterThan(0);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const paeth = () => {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const pred = [0, a, b, (a + b) >> 1, paeth()][filter]!;
      pixels[y * stride + x] = (cur + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** Whether an image shows something: opaque where it has alpha, and not one flat colour. */
function visible(img: ReturnType<typeof decodePng>): boolean {
  let min = 255;
  let max = 0;
  for (let i = 0; i < img.pixels.length; i += img.channels) {
    if (img.channels === 4 && img.pixels[i + 3] === 0) return false;
    const luma = img.pixels[i]! + img.pixels[i + 1]! + img.pixels[i + 2]!;
    min = Math.min(min, luma);
    max = Math.max(max, luma);
  }
  return max - min > 100;
}

describe("the example scripts", () => {
  it("the simulated worker's image (makePng without alpha) is opaque, varied and exactly the size asked", () => {
    for (const [w, h] of [
      [512, 512],
      [768, 320],
      [1, 1],
    ] as const) {
      const img = decodePng(makePng(w, h, { alpha: false }));
      expect([img.width, img.height, img.channels]).toEqual([w, h, 3]);
      if (w > 1) expect(visible(img)).toBe(true);
    }
  });

  it("run the whole loop: worker:sim serves client:example, which saves visible images of the requested size, then says done", async () => {
    const env = { HORDE_URL: ctx.t.url };
    const worker = run("worker-sim", [], { ...env, WORKER_SPEED: "1000", WORKER_CONCURRENCY: "2" });
    const outDir = mkdtempSync(path.join(os.tmpdir(), "horde-examples-"));
    const client = run("client-example", ["a lighthouse at dusk", "2", "768x512"], { ...env, OUT_DIR: outDir });
    const result = await client.exited;
    worker.child.kill("SIGINT");
    await worker.exited;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const lines = result.stdout.trim().split("\n");
    // `done` comes last, after every `saved` line, and no progress line repeats itself
    expect(lines.at(-1)).toMatch(/^done: 2 image\(s\) in /);
    expect(lines.filter((l) => l.startsWith("saved "))).toHaveLength(2);
    const progress = lines.filter((l) => l.startsWith("waiting "));
    for (let i = 1; i < progress.length; i++) expect(progress[i]).not.toBe(progress[i - 1]);
    expect(progress.filter((l) => l.includes("finished 2/2"))).toHaveLength(1);

    const files = readdirSync(outDir);
    expect(files).toHaveLength(2);
    for (const f of files) {
      const img = decodePng(readFileSync(path.join(outDir, f)));
      expect([img.width, img.height]).toEqual([768, 512]);
      expect(visible(img)).toBe(true);
    }
  }, 150_000);

  it("fail with one line and a non-zero exit on bad arguments, a wrong HORDE_URL and a refused feed", async () => {
    const [badCount, badSize, noServer, notUrl, badModels] = await Promise.all([
      run("client-example", ["x", "abc"], { HORDE_URL: ctx.t.url }).exited,
      run("client-example", ["x", "1", "500x500"], { HORDE_URL: ctx.t.url }).exited,
      run("client-example", [], { HORDE_URL: "http://127.0.0.1:9/graphql" }).exited,
      run("worker-sim", [], { HORDE_URL: "localhost:3000" }).exited, // parses, as the scheme "localhost:"
      run("worker-sim", [], { HORDE_URL: ctx.t.url, WORKER_MODELS: "foo" }).exited,
    ]);
    for (const r of [badCount, badSize, noServer, notUrl, badModels]) {
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at |\[Object\]|NaN/);
    }
    expect(badCount.stderr).toMatch(/^the number of images must be a whole number ≥ 1, not "abc"\nusage: /);
    expect(badSize.stderr).toMatch(/^the size must be WIDTHxHEIGHT in multiples of 64/);
    expect(noServer.stderr.trim().split("\n")).toHaveLength(1);
    expect(noServer.stderr).toMatch(/^cannot reach the server at http:\/\/127\.0\.0\.1:9\/graphql \(HORDE_URL\)/);
    expect(notUrl.stderr).toMatch(/^HORDE_URL must be an http:\/\/ or https:\/\/ URL, not "localhost:3000"/);
    expect(badModels.stderr.trim().split("\n")).toHaveLength(1);
    expect(badModels.stderr).toMatch(/NoValidModels: /);
  }, 150_000); // five script processes at once: slow to start on a loaded machine
});
