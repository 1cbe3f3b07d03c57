/**
 * Pure rules of the horde-wide statistics.
 */

/** What a model's ETA is computed from. */
export interface EtaInput {
  /** Megapixelsteps waiting for the model. */
  queued: number;
  /** Jobs waiting for the model. */
  jobs: number;
  /** Threads of the active (online, not in maintenance, not paused) workers serving it. */
  threads: number;
  /** Megapixelsteps per second one thread does on it. */
  perThread: number | null;
}

/**
 * Seconds until the model's waiting jobs are done, after the AI Horde's wait-time estimate
 * (§3.14): the work ahead over the speed of one thread times the threads that can work on it at
 * once, `queued / (perThread × min(threads, jobs))`, rounded up. 0 when nothing waits; null when
 * no active worker serves the model or its speed is unknown (it cannot be estimated).
 */
export function modelEta(a: EtaInput): number | null {
  if (a.jobs <= 0 || a.queued <= 0) return 0;
  if (a.threads <= 0 || !a.perThread || a.perThread <= 0) return null;
  return Math.ceil(a.queued / (a.perThread * Math.min(a.threads, a.jobs)));
}

/**
 * A model's speed per thread, megapixelsteps per second: the average of its jobs in the last
 * hour (AI Horde `performance`), else the average speed of the workers serving it now (which
 * starts at the AI Horde's 1 megapixelstep per second baseline), else null.
 */
export function perThreadSpeed(hourPerformance: number | null, workerSpeed: number | null): number | null {
  if (hourPerformance !== null && hourPerformance > 0) return hourPerformance / 1e6;
  if (workerSpeed !== null && workerSpeed > 0) return workerSpeed / 1e6;
  return null;
}
