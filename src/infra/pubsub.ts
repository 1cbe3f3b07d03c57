import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";

/**
 * Every event that crosses instances, by channel. Payloads carry ids and small hints only:
 * subscribers re-read the database, so an event is never stale and never leaks data the reader
 * may not see. Events are published after COMMIT.
 */
export interface Channels {
  /** A request's visible state changed; `ended` when it will change no more. */
  requestChanged: { id: string; ended: boolean };
  /** Jobs of a request became claimable (new request, TTL re-queue, released claim). */
  jobsAvailable: WakeHint;
  /** A worker's outstanding job was settled or taken back, so its feed has a free slot. */
  workerSlotFreed: { workerId: string; jobIds: string[] };
}

/** What a feed needs to decide cheaply whether a wake-up could concern it; SQL decides for real. */
export interface WakeHint {
  requestId: string;
  count: number;
  models: string[];
  pixels: number;
  nsfw: boolean;
  userId: number;
}

export type ChannelName = keyof Channels;
type Handler<K extends ChannelName> = (payload: Channels[K]) => void;

/** Every channel name; the `satisfies` makes adding a channel to {@link Channels} without listing it here a type error. */
export const CHANNEL_NAMES = Object.keys({
  requestChanged: true,
  jobsAvailable: true,
  workerSlotFreed: true,
} satisfies Record<ChannelName, true>) as ChannelName[];

/**
 * The typed pub/sub every module uses; in-process by default, Redis-backed with REDIS_URL.
 *
 * Delivery is asynchronous on both (a publisher never runs its subscribers' code inside its own
 * call), at most once, and a handler that throws does not stop the others. Publishing never
 * throws and never rejects: an event that cannot be sent is reported through `onError` and
 * dropped, which subscribers tolerate because they re-read the database (and feeds also wake on
 * a timer).
 */
export interface Bus {
  publish<K extends ChannelName>(channel: K, payload: Channels[K]): void;
  /** Adds a handler; returns the function that removes it. */
  subscribe<K extends ChannelName>(channel: K, handler: Handler<K>): () => void;
  /** Resolves once events from other instances are being received. */
  ready(): Promise<void>;
  /** Stops delivery; later publishes are dropped. */
  close(): Promise<void>;
}

/** Local fan-out shared by both buses: one handler set per channel. */
function fanOut() {
  const handlers = new Map<ChannelName, Set<(p: unknown) => void>>(CHANNEL_NAMES.map((c) => [c, new Set()]));
  return {
    deliver(channel: ChannelName, payload: unknown) {
      for (const h of [...(handlers.get(channel) ?? [])]) {
        try {
          h(payload);
        } catch {
          // A handler's failure is its own; the others still get the event.
        }
      }
    },
    subscribe<K extends ChannelName>(channel: K, handler: Handler<K>): () => void {
      const set = handlers.get(channel);
      if (!set) throw new Error(`Unknown channel ${channel}`);
      const h = handler as (p: unknown) => void;
      set.add(h);
      return () => {
        set.delete(h);
      };
    },
    clear() {
      for (const set of handlers.values()) set.clear();
    },
  };
}

/** In-process pub/sub for a single instance. Delivery is asynchronous, as it is over Redis. */
export function createLocalBus(): Bus {
  const local = fanOut();
  let closed = false;
  return {
    publish(channel, payload) {
      if (!closed) queueMicrotask(() => local.deliver(channel, payload));
    },
    subscribe: local.subscribe,
    ready: async () => {},
    async close() {
      closed = true;
      local.clear();
    },
  };
}

/**
 * Redis pub/sub through `@graphql-yoga/redis-event-target` on two ioredis connections: every
 * instance listens on every channel (under `prefix`), so an event reaches the subscribers of all
 * instances, its own included, through Redis only. The connection holds a fixed set of Redis
 * subscriptions however many feeds and clients the instance serves; ioredis reconnects and
 * re-subscribes on its own.
 *
 * The event target never handles the promises of PUBLISH and SUBSCRIBE, so a publish while Redis
 * is gone, or after close, would become an unhandled rejection, which ends a Node process. The
 * clients it is given are therefore wrapped so that every such promise reports to `onError`.
 * Events published while Redis is unreachable are dropped: the sweeps re-announce whatever still
 * matters (docs/FAILURE-MODES.md, "Redis drops").
 */
export function createRedisBus(url: string, prefix: string, onError: (err: Error) => void): Bus {
  const publisher = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: false });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const publisherReady = new Promise<void>((resolve) => publisher.once("ready", () => resolve()));
  publisher.on("error", onError);
  subscriber.on("error", onError);
  const pending: Promise<unknown>[] = [];
  const target = createRedisEventTarget<CustomEvent>({
    publishClient: reportingFailures(publisher, onError, pending),
    subscribeClient: reportingFailures(subscriber, onError, pending),
    serializer: {
      stringify: JSON.stringify,
      parse: (message) => {
        try {
          return JSON.parse(message);
        } catch (err) {
          onError(new Error(`Unreadable event: ${(err as Error).message}`));
          return undefined;
        }
      },
    },
  });
  const local = fanOut();
  const listeners = CHANNEL_NAMES.map((channel) => {
    const listener = (e: CustomEvent) => {
      if (e.detail !== undefined && e.detail !== null) local.deliver(channel, e.detail);
    };
    target.addEventListener(prefix + channel, listener);
    return [prefix + channel, listener] as const;
  });
  let closed = false;
  return {
    publish(channel, payload) {
      if (closed) return;
      target.dispatchEvent(new CustomEvent(prefix + channel, { detail: payload }));
    },
    subscribe: local.subscribe,
    async ready() {
      await Promise.all([...pending, publisherReady]);
    },
    async close() {
      if (closed) return;
      closed = true;
      local.clear();
      for (const [type, listener] of listeners) target.removeEventListener(type, listener);
      // QUIT sends what is queued before closing, so events published just before a graceful
      // stop still go out; a Redis that is not connected, or does not answer, gets a plain
      // disconnect.
      await Promise.all(
        [publisher, subscriber].map(async (client) => {
          if (client.status === "ready") {
            await Promise.race([client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
          }
          client.disconnect();
        }),
      );
    },
  };
}

/**
 * The client as the event target sees it, except that PUBLISH, SUBSCRIBE and UNSUBSCRIBE report
 * their failures instead of leaving a rejected promise unhandled. SUBSCRIBE promises are kept in
 * `pending`, so `ready()` resolves once the subscriptions are in place.
 */
function reportingFailures(client: Redis, onError: (err: Error) => void, pending: Promise<unknown>[]): Redis {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (prop === "publish" || prop === "subscribe" || prop === "unsubscribe") {
        return (...args: unknown[]) => {
          const p = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const handled = p.catch((err: Error) => onError(err));
          if (prop === "subscribe") pending.push(handled);
          return handled;
        };
      }
      return value.bind(target);
    },
  });
}
