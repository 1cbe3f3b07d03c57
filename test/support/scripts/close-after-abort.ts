/**
 * Run by test/integration/server/shutdown.test.ts in a child process, because the failure it
 * guards against blocks the event loop: a client abandons a request, the app stops, and the
 * database closes while the abandoned statement may still be running. Prints each stage, the last
 * being "closed", and exits 0. Argument: the PGlite snapshot to start from.
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import { createApp } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createDeps } from "../../../src/deps.ts";
import { openPglite } from "../../../src/infra/db.ts";

const snapshot = process.argv[2];
if (!snapshot) throw new Error("usage: close-after-abort.ts <pglite snapshot>");
const db = await openPglite("memory://", new Blob([readFileSync(snapshot)]));
const deps = await createDeps(loadConfig({ LOG_LEVEL: "silent", DATA_DIR: "/tmp/horde-close-after-abort" }), { db });
const app = createApp(deps, { tasks: false });
const { port } = await app.start(0, "127.0.0.1");
console.log("started");

const body = JSON.stringify({ query: "{ me { id username kudos } }" });
await new Promise<void>((resolve, reject) => {
  const socket = net.connect(port, "127.0.0.1", () => {
    // Half-closing right after the request makes the server abort it while it runs.
    socket.end(
      `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        `content-length: ${body.length}\r\n\r\n${body}`,
    );
  });
  socket.on("error", reject);
  socket.on("close", () => resolve());
  socket.resume();
});
console.log("abandoned");
await app.stop();
await deps.bus.close();
console.log("stopped");
await db.close();
console.log("closed");
process.exit(0);
