import type { Clock } from "../../infra/clock.ts";
import type { Db } from "../../infra/db.ts";
import type { Logger } from "../../infra/logger.ts";
import { closableIterator } from "../../lib/iterators.ts";
import { type HordeStatusRow, readHordeStatus } from "./horde-status.sql.ts";

/** The shortest time between two `hordeStatusUpdated` events to one subscriber, and between two reads. */
export const HORDE_STATUS_INTERVAL_MS = 1_000;

/** One subscriber's mailbox: it holds the latest value only, so a slow client never builds a backlog. */
interface Mailbox {
  /** The value the subscriber reads next. */
  ready: HordeStatusRow | null;
  /** A newer value held back until `allowedAt`. */
  pending: HordeStatusRow | null;
  /** The earliest instant (performance.now()) the next value may be released: an interval after the last was taken. */
  allowedAt: number;
  /** Releases `pending` at `allowedAt` when a tick came too early for it. */
  timer: NodeJS.Timeout | null;
  wake: (() => void) | null;
  closed: boolean;
}

/** Moves a held value to the subscriber's door and wakes it. */
function release(box: Mailbox): void {
  if (box.timer) clearTimeout(box.timer);
  box.timer = null;
  if (!box.pending || box.closed) return;
  box.ready = box.pending;
  box.pending = null;
  box.wake?.();
}

/**
 * The source of `hordeStatusUpdated`, one per instance (Deps.hordeStatus): compute once, fan out.
 *
 * While at least one client subscribes, one timer reads the horde status once per interval and
 * hands the same value to every subscriber whose last event is at least an interval old (a
 * value is sent only when it differs from the previous one). With no subscriber the timer is
 * stopped and nothing is read. So the cost is one statement per second per instance, whatever
 * the number of subscribers, and no subscriber gets more than one event per interval, counted
 * from when its previous event was taken to be sent: a change that comes sooner waits in its
 * mailbox (replaced by any newer one) and is released by a timer of its own at that time.
 * A new subscriber gets the last value read at once (or the first read's, when none is held).
 */
export class HordeStatusHub {
  private readonly boxes = new Set<Mailbox>();
  private timer: NodeJS.Timeout | null = null;
  private latest: HordeStatusRow | null = null;
  private latestKey = "";
  private lastTick = Number.NEGATIVE_INFINITY;
  private reading = false;
  /** How many times the status was read for subscribers (tests check it does not grow with them). */
  computations = 0;

  constructor(
    private readonly deps: { db: Db; clock: Clock; logger: Logger },
    private readonly intervalMs = HORDE_STATUS_INTERVAL_MS,
  ) {}

  /** Whether the timer runs (someone subscribes). */
  get active(): boolean {
    return this.timer !== null || this.reading;
  }

  /** How many subscribers this instance holds. */
  get size(): number {
    return this.boxes.size;
  }

  /** A subscriber's stream: the current status at once, then each change, at most once per interval. */
  subscribe(signal?: AbortSignal): AsyncIterableIterator<HordeStatusRow> {
    const box: Mailbox = {
      ready: this.latest,
      pending: null,
      allowedAt: Number.NEGATIVE_INFINITY,
      timer: null,
      wake: null,
      closed: false,
    };
    const interval = this.intervalMs;
    this.boxes.add(box);
    if (!this.timer) this.schedule(0);
    const close = () => {
      if (box.closed) return;
      box.closed = true;
      if (box.timer) clearTimeout(box.timer);
      this.boxes.delete(box);
      signal?.removeEventListener("abort", close);
      if (this.boxes.size === 0) this.halt();
      box.wake?.();
    };
    signal?.addEventListener("abort", close, { once: true });
    const done = { value: undefined, done: true } as const;
    return closableIterator<HordeStatusRow>(async () => {
      for (;;) {
        if (box.closed) return done;
        if (box.ready) {
          const value = box.ready;
          box.ready = null;
          // Counted from when the value is taken to be sent, so a slow send never brings the next one closer.
          box.allowedAt = performance.now() + interval;
          return { value, done: false };
        }
        await new Promise<void>((resolve) => {
          box.wake = resolve;
        });
        box.wake = null;
      }
    }, close);
  }

  /** Stops the timer and forgets the last value (it would be stale by the next subscriber). */
  private halt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
    this.latestKey = "";
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  /** One read for every subscriber; the next tick is at least an interval after this one's start. */
  private async tick(): Promise<void> {
    const started = performance.now();
    // A timer may fire a millisecond early: never read twice within one interval.
    const early = this.lastTick + this.intervalMs - started;
    if (early > 0) return this.schedule(early);
    this.lastTick = started;
    this.reading = true;
    try {
      this.computations++;
      const row = await readHordeStatus(this.deps.db, this.deps.clock.now());
      if (this.boxes.size === 0) return;
      const { at: _at, ...figures } = row;
      const key = JSON.stringify(figures);
      if (key !== this.latestKey || !this.latest) {
        this.latest = row;
        this.latestKey = key;
        for (const box of this.boxes) box.pending = row;
      }
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, "hordeStatusUpdated: reading the status failed");
    } finally {
      this.reading = false;
    }
    if (this.boxes.size === 0) return this.halt();
    const now = performance.now();
    for (const box of this.boxes) {
      if (!box.pending || box.timer) continue;
      // A value that comes sooner than an interval after the last one waits for its time.
      if (now >= box.allowedAt) release(box);
      else {
        box.timer = setTimeout(() => release(box), box.allowedAt - now);
        box.timer.unref();
      }
    }
    this.schedule(Math.max(0, this.intervalMs - (performance.now() - started)));
  }
}
