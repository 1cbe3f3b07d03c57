/**
 * `npm run dataset:export [-- <file>]`: writes the ratings dataset as JSON Lines (one shared image
 * a line: prompt, parameters, model, image URL, counted ratings) to the file, or to stdout.
 * Reads DATABASE_URL, else the embedded database in DATA_DIR (stop the server first: only one
 * process may open it). Image URLs start with PUBLIC_URL (else http://localhost:PORT).
 */
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { loadConfig } from "../src/config.ts";
import { connectPostgres, openPglite } from "../src/infra/db.ts";
import { exportDataset } from "../src/modules/ratings/ratings.service.ts";

const config = loadConfig();
const db = config.databaseUrl ? connectPostgres(config.databaseUrl, 2) : await openPglite(`${config.dataDir}/pglite`);
const file = process.argv[2];
const out: Writable = file ? createWriteStream(file) : process.stdout;
const baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;
try {
  const lines = await exportDataset({ db }, baseUrl, async (chunk) => {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  });
  if (file)
    await new Promise<void>((resolve, reject) =>
      (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  console.error(`dataset: ${lines} images exported${file ? ` to ${file}` : ""}`);
} finally {
  await db.close();
}
