import { ConfigError, loadConfig } from "./config.ts";

/**
 * The entry point: `loadConfig → createDeps → createApp().start()`; SIGTERM or SIGINT stop it
 * gracefully and exit 0. A bad setting prints one message naming the variable and exits 2
 * before anything else is loaded; a second signal while stopping exits 1 at once.
 */
async function main() {
  let config: ReturnType<typeof loadConfig>;
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
  const { createApp } = await import("./app.ts");
  const { closeDeps, createDeps } = await import("./deps.ts");
  const deps = await createDeps(config);
  const app = createApp(deps);
  const { url } = await app.start();
  deps.logger.info(
    {
      url,
      database: config.databaseUrl ? "postgres" : `pglite (${config.dataDir})`,
      pubsub: config.redisUrl ? "redis" : "in-process",
    },
    `Horde GraphQL listening: open ${url} for GraphiQL`,
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
  console.error(err);
  process.exit(1);
});
