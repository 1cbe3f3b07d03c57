import type { Config } from "./config.ts";
import { type BlobStore, createLocalBlobStore } from "./infra/blobs.ts";
import { type Clock, systemClock } from "./infra/clock.ts";
import { connectPostgres, type Db, openPglite } from "./infra/db.ts";
import { createLogger, type Logger } from "./infra/logger.ts";
import { Metrics } from "./infra/metrics.ts";
import { migrate } from "./infra/migrate.ts";
import { type Bus, createLocalBus, createRedisBus } from "./infra/pubsub.ts";
import { FeedHub } from "./modules/jobs/jobs.feed.ts";
import { createModelCatalog, type ModelCatalogHolder, syncModelReference } from "./modules/models/models.service.ts";
import { RequestWatchHub } from "./modules/requests/requests.watch.ts";
import { HordeStatusHub } from "./modules/stats/horde-status.hub.ts";

/**
 * Everything with IO, and every object that lives as long as the instance, created in one place
 * and handed to the app and the services. Nothing per instance hides in a module-level variable:
 * two instances in one process (the multi-instance tests) share nothing but what they are given.
 */
export interface Deps {
  config: Config;
  db: Db;
  bus: Bus;
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
  /** The image models this instance knows; replaced whole by each model-reference sync. */
  catalog: ModelCatalogHolder;
  /** This instance's worker feeds, and whom a wake-up reaches. */
  feeds: FeedHub;
  /** This instance's `imageRequestUpdated` watchers, by request. */
  watches: RequestWatchHub;
  /** This instance's Prometheus metrics (its own registry; served at `/metrics`). */
  metrics: Metrics;
  /** This instance's `hordeStatusUpdated` source: one timer while anyone subscribes. */
  hordeStatus: HordeStatusHub;
}

/**
 * How long start-up waits for Redis before going on without it. Redis only carries wake-ups
 * between instances: without it an instance serves its own clients and workers, hears its own
 * events, and the sweep covers what the others do; it connects when Redis comes.
 */
const REDIS_START_WAIT_MS = 3_000;

/** The composition root: connects the database (migrating it), pub/sub and the blob store. */
export async function createDeps(
  config: Config,
  overrides: Partial<Pick<Deps, "db" | "clock" | "logger" | "bus">> = {},
): Promise<Deps> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const db =
    overrides.db ??
    (config.databaseUrl
      ? connectPostgres(config.databaseUrl, config.databasePoolSize, (err) =>
          logger.warn({ err: err.message }, "postgres: an idle pooled connection failed; the pool replaces it"),
        )
      : await openPglite(`${config.dataDir}/pglite`));
  if (!overrides.db) {
    const { applied } = await migrate(db);
    if (applied.length) logger.info({ applied }, "migrations applied");
  }
  const bus =
    overrides.bus ?? (config.redisUrl ? redisBus(config.redisUrl, config.redisPrefix, logger) : createLocalBus());
  await waitForBus(bus, logger);
  // The hub subscribes to the bus and claims through the services, which take the whole Deps:
  // it is built from the object it belongs to, the one step that needs a placeholder.
  const deps: Deps = {
    config,
    db,
    bus,
    blobs: createLocalBlobStore(config.blobDir),
    clock: overrides.clock ?? systemClock,
    logger,
    catalog: createModelCatalog(),
    feeds: undefined as unknown as FeedHub,
    watches: new RequestWatchHub({ bus }),
    metrics: new Metrics(),
    hordeStatus: new HordeStatusHub({ db, clock: overrides.clock ?? systemClock, logger }),
  };
  deps.feeds = new FeedHub(deps);
  await syncModelReference(deps);
  return deps;
}

/** The Redis bus, its connection's ups and downs logged. */
function redisBus(url: string, prefix: string, logger: Logger): Bus {
  return createRedisBus(url, prefix, (err) => logger.warn({ err: err.message }, "redis error"), {
    onConnected: () => logger.info("redis: connected; events reach the other instances and theirs reach this one"),
    onLost: () =>
      logger.warn("redis: connection lost; reconnecting. Meanwhile other instances are covered by the sweep"),
    onDropped: (count) => logger.warn({ count }, "redis: events not sent to other instances while Redis was away"),
  });
}

/**
 * Waits a little for Redis, then starts without it (ioredis keeps trying in the background):
 * an unreachable Redis must not hold the instance's start for ever.
 */
async function waitForBus(bus: Bus, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const up = await Promise.race([
    bus.ready().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), REDIS_START_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!up) {
    logger.warn(
      { waitedMs: REDIS_START_WAIT_MS },
      "redis: unreachable at start; starting without it and connecting when it comes. Until then other instances' events reach this one only through the sweep",
    );
  }
}

/** Closes what createDeps opened. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.bus.close();
  await deps.db.close();
}
