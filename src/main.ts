import { type Config, ConfigError, loadConfig } from "./config.ts";

/**
 * The entry point: `loadConfig → checks → createDeps → createApp().start()`; SIGTERM or SIGINT
 * stop it gracefully and exit 0. A bad setting prints one message naming the variable and exits
 * 2 before anything else is loaded. A start-up failure after that (database unreachable or
 * refusing the credentials, port in use, unusable DATA_DIR or BLOB_DIR, DATA_DIR locked by
 * another server) prints one line naming the variable and exits 1. A second signal while
 * stopping exits 1 at once.
 */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  // Loaded after the configuration is known to be good: the schema and the database drivers take
  // a second or two to import, which a typo in an environment variable should not have to wait for.
  const { StartupError } = await import("./infra/startup-error.ts");
  try {
    await start(config);
  } catch (err) {
    if (err instanceof StartupError) console.error(`Cannot start: ${err.message}`);
    // Anything else is unexpected: one line still, the stack only when asked for.
    else if (config.logLevel === "debug" || config.logLevel === "trace") console.error(err);
    else console.error(`Cannot start: ${(err as Error)?.message ?? String(err)} (LOG_LEVEL=debug shows more)`);
    process.exit(1);
  }
}

async function start(config: Config) {
  const { listenError, preflight } = await import("./infra/preflight.ts");
  await preflight(config);
  const { createApp } = await import("./app.ts");
  const { closeDeps, createDeps } = await import("./deps.ts");
  const { warmGraphiQL } = await import("./http/graphiql.ts");
  const { warmStatusPage } = await import("./http/status-page.ts");
  const deps = await createDeps(config);
  const app = createApp(deps);
  let url: string;
  try {
    ({ url } = await app.start());
  } catch (err) {
    await closeDeps(deps).catch(() => {});
    throw listenError(err as NodeJS.ErrnoException, config);
  }
  // Reading and compressing GraphiQL's assets takes a moment: do it before a browser asks.
  warmGraphiQL();
  warmStatusPage();
  deps.logger.info(
    {
      url,
      database: config.databaseUrl ? "postgres" : `pglite (${config.dataDir})`,
      pubsub: config.redisUrl ? "redis" : "in-process",
    },
    `Horde GraphQL listening: open ${url} for GraphiQL, ${url.replace(/graphql$/, "")} for the status page`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      deps.logger.warn({ signal }, "second signal while stopping: exiting now");
      process.exit(1);
    }
    stopping = true;
    deps.logger.info({ signal }, "stopping");
    try {
      await app.stop();
      await closeDeps(deps);
    } catch (err) {
      deps.logger.error({ err }, "error while stopping");
      process.exit(1);
    }
    deps.logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  console.error(`Cannot start: ${String(err)}`);
  process.exit(1);
});
