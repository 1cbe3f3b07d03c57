import type { Config } from "./config.ts";
import { type BlobStore, createLocalBlobStore } from "./infra/blobs.ts";
import { type Clock, systemClock } from "./infra/clock.ts";
import { connectPostgres, type Db, openPglite } from "./infra/db.ts";
import { createLogger, type Logger } from "./infra/logger.ts";
import { migrate } from "./infra/migrate.ts";
import { type Bus, createLocalBus, createRedisBus } from "./infra/pubsub.ts";
import { syncModelReference } from "./modules/models/models.service.ts";

/** Everything with IO, created in one place and handed to the app and the services. */
export interface Deps {
  config: Config;
  db: Db;
  bus: Bus;
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
}

/** The composition root: connects the database (migrating it), pub/sub and the blob store. */
export async function createDeps(
  config: Config,
  overrides: Partial<Pick<Deps, "db" | "clock" | "logger" | "bus">> = {},
): Promise<Deps> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const db =
    overrides.db ??
    (config.databaseUrl
      ? connectPostgres(config.databaseUrl, config.databasePoolSize)
      : await openPglite(`${config.dataDir}/pglite`));
  if (!overrides.db) {
    const { applied } = await migrate(db);
    if (applied.length) logger.info({ applied }, "migrations applied");
  }
  const bus =
    overrides.bus ??
    (config.redisUrl
      ? createRedisBus(config.redisUrl, config.redisPrefix, (err) => logger.warn({ err: err.message }, "redis error"))
      : createLocalBus());
  await bus.ready();
  const deps: Deps = {
    config,
    db,
    bus,
    blobs: createLocalBlobStore(config.blobDir),
    clock: overrides.clock ?? systemClock,
    logger,
  };
  await syncModelReference(deps);
  return deps;
}

/** Closes what createDeps opened. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.bus.close();
  await deps.db.close();
}
