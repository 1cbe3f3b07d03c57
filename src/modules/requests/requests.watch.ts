import type { Deps } from "../../deps.ts";
import { NotFoundError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { closableIterator } from "../../lib/iterators.ts";
import { requestStatus } from "../queue/queue.rules.ts";
import { type RequestRow, readRequests } from "./requests.sql.ts";

/** The counts a request's status is derived from: what every kind's request row carries. */
export type WatchableRow = Pick<
  RequestRow,
  "n" | "waiting" | "processing" | "finished" | "restarted" | "faulted_jobs" | "cancelled" | "faulted" | "expired"
>;

/** A request row's derived status (done, faulted, open), by the jobs rules. */
export function statusOf(row: WatchableRow) {
  return requestStatus({
    n: row.n,
    waiting: row.waiting,
    processing: row.processing,
    finished: row.finished,
    restarted: row.restarted,
    faultedJobs: row.faulted_jobs,
    cancelled: row.cancelled,
    faulted: row.faulted,
  });
}

/** Whether a request will change no more: done, cancelled with nothing in flight, or expired. */
export function requestEnded(row: WatchableRow): boolean {
  return row.expired || statusOf(row).done;
}

/** A watcher's two doors: `changed` (an event said so: emit), `check` (re-read; emit only if it differs). */
interface Watcher {
  changed(): void;
  check(): void;
}

/**
 * One bus subscription per instance for request changes, fanned out to the local watchers of
 * each request id. Events carry ids only; each watcher re-reads its request. One per instance,
 * built in the composition root (Deps.watches).
 */
export class RequestWatchHub {
  private watchers = new Map<string, Set<Watcher>>();
  constructor(deps: Pick<Deps, "bus">) {
    deps.bus.subscribe("requestChanged", ({ id }) => {
      for (const w of this.watchers.get(id) ?? []) w.changed();
    });
  }
  /**
   * Has every watcher re-read its request and emit if it changed: the sweep's cover for changes
   * made on another instance while Redis was away (their events are lost).
   */
  checkAll(): void {
    for (const set of this.watchers.values()) for (const w of set) w.check();
  }
  add(id: string, w: Watcher): () => void {
    let set = this.watchers.get(id);
    if (!set) {
      set = new Set();
      this.watchers.set(id, set);
    }
    set.add(w);
    return () => {
      set.delete(w);
      if (set.size === 0) this.watchers.delete(id);
    };
  }
  get size(): number {
    return this.watchers.size;
  }
}

/**
 * The stream behind `imageRequestUpdated` (and `textRequestUpdated`): see {@link watchRows}.
 * `read` reads the row of another kind (text: its own row type, other kinds not found); by
 * default the image request row. It ends when {@link requestEnded} says so.
 */
export function watchRequest<T extends WatchableRow = RequestRow>(
  deps: Deps,
  id: string,
  signal?: AbortSignal,
  read: (id: string) => Promise<T | undefined> = async (rid) =>
    (await readRequests(deps.db, [rid]))[0] as T | undefined,
): AsyncIterableIterator<T> {
  if (!isUuid(id)) throw new NotFoundError("NotFound", "No such request");
  return watchRows(deps, id, () => read(id), requestEnded, signal);
}

/**
 * A request's stream, for any kind (`read` reads its row, `ended` says when it will change no
 * more; alchemy's rows end by their forms, not by these counts): the current state at once, then
 * the state after every change, then completion once it has ended. Changes that arrive while a
 * read is in progress collapse into one more read, so a slow client gets the latest state, never
 * a backlog. Written as a plain iterator (not an async generator) so that `return()` from a
 * leaving client takes effect at once, even while waiting.
 */
export function watchRows<T>(
  deps: Deps,
  id: string,
  read: () => Promise<T | undefined>,
  ended: (row: T) => boolean,
  signal?: AbortSignal,
): AsyncIterableIterator<T> {
  let dirty = true;
  let checking = false;
  let last = "";
  let closed = false;
  let started = false;
  let wake: (() => void) | null = null;
  const remove = deps.watches.add(id, {
    changed() {
      dirty = true;
      wake?.();
    },
    check() {
      checking = true;
      wake?.();
    },
  });
  const close = () => {
    closed = true;
    remove();
    // The signal is the whole connection's: a listener left on it would keep this watcher alive
    // for as long as the client stays connected, one more per request it follows.
    signal?.removeEventListener("abort", close);
    wake?.();
  };
  signal?.addEventListener("abort", close, { once: true });
  const done = { value: undefined, done: true } as const;
  return closableIterator<T>(async () => {
    for (;;) {
      if (closed) return done;
      if (dirty || checking) {
        const quiet = !dirty;
        dirty = false;
        checking = false;
        const row = await read();
        if (closed) return done;
        if (!row) {
          close();
          if (!started) throw new NotFoundError("NotFound", "No such request");
          return done;
        }
        const seen = JSON.stringify(row);
        if (quiet && seen === last) continue;
        last = seen;
        started = true;
        if (ended(row)) close();
        return { value: row, done: false };
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  }, close);
}
