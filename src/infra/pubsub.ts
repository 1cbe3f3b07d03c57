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

/** The typed pub/sub every module uses; in-process by default, Redis-backed with REDIS_URL. */
export interface Bus {
  publish<K extends ChannelName>(channel: K, payload: Channels[K]): void;
  /** Adds a handler; returns the function that removes it. */
  subscribe<K extends ChannelName>(channel: K, handler: Handler<K>): () => void;
  /** Resolves once events from other instances are being received. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const CHANNELS: ChannelName[] = ["requestChanged", "jobsAvailable", "workerSlotFreed"];

interface Target {
  addEventListener(type: string, cb: (e: Event) => void): void;
  removeEventListener(type: string, cb: (e: Event) => void): void;
  dispatchEvent(e: Event): boolean;
}

// One listener per channel on the target, fanning out to local handlers: the Redis connection
// holds a fixed set of subscriptions however many feeds and clients an instance serves.
function busOver(target: Target, prefix: string, onClose: () => Promise<void>, ready: () => Promise<void>): Bus {
  const handlers = new Map<ChannelName, Set<(p: unknown) => void>>();
  const listeners: [string, (e: Event) => void][] = [];
  for (const ch of CHANNELS) {
    const set = new Set<(p: unknown) => void>();
    handlers.set(ch, set);
    const listener = (e: Event) => {
      const detail = (e as CustomEvent).detail;
      for (const h of [...set]) {
        try {
          h(detail);
        } catch {
          // A handler's failure is its own; the others still get the event.
        }
      }
    };
    target.addEventListener(prefix + ch, listener);
    listeners.push([prefix + ch, listener]);
  }
  return {
    publish(channel, payload) {
      target.dispatchEvent(new CustomEvent(prefix + channel, { detail: payload }));
    },
    subscribe(channel, handler) {
      const set = handlers.get(channel) as Set<(p: unknown) => void>;
      const h = handler as (p: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    ready,
    async close() {
      for (const [type, l] of listeners) target.removeEventListener(type, l);
      await onClose();
    },
  };
}

/** In-process pub/sub for a single instance. Delivery is asynchronous, as it is over Redis. */
export function createLocalBus(): Bus {
  const target = new EventTarget();
  const asyncTarget: Target = {
    addEventListener: (t, cb) => target.addEventListener(t, cb),
    removeEventListener: (t, cb) => target.removeEventListener(t, cb),
    dispatchEvent: (e) => {
      queueMicrotask(() => target.dispatchEvent(e));
      return true;
    },
  };
  return busOver(
    asyncTarget,
    "",
    async () => {},
    async () => {},
  );
}

/** Redis pub/sub through @graphql-yoga/redis-event-target: every instance sees every event. */
export function createRedisBus(url: string, prefix: string, onError: (err: Error) => void): Bus {
  const opts = { maxRetriesPerRequest: null, lazyConnect: false } as const;
  const publishClient = new Redis(url, opts);
  const subscribeClient = new Redis(url, opts);
  publishClient.on("error", onError);
  subscribeClient.on("error", onError);
  const target = createRedisEventTarget({ publishClient, subscribeClient }) as unknown as Target;
  return busOver(
    target,
    prefix,
    async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
    // SUBSCRIBE commands are queued before this PING on the same connection, so when it answers
    // the subscriptions are in place.
    async () => {
      await subscribeClient.ping();
    },
  );
}
