import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeDir, usableDir } from "./dirs.ts";
import { StartupError } from "./startup-error.ts";

export type ImageFormat = "png" | "webp" | "jpeg";

const CONTENT_TYPES: Record<ImageFormat, string> = {
  png: "image/png",
  webp: "image/webp",
  jpeg: "image/jpeg",
};

// Keys are generated here, never taken from a user, and checked on read so that a URL can
// never name a file outside the store.
const KEY = /^[0-9a-f-]{36}\.(png|webp|jpeg)$/;

/** Where images live; rows hold keys. A local directory by default. */
export interface BlobStore {
  put(bytes: Uint8Array, format: ImageFormat): Promise<string>;
  get(key: string): Promise<{ bytes: Buffer; contentType: string } | null>;
  /** Removes a blob; one already gone is not an error, any other failure throws. */
  delete(key: string): Promise<void>;
}

/**
 * Checks at start-up that `dir` is (or can be made) a writable directory; a `BLOB_DIR` that
 * names a file was accepted and every image upload then failed.
 */
export function checkBlobDir(dir: string): void {
  try {
    usableDir(dir);
  } catch (err) {
    throw new StartupError("BLOB_DIR", (err as Error).message);
  }
}

/** Blobs up to this size (a typical 512×512 WEBP result is 20–80 KB) are written synchronously. */
export const SYNC_WRITE_BYTES = 256 * 1024;

/**
 * A blob store in a local directory. A blob is written straight under its key, created
 * exclusively: the key is new and random, and nobody can ask for it before `put` has resolved
 * and a committed row names it, so no reader sees a file half written; a write that fails removes
 * its file. (A temporary file and a rename cost two more trips through the thread pool: ≈ 250 µs
 * of CPU per image against ≈ 170, bench/README.md.)
 *
 * A blob of at most {@link SYNC_WRITE_BYTES} is written synchronously: open, write and close of a
 * small file into the page cache take ≈ 40 µs on the event loop, where three trips through the
 * thread pool cost ≈ 170 µs of CPU and, on a busy two-core machine, let the woken pool thread take
 * the event loop's core (≈ 0.5 ms of its time per submit in a profile of the API loop). Larger
 * blobs go through the pool. A disk that stalls stalls these writes either way
 * (docs/FAILURE-MODES.md).
 */
export function createLocalBlobStore(dir: string): BlobStore {
  let made = false;
  const ensure = () => {
    // The directory was checked at start-up; this recreates it if it was removed since.
    if (!made) makeDir(dir);
    made = true;
  };
  return {
    async put(bytes, format) {
      ensure();
      const key = `${randomUUID()}.${format}`;
      const file = path.join(dir, key);
      try {
        if (bytes.length <= SYNC_WRITE_BYTES) writeFileSync(file, bytes, { flag: "wx" });
        else await writeFile(file, bytes, { flag: "wx" });
      } catch (err) {
        await unlink(file).catch(() => {}); // a partial file, or none (EEXIST cannot be: the key is new)
        throw err;
      }
      return key;
    },
    async get(key) {
      const m = KEY.exec(key);
      if (!m) return null;
      try {
        const bytes = await readFile(path.join(dir, key));
        return { bytes, contentType: CONTENT_TYPES[m[1] as ImageFormat] };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    async delete(key) {
      if (!KEY.test(key)) return;
      // Only "already gone" is fine: retention relies on a failed delete throwing, so that its
      // transaction rolls back and the next sweep tries again instead of leaving a personal file.
      await unlink(path.join(dir, key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
    },
  };
}
