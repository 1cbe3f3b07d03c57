import type { Deps } from "../../deps.ts";
import type { WakeHint } from "../../infra/pubsub.ts";
import { handDecoy } from "../trust/decoys.service.ts";
import { checkedInWorkers, markCheckedIn } from "../workers/workers.service.ts";
import type { CheckedInWorker } from "../workers/workers.sql.ts";
import { heldJobsByWorker } from "./jobs.feed.sql.ts";
import { claimFor } from "./jobs.service.ts";
import { type ClaimedJob, outstandingJobs, requestsWithWaitingJobs, unclaimJobs } from "./jobs.sql.ts";
import { kindOf, type WorkerDeclaration } from "./kinds.ts";

/**
 * Worker feeds, for every kind: each `imageJobAssigned` (`textJobAssigned`, `alchemyJobAssigned`)
 * subscription is a {@link Feed} that claims a job when it
 * has a free slot and something may fit, and otherwise sleeps. The {@link FeedHub} of an
 * instance decides whom to wake:
 *
 * - a new request (or a released job) wakes at most as many parked feeds as it has jobs, in the
 *   order they parked, choosing only feeds of the request's kind whose declaration could fit
 *   (the kind's guess: models, size, nsfw);
 *   the claim's SQL decides for real. A woken feed that claims nothing hands the wake-up on to
 *   the next candidate, so a job is not stranded by a feed the hint misjudged;
 * - a feed woken by the first announcement since it parked has one new candidate, that request
 *   (its last claim found nothing it could take, and anything that came since was announced): it
 *   tries that request's jobs first, a claim without the walk over the queue, and claims as
 *   usual if that finds nothing. Announcements are numbered ({@link FeedHub.wake}) so a feed
 *   knows whether it was the first; the sweep's are never taken as the only one, and a Redis
 *   outage counts as one (docs/PROTOCOL.md, "Which jobs a worker gets");
 * - a change to what a user's workers may take (maintenance, a moderator's pause, the owner's
 *   roles: `workersChanged`) makes their feeds re-read their workers and walk the queue; the
 *   sweep re-reads every feed's worker too, for the changes with no event;
 * - a submit or a TTL re-queue frees a slot of that worker's feed;
 * - a slow sweep (tasks/) checks every feed's count of its worker's jobs against the database
 *   (finding a slot freed without a word: an event lost with Redis, a submit on another
 *   instance) and re-announces requests that still have waiting jobs, covering a lost wake-up.
 *   It runs on a timer, whatever Redis does, so a job reaches a fitting feed within one
 *   SWEEP_INTERVAL_MS even with no events at all.
 *
 * With several instances each instance wakes its own feeds; SKIP LOCKED makes the claims
 * exactly-once. One hub per instance, built in the composition root (Deps.feeds).
 */
export class FeedHub {
  /** Announcements heard so far (new requests, released jobs, the sweep's), numbering them. */
  private announced = 0;
  /** The bus's outages when last looked at ({@link announce}). */
  private outagesSeen = 0;
  /** Reads of feeds' workers started so far ({@link refreshWorkers}). */
  private reads = 0;
  private parked = new Set<Feed>();
  private feeds = new Set<Feed>();
  private byWorker = new Map<string, Set<Feed>>();

  constructor(private readonly deps: Deps) {
    deps.bus.subscribe("jobsAvailable", (hint) => this.wake(hint, new Set(), this.announce()));
    deps.bus.subscribe("workerSlotFreed", ({ workerId, jobIds }) => {
      for (const f of this.byWorker.get(workerId) ?? []) f.release(jobIds);
    });
    deps.bus.subscribe("workersChanged", ({ userId }) => {
      this.refreshWorkersOf(userId).catch(() => {});
    });
  }

  /**
   * A user's workers changed what they may take (maintenance, a pause, the owner's roles): their
   * feeds here re-read their workers (the cheap guesses and the decoy decision read them) and
   * walk the queue, which may hold requests no announcement will bring them.
   */
  private async refreshWorkersOf(userId: number): Promise<void> {
    const ids = [...this.byWorker]
      .filter(([, feeds]) => [...feeds].some((f) => f.ownerId === userId))
      .map(([id]) => id);
    await this.refreshWorkers(ids, () => true);
  }

  /**
   * Reads these workers and hands each of their feeds here the row, when `changed` says it
   * differs from the feed's. Reads are numbered: a feed never takes a row read before one it
   * already has (two changes in a row, read back in the other order), nor one read before the
   * feed opened. A failed read is logged: the sweep reads again.
   */
  private async refreshWorkers(ids: string[], changed: (f: Feed, w: CheckedInWorker) => boolean): Promise<void> {
    if (ids.length === 0) return;
    const read = ++this.reads;
    let rows: CheckedInWorker[];
    try {
      rows = await checkedInWorkers(this.deps, ids);
    } catch (err) {
      this.deps.logger.warn({ err: String(err) }, "feeds: could not re-read their workers");
      return;
    }
    for (const w of rows) for (const f of this.byWorker.get(w.id) ?? []) if (changed(f, w)) f.refresh(w, read);
  }

  /** Numbers the reads of workers (refreshWorkers): a feed opened now has seen every one so far. */
  get readsSoFar(): number {
    return this.reads;
  }

  /** Live feeds on this instance. */
  get size(): number {
    return this.feeds.size;
  }

  get parkedCount(): number {
    return this.parked.size;
  }

  register(f: Feed): void {
    this.feeds.add(f);
    let set = this.byWorker.get(f.workerId);
    if (!set) {
      set = new Set();
      this.byWorker.set(f.workerId, set);
    }
    set.add(f);
  }

  unregister(f: Feed): void {
    this.feeds.delete(f);
    this.parked.delete(f);
    const set = this.byWorker.get(f.workerId);
    set?.delete(f);
    if (set?.size === 0) this.byWorker.delete(f.workerId);
  }

  /**
   * Parks a feed until an announcement or a release wakes it, and returns the number of the last
   * announcement so far: one woken by the next ({@link announce}) knows that nothing else came.
   */
  park(f: Feed): number {
    this.parked.add(f);
    return this.announced;
  }

  /**
   * Numbers a new announcement. Announcements other instances made while Redis was away were
   * never heard: an outage since the last one, or a bus that is down now, counts as one more, so
   * no feed takes the next for the only one since it parked.
   */
  private announce(): number {
    const bus = this.deps.bus;
    if (bus.outages !== this.outagesSeen || !bus.connected) {
      this.outagesSeen = bus.outages;
      this.announced++;
    }
    return ++this.announced;
  }

  unpark(f: Feed): void {
    this.parked.delete(f);
  }

  /**
   * Wakes up to `hint.count` parked feeds that could take the request's jobs, skipping those
   * already tried for this hint. When not enough parked feeds fit, busy feeds that fit are told
   * to look again before they sleep, so a request that arrives during their claim is not missed.
   * `seq`: the announcement's number (a wake-up handed on keeps it); 0 never counts as the only
   * announcement since a feed parked.
   */
  wake(hint: WakeHint, tried: Set<Feed>, seq: number): void {
    let n = hint.count;
    for (const f of this.parked) {
      if (n <= 0) return;
      if (tried.has(f) || !f.mightTake(hint)) continue;
      this.parked.delete(f);
      f.poke(hint, tried, seq);
      n--;
    }
    if (n <= 0) return;
    for (const f of this.feeds) {
      if (!this.parked.has(f) && !tried.has(f) && f.mightTake(hint)) f.lookAgain();
    }
  }

  /**
   * Opens a worker's feed (any kind, its declaration checked and the worker checked in by its
   * kind's module): the jobs it already holds count against its limit. On the hub so that every
   * kind's module opens feeds through `deps.feeds`, not through this file.
   */
  open(worker: CheckedInWorker, declaration: WorkerDeclaration, signal?: AbortSignal): Promise<Feed> {
    return new Feed(this.deps, this, worker, declaration, signal).init();
  }

  /** Marks every worker with a live feed here as checked in (one statement). */
  async heartbeat(): Promise<void> {
    await markCheckedIn(this.deps, [...this.byWorker.keys()]);
  }

  /**
   * The safety net: lets every feed recount its worker's jobs against the database, then
   * re-announces requests with waiting jobs when feeds are parked.
   */
  async sweep(): Promise<void> {
    await this.recount();
    // a change whose workersChanged was lost (Redis) or never sent (suspicion's pause, the
    // automatic maintenance of a worker that drops jobs) is seen here
    await this.refreshWorkers([...this.byWorker.keys()], (f, w) => f.differsFrom(w));
    if (this.parked.size === 0) return;
    const rows = await requestsWithWaitingJobs(this.deps.db, this.deps.clock.now());
    // The sweep re-announces what may have been missed: not new requests, so a feed it wakes
    // walks the queue (seq 0), and one that parked before it no longer takes the next
    // announcement for the only one.
    if (rows.length > 0) this.announce();
    for (const r of rows) {
      this.wake(
        {
          kind: r.kind,
          requestId: r.id,
          count: r.count,
          models: r.models,
          pixels: r.pixels,
          nsfw: r.nsfw,
          userId: r.user_id,
        },
        new Set(),
        0,
      );
    }
  }

  /**
   * One statement for all feeds: what each worker holds, as the database says. A feed whose own
   * count differs looks again (and recounts itself), so a slot freed by an event that never
   * came, or taken by the worker's HTTP pop, is seen within one sweep.
   */
  private async recount(): Promise<void> {
    if (this.byWorker.size === 0) return;
    const held = await heldJobsByWorker(this.deps.db, [...this.byWorker.keys()]);
    for (const [workerId, feeds] of this.byWorker) {
      const ids = held.get(workerId) ?? [];
      for (const f of feeds) f.reconcile(ids);
    }
  }
}

/** This instance's feed hub (the tests' way to watch feeds park and close). */
export function feedHub(deps: Pick<Deps, "feeds">): FeedHub {
  return deps.feeds;
}

const DONE = { value: undefined, done: true } as const;

/**
 * One worker's subscription. A plain async iterator rather than an async generator: graphql-ws
 * calls `return()` when the client leaves, and a generator suspended in an `await` would only
 * see that after its next wake-up; here `return()` closes the feed at once, and a claim that was
 * in flight when the client left is handed straight back to the queue.
 */
export class Feed implements AsyncIterableIterator<ClaimedJob> {
  private outstanding = new Set<string>();
  private ready: ClaimedJob[] = [];
  private closed = false;
  private signalled = true;
  private hint: { hint: WakeHint; tried: Set<Feed>; seq: number } | null = null;
  /** The hub's last announcement when this feed parked (FeedHub.park). */
  private parkedAfter = -1;
  /** The read its worker row came from (FeedHub.refreshWorkers); a feed opens with every read so far. */
  private workerRead: number;
  private wakeUp: (() => void) | null = null;
  private failures = 0;
  /** A claim of this feed is in flight. */
  private claiming = false;
  /** Its last claim left the worker with no room: any release of the worker's jobs is news. */
  private atLimit = false;
  private readonly onAbort = () => void this.close();

  constructor(
    private readonly deps: Deps,
    private readonly hub: FeedHub,
    private worker: CheckedInWorker,
    private readonly declaration: WorkerDeclaration,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener("abort", this.onAbort, { once: true });
    this.workerRead = hub.readsSoFar;
    hub.register(this);
  }

  get workerId(): string {
    return this.worker.id;
  }

  get ownerId(): number {
    return this.worker.user_id;
  }

  /**
   * Its worker as the database has it now, from read number `read` ({@link FeedHub}'s
   * `workersChanged` and sweep): look again. A read older than the row this feed has is dropped.
   */
  refresh(w: CheckedInWorker, read: number): void {
    if (this.closed || read <= this.workerRead) return;
    this.workerRead = read;
    this.worker = w;
    this.atLimit = false;
    this.lookAgain();
  }

  /** Whether what its worker may take differs from this feed's row of it. */
  differsFrom(w: CheckedInWorker): boolean {
    const mine = this.worker;
    return mine.maintenance !== w.maintenance || mine.paused !== w.paused || mine.extra_slow !== w.extra_slow;
  }

  /**
   * Counts the jobs this worker already holds (a reconnect) against its limit. If that fails the
   * feed closes before failing: no iterator exists to close it later, and a feed left registered
   * would keep its worker checked in (online) for ever.
   */
  async init(): Promise<this> {
    try {
      for (const id of await outstandingJobs(this.deps.db, this.worker.id)) this.outstanding.add(id);
    } catch (err) {
      await this.close();
      throw err;
    }
    return this;
  }

  private get slots(): number {
    return this.declaration.maxConcurrentJobs - this.outstanding.size;
  }

  /** A cheap guess from the hint; the claim's SQL has the last word. */
  mightTake(h: WakeHint): boolean {
    if (this.closed || this.slots <= 0 || this.atLimit) return false;
    if (this.worker.maintenance && h.userId !== this.worker.user_id) return false;
    return kindOf(this.declaration.kind).mightTake(this.declaration, h);
  }

  poke(hint: WakeHint, tried: Set<Feed>, seq: number): void {
    this.hint = { hint, tried, seq };
    this.lookAgain();
  }

  lookAgain(): void {
    this.signalled = true;
    this.wakeUp?.();
  }

  /**
   * Jobs of this worker were settled or taken back: their slots are free again. Jobs this feed
   * did not claim (an HTTP pop of the same worker, another feed) count too when its last claim
   * found the worker at its limit: one of them freed the room that claim lacked.
   */
  release(jobIds: string[]): void {
    let freed = false;
    for (const id of jobIds) freed = this.outstanding.delete(id) || freed;
    if (!freed && !this.atLimit) return;
    // Room again, as far as this feed knows: until its next claim says otherwise it must hear
    // wake-ups, or one that arrives while that claim is in flight would be lost.
    this.atLimit = false;
    this.lookAgain();
  }

  /**
   * The sweep's reading of the jobs this worker holds, as the database says (its HTTP pops and
   * its feeds elsewhere included). Any difference from ours: take the database's, and look
   * again. This is what corrects a release that was never heard (a lost event, a submit on
   * another instance), so the feed does not re-read its jobs before every claim; the claim's
   * SQL enforces the limit whatever the feed believes. Skipped while a claim is in flight, whose
   * jobs the reading may predate.
   */
  reconcile(held: string[]): void {
    if (this.closed) return;
    if (held.length === this.outstanding.size && held.every((id) => this.outstanding.has(id))) return;
    if (!this.claiming) this.outstanding = new Set(held);
    this.atLimit = false;
    this.lookAgain();
  }

  async next(): Promise<IteratorResult<ClaimedJob>> {
    for (;;) {
      if (this.closed) return DONE;
      const job = this.ready.shift();
      if (job) return { value: job, done: false };
      if (this.signalled) {
        this.signalled = false;
        const woken = this.hint;
        this.hint = null;
        this.hub.unpark(this);
        // the first announcement since this feed parked: that request is the one new candidate
        const only = woken && woken.seq > 0 && woken.seq === this.parkedAfter + 1 ? woken.hint.requestId : undefined;
        this.parkedAfter = -1;
        let jobs: ClaimedJob[];
        let more: boolean;
        try {
          ({ jobs, more } = await this.claim(only));
          this.failures = 0;
        } catch (err) {
          // A database hiccup must not end the worker's subscription: back off and retry.
          this.failures++;
          this.deps.logger.warn({ err: (err as Error).message, worker: this.worker.id }, "feed claim failed");
          await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** this.failures, 10_000)).unref());
          this.signalled = true;
          this.hint ??= woken;
          continue;
        }
        if (this.closed) {
          await this.giveBack(jobs);
          return DONE;
        }
        if (jobs.length > 0) {
          for (const j of jobs) this.outstanding.add(j.id);
          this.ready.push(...jobs);
          if (more) this.signalled = true; // there may be more where these came from
          continue;
        }
        if (woken) {
          woken.tried.add(this);
          this.hub.wake({ ...woken.hint, count: 1 }, woken.tried, woken.seq);
        }
        // trust (issue 11): a paused worker gets a decoy once the wake went on to the others
        const decoy = this.worker.paused && this.slots > 0 ? await handDecoy(this.deps, this.worker.id) : null;
        if (decoy && !this.closed) {
          this.outstanding.add(decoy.id);
          this.ready.push(decoy);
          continue;
        }
      }
      if (this.signalled) continue;
      // A feed whose worker is at its limit (jobs it holds from elsewhere) waits for a release
      // or the sweep, not for requests it could not take.
      if (this.slots > 0 && !this.atLimit) this.parkedAfter = this.hub.park(this);
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
      this.wakeUp = null;
    }
  }

  /**
   * Claims into the slots this feed believes free, in one statement for a one-job claim. The
   * claim counts what the worker really holds (this feed's jobs, its HTTP pops, its feeds
   * elsewhere) under the worker's lock, so a belief that is out of date (a release never heard)
   * cannot push the worker past maxConcurrentJobs; the sweep's {@link reconcile} corrects the
   * belief. `more`: the claim took something and left the worker room, so another claim may
   * find more; otherwise the feed waits for a wake-up. A feed claims one batch at
   * a time, so none of its own claims is in flight.
   */
  private async claim(hint?: string): Promise<{ jobs: ClaimedJob[]; more: boolean }> {
    const slots = this.slots;
    if (slots <= 0) return { jobs: [], more: false };
    this.claiming = true;
    try {
      const { jobs, room } = await claimFor(this.deps, this.worker, this.declaration, slots, hint);
      this.atLimit = room <= jobs.length;
      return { jobs, more: jobs.length > 0 && jobs.length < room };
    } finally {
      this.claiming = false;
    }
  }

  async return(): Promise<IteratorResult<ClaimedJob>> {
    await this.close();
    return DONE;
  }

  async throw(err?: unknown): Promise<IteratorResult<ClaimedJob>> {
    await this.close();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.unregister(this);
    // The signal is the whole connection's: left on it, the listener would keep this closed feed
    // in memory until the socket closes, one more for every feed the connection opened.
    this.signal?.removeEventListener("abort", this.onAbort);
    this.wakeUp?.();
    await this.giveBack(this.ready.splice(0));
  }

  /**
   * Hands jobs claimed for a client that has left back to the queue, and wakes feeds for them as
   * a new request would: without the wake-up they would wait for the safety sweep. The hint is
   * deliberately wide (any model, not nsfw) because a claimed job does not carry its request's
   * models; a woken feed that cannot take it passes the wake-up on.
   */
  private async giveBack(jobs: ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const ids = jobs.map((j) => j.id);
    try {
      await unclaimJobs(this.deps.db, ids);
    } catch (err) {
      // They stay PROCESSING for this worker; the TTL sweep re-queues them.
      this.deps.logger.error(
        { err: (err as Error).message, worker: this.worker.id, jobs: ids },
        "feed: could not hand undelivered jobs back; they return to the queue when their TTL runs out",
      );
      return;
    }
    const byRequest = new Map<string, { job: ClaimedJob; count: number }>();
    for (const j of jobs) {
      const seen = byRequest.get(j.request_id);
      byRequest.set(j.request_id, { job: j, count: (seen?.count ?? 0) + 1 });
    }
    for (const [id, { job, count }] of byRequest) {
      this.deps.bus.publish("requestChanged", { id, ended: false });
      this.deps.bus.publish("jobsAvailable", {
        kind: job.kind,
        requestId: id,
        count,
        models: job.kind === "alchemy" && job.model ? [job.model] : [],
        pixels: job.width * job.height,
        nsfw: false,
        userId: job.user_id,
      });
    }
  }
}

/** Opens a worker's feed: the jobs it already holds count against its limit ({@link FeedHub.open}). */
export function openFeed(
  deps: Deps,
  worker: CheckedInWorker,
  declaration: WorkerDeclaration,
  signal?: AbortSignal,
): Promise<Feed> {
  return deps.feeds.open(worker, declaration, signal);
}
