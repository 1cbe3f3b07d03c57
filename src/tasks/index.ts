import type { Deps } from "../deps.ts";
import type { Sql } from "../infra/db.ts";
import { feedHub } from "../modules/jobs/jobs.feed.ts";
import { afterReleased } from "../modules/jobs/jobs.service.ts";
import { requeueExpiredJobs } from "../modules/jobs/jobs.sql.ts";
import { syncModelReference } from "../modules/models/models.service.ts";
import { expireRequests } from "../modules/requests/requests.sql.ts";

/** Background sweeps of this instance. */
export interface Tasks {
  /** Runs every sweep once now (tests call it instead of waiting for the timers). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

// Advisory lock keys (namespace 2) of the sweeps that must run once across instances.
const LOCKS = { requeue: 1, expire: 2 } as const;

/**
 * Runs `fn` in a transaction holding a transaction-scoped advisory lock, or skips it when
 * another instance holds the lock: N instances do each shared sweep once per interval.
 */
async function exclusive<T>(deps: Deps, key: number, fn: (sql: Sql) => Promise<T>): Promise<T | null> {
  return deps.db.tx(async (sql) => {
    const rows = await sql.query<{ got: boolean }>("SELECT pg_try_advisory_xact_lock(2, $1) AS got", [key]);
    return rows[0]?.got ? fn(sql) : null;
  });
}

/** Re-queues jobs whose TTL ran out, then faults, wakes and tells as {@link afterReleased} says. */
export async function sweepExpiredJobs(deps: Deps): Promise<number> {
  const released = await exclusive(deps, LOCKS.requeue, (sql) => requeueExpiredJobs(sql, deps.clock.now()));
  if (!released?.length) return 0;
  await afterReleased(deps, released);
  return released.length;
}

/** Expires requests with no progress for REQUEST_EXPIRY_SECONDS. */
export async function sweepExpiredRequests(deps: Deps): Promise<number> {
  const ids = (await exclusive(deps, LOCKS.expire, (sql) => expireRequests(sql, deps.clock.now()))) ?? [];
  for (const id of ids) deps.bus.publish("requestChanged", { id, ended: true });
  return ids.length;
}

/** Starts every background task; stop() waits for a sweep in progress to finish. */
export function startTasks(deps: Deps): Tasks {
  const hub = feedHub(deps);
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const runOnce = async () => {
    await sweepExpiredJobs(deps);
    await sweepExpiredRequests(deps);
    await hub.sweep();
  };
  const guard = (name: string, fn: () => Promise<unknown>) => () => {
    if (stopped) return;
    running = running
      .then(fn)
      .then(() => undefined)
      .catch((err) => deps.logger.warn({ err: (err as Error).message, task: name }, "background task failed"));
  };
  const timers = [
    setInterval(guard("sweep", runOnce), deps.config.sweepIntervalMs),
    setInterval(
      guard("heartbeat", () => hub.heartbeat()),
      60_000,
    ),
    setInterval(
      guard("models", () => syncModelReference(deps)),
      3_600_000,
    ),
  ];
  for (const t of timers) t.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await running;
    },
  };
}
