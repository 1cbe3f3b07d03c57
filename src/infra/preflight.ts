import net from "node:net";
import type { Config } from "../config.ts";
import { checkBlobDir } from "./blobs.ts";
import { usableDir } from "./dirs.ts";
import { StartupError } from "./startup-error.ts";

/** Whether the port can be bound right now: a taken port is reported before the slow start-up. */
function probePort(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  if (port === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (err) => resolve(err as NodeJS.ErrnoException));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

/** Names the variable behind a failed listen(); other errors are returned as they are. */
export function listenError(err: NodeJS.ErrnoException, config: Pick<Config, "port" | "host">): Error {
  switch (err.code) {
    case "EADDRINUSE":
      return new StartupError("PORT", `port ${config.port} is already in use (on ${config.host})`);
    case "EACCES":
      return new StartupError("PORT", `not permitted to listen on ${config.host}:${config.port}`);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new StartupError("HOST", `cannot listen on ${config.host}: no such local address (${err.code})`);
    default:
      return err;
  }
}

/**
 * The checks that need no database driver and no schema, run first so that a wrong setting is
 * reported in a second rather than after the slow imports: DATA_DIR (when the embedded
 * database uses it), BLOB_DIR, the port, then Postgres if configured.
 */
export async function preflight(config: Config): Promise<void> {
  if (!config.databaseUrl) {
    try {
      usableDir(config.dataDir);
    } catch (err) {
      throw new StartupError("DATA_DIR", (err as Error).message);
    }
  }
  checkBlobDir(config.blobDir);
  const portError = await probePort(config.port, config.host);
  if (portError) throw listenError(portError, config);
  if (config.databaseUrl) {
    const { checkPostgres } = await import("./pg-check.ts");
    await checkPostgres(config.databaseUrl);
  }
}
