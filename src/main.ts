import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { closeDeps, createDeps } from "./deps.ts";

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
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, "stopping");
    await app.stop();
    await closeDeps(deps);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
