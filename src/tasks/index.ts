import type { Deps } from "../deps.ts";
import { afterReleased, takeBackExpiredJobs } from "../modules/jobs/jobs.service.ts";
import { checkLedgerInvariant, type InvariantReport } from "../modules/kudos/kudos.invariant.ts";
import { rewardUptime } from "../modules/kudos/kudos.service.ts";
import { syncModelReference } from "../modules/models/models.service.ts";
import { expireRequests } from "../modules/requests/requests.sql.ts";
import { RETENTION_BATCH, type RetentionBatch, retentionBatch } from "../modules/retention/retention.service.ts";
import { forgetOldDecoys } from "../modules/trust/decoys.service.ts";
import { uptimeEscrowOf } from "../modules/trust/escrow.rules.ts";
import { checkAutoTrust } from "../modules/trust/roles.service.ts";
import { exclusive } from "./lock.ts";
import { ROLLUP_INTERVAL_MS, rollUpStats } from "./stats-rollup.ts";

/** Background sweeps of this instance. */
export interface Tasks {
  /** Runs every sweep once now (tests call it instead of waiting for the timers). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

// Advisory lock keys (namespace 2) of the sweeps that must run once across instances.
const LOCKS = { requeue: 1, expire: 2, uptime: 3, audit: 4, retention: 51 } as const;

/** How often uptime is counted: well under the 300 s a worker stays online unseen. */
const UPTIME_SWEEP_MS = 60_000;
/**
 * How often retention runs. Its window is at least 60 s, so a minute's lateness is within its
 * precision, and seeing which requests ended probes every live request (retention.sql.ts).
 */
const RETENTION_SWEEP_MS = 60_000;
/** Batches one retention sweep runs at most, so a backlog is worked off over several sweeps. */
const RETENTION_MAX_BATCHES = 50;

/** How often the whole ledger is audited (it reads every row). */
const AUDIT_MS = 3_600_000;

/** Re-queues jobs whose TTL ran out, then faults, wakes and tells as {@link afterReleased} says. */
export async function sweepExpiredJobs(deps: Deps): Promise<number> {
  const released = await exclusive(deps, LOCKS.requeue, (sql) => takeBackExpiredJobs(sql, deps.clock.now()));
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

/**
 * Counts workers' uptime and pays each 10 minutes online once, whichever instance runs it. An
 * untrusted owner's reward goes to escrow; the automatic trust check then runs for those owners
 * (after the payment committed, as after a settlement).
 */
export async function sweepUptime(deps: Deps): Promise<{ workers: number; kudos: number }> {
  const paid = await exclusive(deps, LOCKS.uptime, (sql) => rewardUptime(sql, deps.clock.now(), uptimeEscrowOf));
  for (const userId of paid?.escrowed ?? []) {
    await checkAutoTrust(deps, userId).catch((err) =>
      deps.logger.error({ err, user: userId }, "automatic trust check after uptime failed"),
    );
  }
  return paid ? { workers: paid.workers, kudos: paid.kudos } : { workers: 0, kudos: 0 };
}

/**
 * Retention: stamps requests that ended (copying shared generations into the ratings dataset)
 * and blanks those whose window is over, deleting their blobs, batch by batch under the
 * retention lock until nothing is left or another instance holds it.
 */
export async function sweepRetention(deps: Deps): Promise<RetentionBatch> {
  const total: RetentionBatch = { ended: 0, collected: 0, purged: 0, blobs: 0 };
  for (let i = 0; i < RETENTION_MAX_BATCHES; i++) {
    const b = await exclusive(deps, LOCKS.retention, (sql) => retentionBatch(deps, sql, deps.clock.now()));
    if (!b) break;
    total.ended += b.ended;
    total.collected += b.collected;
    total.purged += b.purged;
    total.blobs += b.blobs;
    if (b.ended < RETENTION_BATCH && b.purged < RETENTION_BATCH) break;
  }
  return total;
}

/** Checks the kudos ledger invariant and logs an error when it fails; null when another instance is at it. */
export async function auditLedger(deps: Deps): Promise<InvariantReport | null> {
  const report = await exclusive(deps, LOCKS.audit, (sql) => checkLedgerInvariant(sql));
  if (report) deps.metrics.ledgerChecked(report, deps.clock.now());
  if (report && !report.ok) deps.logger.error({ report }, "kudos ledger invariant broken");
  return report;
}

/** Starts every background task; stop() waits for a sweep in progress to finish. */
export function startTasks(deps: Deps): Tasks {
  const hub = deps.feeds;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let outagesSeen = deps.bus.outages;
  let wasConnected = deps.bus.connected;
  const sweep = async () => {
    await sweepExpiredJobs(deps);
    await sweepExpiredRequests(deps);
    await hub.sweep();
    // Changes made on other instances while Redis was away (now, since the last sweep, or until
    // it came back) never reached this instance's watchers: each re-reads its request.
    const { connected, outages } = deps.bus;
    if (!connected || !wasConnected || outages !== outagesSeen) deps.watches.checkAll();
    wasConnected = connected;
    outagesSeen = outages;
  };
  const runOnce = async () => {
    await sweep();
    await sweepUptime(deps);
    await sweepRetention(deps);
  };
  const guard = (name: string, fn: () => Promise<unknown>) => () => {
    if (stopped) return;
    running = running
      .then(fn)
      .then(() => undefined)
      .catch((err) => deps.logger.warn({ err: (err as Error).message, task: name }, "background task failed"));
  };
  const timers = [
    setInterval(guard("sweep", sweep), deps.config.sweepIntervalMs),
    setInterval(
      guard("uptime", () => sweepUptime(deps)),
      UPTIME_SWEEP_MS,
    ),
    setInterval(
      guard("retention", () => sweepRetention(deps)),
      RETENTION_SWEEP_MS,
    ),
    setInterval(
      guard("audit", () => auditLedger(deps)),
      AUDIT_MS,
    ),
    setInterval(
      guard("heartbeat", () => hub.heartbeat()),
      60_000,
    ),
    setInterval(
      guard("stats", () => rollUpStats(deps)),
      ROLLUP_INTERVAL_MS,
    ),
    setInterval(
      guard("models", () => syncModelReference(deps)),
      3_600_000,
    ),
    // trust: decoys handed to paused workers are forgotten a day later (their ttl is long over)
    setInterval(
      guard("decoys", () => forgetOldDecoys(deps)),
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
