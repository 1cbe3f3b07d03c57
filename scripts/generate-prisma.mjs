// Runs `prisma generate` offline. The Prisma CLI insists on a native schema engine it would
// download; generate does not use it (it uses bundled WebAssembly), so any existing file will do.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

if (!existsSync("node_modules/prisma")) process.exit(0); // installed as someone else's dependency
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  PATH: `${path.resolve("node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}`,
};
const r = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
