import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * This instance's Prometheus metrics, served at `/metrics` (src/http/metrics.ts). One registry
 * per instance, built in the composition root: prom-client's global registry would make two
 * instances in one process (the multi-instance tests) count into, and collide on, the same
 * metrics.
 *
 * Cheap by design: events (claims, settlements, errors) are counted where they happen, with
 * one call each; figures that live elsewhere (queue depth, feeds, subscriptions) are read at
 * scrape time from sources registered with {@link Metrics.source}, each of which must be
 * in-memory or a small indexed read. Nothing here scans a large table.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly claims: Counter<"kind">;
  private readonly pickup: Histogram<"kind">;
  private readonly settlements: Counter<"kind" | "state">;
  private readonly requeued: Counter<"kind">;
  private readonly errors: Counter<"code">;
  private readonly ledgerResult: Gauge;
  private readonly ledgerAt: Gauge;
  private readonly ledgerProblems: Gauge;
  private readonly sources = new Map<string, Gauge<string>>();

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.claims = new Counter({
      name: "horde_claims_total",
      help: "Jobs claimed by workers (feed or pop), by kind",
      labelNames: ["kind"],
      registers,
    });
    this.pickup = new Histogram({
      name: "horde_pickup_latency_seconds",
      help: "Time from a job's creation to its claim by a worker, by kind (a re-queued job counts from its creation)",
      labelNames: ["kind"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200],
      registers,
    });
    this.settlements = new Counter({
      name: "horde_settlements_total",
      help: "Jobs settled by a worker's submit, by kind and submitted state (ok, censored, csam, faulted)",
      labelNames: ["kind", "state"],
      registers,
    });
    this.requeued = new Counter({
      name: "horde_jobs_requeued_total",
      help: "Jobs taken back from their worker because their time-to-live ran out, by kind",
      labelNames: ["kind"],
      registers,
    });
    this.errors = new Counter({
      name: "horde_errors_total",
      help: "Errors answered to clients, by stable code (typed mutation errors, GraphQL errors, HTTP refusals)",
      labelNames: ["code"],
      registers,
    });
    this.ledgerResult = new Gauge({
      name: "horde_ledger_check_ok",
      help: "Last kudos ledger check run by this instance: 1 held, 0 broken, -1 not run here yet (it runs hourly, on one instance)",
      registers,
    });
    this.ledgerResult.set(-1);
    this.ledgerAt = new Gauge({
      name: "horde_ledger_check_timestamp_seconds",
      help: "When this instance last ran the kudos ledger check (Unix seconds); 0: never",
      registers,
    });
    this.ledgerProblems = new Gauge({
      name: "horde_ledger_check_problems",
      help: "How many of the ledger check's rules failed at its last run on this instance",
      registers,
    });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts claimed jobs and observes each one's wait from creation to `now`. */
  claimed(kind: string, jobs: readonly { created_at?: Date | string | null }[], now: Date): void {
    if (jobs.length === 0) return;
    this.claims.inc({ kind }, jobs.length);
    for (const j of jobs) {
      if (!j.created_at) continue;
      const waited = (now.getTime() - new Date(j.created_at).getTime()) / 1000;
      if (Number.isFinite(waited)) this.pickup.observe({ kind }, Math.max(0, waited));
    }
  }

  /** Counts one job settled by its worker in `state`. */
  settled(kind: string, state: string): void {
    this.settlements.inc({ kind, state });
  }

  /** Counts jobs re-queued because their TTL ran out. */
  timedOut(kind: string, count: number): void {
    if (count > 0) this.requeued.inc({ kind }, count);
  }

  /** Counts one error answered with `code`. */
  error(code: string): void {
    this.errors.inc({ code: code.slice(0, 64) });
  }

  /** Records a ledger check's outcome. */
  ledgerChecked(report: { ok: boolean; problems: readonly string[] }, at: Date): void {
    this.ledgerResult.set(report.ok ? 1 : 0);
    this.ledgerAt.set(at.getTime() / 1000);
    this.ledgerProblems.set(report.problems.length);
  }

  /**
   * A gauge read at scrape time. `read` returns one value, or values by the label `label`; it
   * must be cheap (memory, or a small indexed read with its own caching). Registering a name
   * again replaces its reader, so a restarted app over the same dependencies does not collide.
   */
  source(
    name: string,
    help: string,
    read: () => number | Record<string, number> | Promise<number | Record<string, number>>,
    label?: string,
  ): void {
    const existing = this.sources.get(name);
    if (existing) this.registry.removeSingleMetric(name);
    const gauge = new Gauge<string>({
      name,
      help,
      labelNames: label ? [label] : [],
      registers: [this.registry],
      async collect() {
        const v = await read();
        this.reset();
        if (typeof v === "number") this.set(v);
        else for (const [k, n] of Object.entries(v)) this.set({ [label ?? "kind"]: k }, n);
      },
    });
    this.sources.set(name, gauge);
  }

  /** The text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
