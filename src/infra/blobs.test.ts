import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalBlobStore, SYNC_WRITE_BYTES } from "./blobs.ts";

describe("the local blob store's put", () => {
  it("writes the bytes under a new key of their format, and nothing else", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "horde-blobs-"));
    const store = createLocalBlobStore(dir);
    const a = await store.put(new Uint8Array([1, 2, 3]), "webp");
    const b = await store.put(new Uint8Array([1, 2, 3]), "webp");
    expect(a).toMatch(/^[0-9a-f-]{36}\.webp$/);
    expect(b).not.toBe(a);
    expect(readdirSync(dir).sort()).toEqual([a, b].sort());
    expect(await store.get(a)).toEqual({ bytes: Buffer.from([1, 2, 3]), contentType: "image/webp" });
  });

  it("writes a blob over the synchronous bound through the thread pool, whole", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "horde-blobs-"));
    const store = createLocalBlobStore(dir);
    const big = Buffer.alloc(SYNC_WRITE_BYTES + 1, 7);
    const key = await store.put(big, "png");
    expect((await store.get(key))?.bytes.equals(big)).toBe(true);
    expect(readdirSync(dir)).toEqual([key]);
  });
});

describe("the local blob store's delete", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "horde-blobs-"));
  const store = createLocalBlobStore(dir);

  it("removes a blob, and a second delete of it is not an error", async () => {
    const key = await store.put(new Uint8Array([1, 2, 3]), "png");
    expect(await store.get(key)).not.toBeNull();
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it("throws when the file cannot be removed, so retention's batch rolls back and tries again", async () => {
    // a directory where the blob's file would be: unlink fails with EISDIR, even for root
    const key = "00000000-0000-4000-8000-000000000000.png";
    mkdirSync(path.join(dir, key));
    await expect(store.delete(key)).rejects.toMatchObject({ code: expect.stringMatching(/^E(ISDIR|PERM)$/) });
  });

  it("ignores a key that is not one of its own", async () => {
    await expect(store.delete("../etc/passwd")).resolves.toBeUndefined();
  });
});
