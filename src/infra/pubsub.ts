import { randomUUID } from "node:crypto";
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
  /**
   * What a user's workers may take changed without a request being announced (maintenance, a
   * pause, the owner's roles): their feeds re-read their workers and look again.
   */
  workersChanged: { userId: number };
}

/** What a feed needs to decide cheaply whether a wake-up could concern it; SQL decides for real. */
export interface WakeHint {
  /** the request's kind: only feeds of that kind are woken */
  kind: "image" | "text" | "alchemy";
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
  workersChanged: true,
} satisfies Record<ChannelName, true>) as ChannelName[];

/**
 * The typed pub/sub every module uses; in-process by default, Redis-backed with REDIS_URL.
 *
 * Delivery is asynchronous on both (a publisher never runs its subscribers' code inside its own
 * call), at most once, and a handler that throws does not stop the others. An instance's own
 * subscribers always hear its events, with or without Redis. Publishing never throws and never
 * rejects: an event that cannot reach the other instances is reported through `onError` and
 * dropped there, which subscribers tolerate because they re-read the database (and feeds also
 * wake on the sweep's timer).
 */
export interface Bus {
  publish<K extends ChannelName>(channel: K, payload: Channels[K]): void;
  /** Adds a handler; returns the function that removes it. */
  subscribe<K extends ChannelName>(channel: K, handler: Handler<K>): () => void;
  /**
   * Resolves once events from other instances are being received (at once for the in-process
   * bus). It waits as long as that takes: callers that must not wait race it with a timer.
   */
  ready(): Promise<void>;
  /** Whether events from other instances arrive right now (always true in process). */
  readonly connected: boolean;
  /**
   * How many times the link to the other instances was lost (always 0 in process). Whenever it
   * has moved, or `connected` is false, events from other instances may have been missed.
   */
  readonly outages: number;
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
    connected: true,
    outages: 0,
    async close() {
      closed = true;
      local.clear();
    },
  };
}

/** What the Redis bus tells its owner besides errors: for logs, never for correctness. */
export interface RedisBusEvents {
  /** Events flow both ways again: subscribed, and able to publish (at start and after every outage). */
  onConnected?(): void;
  /** A connection was lost: events between this instance and the others stop until it is back. */
  onLost?(): void;
  /** Events that could not be sent to the other instances while Redis was away, reported once it is back. */
  onDropped?(count: number): void;
}

/** An event as it travels through Redis: `from` lets an instance skip its own (already delivered). */
interface Envelope {
  from: string;
  payload: unknown;
}

/** How long after a failed SUBSCRIBE (an ACL, a Redis still loading) it is tried again. */
const RESUBSCRIBE_MS = 2_000;

/**
 * Redis pub/sub on two ioredis connections, under `prefix`. Every instance listens on every
 * channel, so the connection holds a fixed set of Redis subscriptions however many feeds and
 * clients the instance serves.
 *
 * An event is delivered to this instance's own subscribers at once, in process, and sent through
 * Redis to the others, tagged with this instance's id so that its echo is ignored: an instance
 * never depends on Redis to hear itself (a freed slot, a settled job), and never hears an event
 * twice. Publishing does not queue while Redis is away: a stale wake-up delivered minutes later
 * is worthless, and the sweep re-announces whatever still matters (docs/FAILURE-MODES.md, "Redis
 * drops"). The connections themselves are {@link redisLink}'s.
 */
export function createRedisBus(
  url: string,
  prefix: string,
  onError: (err: Error) => void,
  events: RedisBusEvents = {},
): Bus {
  const instance = randomUUID();
  const channelOf = new Map<string, ChannelName>(CHANNEL_NAMES.map((c) => [prefix + c, c]));
  const local = fanOut();
  let closed = false;
  const link = redisLink(url, [...channelOf.keys()], onError, events, (name, message) => {
    const channel = channelOf.get(name);
    if (!channel || closed) return;
    const envelope = parseEnvelope(message);
    if (!envelope) return link.report(new Error(`Unreadable event on ${name}`));
    if (envelope.from !== instance) local.deliver(channel, envelope.payload);
  });
  return {
    publish(channel, payload) {
      if (closed) return;
      queueMicrotask(() => local.deliver(channel, payload));
      const envelope: Envelope = { from: instance, payload };
      link.publish(prefix + channel, JSON.stringify(envelope));
    },
    subscribe: local.subscribe,
    ready: () => link.ready,
    get connected() {
      return link.up;
    },
    get outages() {
      return link.outages;
    },
    async close() {
      if (closed) return;
      closed = true;
      local.clear();
      await link.close();
    },
  };
}

/**
 * The two connections of the Redis bus. Both connect in the background and reconnect for ever
 * (ioredis backs off up to 2 s). The subscriber sends SUBSCRIBE itself on every `ready` rather
 * than relying on ioredis' auto-resubscribe, so that a failed SUBSCRIBE is reported and retried
 * and `ready` never resolves on subscriptions that are not in place; the link is `up` only when
 * it can both receive and publish. The publisher does not queue while offline
 * (`enableOfflineQueue: false`): a publish then fails at once, is counted and reported. Errors
 * are reported once per distinct message until the next successful connection, so an outage is
 * a few log lines, not one per retry or per event.
 */
function redisLink(
  url: string,
  channels: string[],
  onError: (err: Error) => void,
  events: RedisBusEvents,
  onMessage: (channel: string, message: string) => void,
) {
  const publisher = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: false });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: false, autoResubscribe: false });
  let closed = false;
  let subscribed = false;
  let dropped = 0;
  let retry: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const reported = new Set<string>();
  const link = {
    up: false,
    outages: 0,
    ready: new Promise<void>((resolve) => {
      markReady = resolve;
    }),
    report(err: Error) {
      if (closed || reported.has(err.message)) return;
      reported.add(err.message);
      onError(err);
    },
    publish(channel: string, message: string) {
      publisher.publish(channel, message).catch((err: Error) => {
        dropped++;
        link.report(new Error(`Event not sent to the other instances: ${err.message}`));
      });
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await Promise.all([quit(publisher), quit(subscriber)]);
    },
  };
  /** Tells the owner when both directions work again, or when one stops. */
  const update = () => {
    const up = subscribed && publisher.status === "ready";
    if (closed || up === link.up) return;
    link.up = up;
    if (!up) {
      link.outages++;
      return events.onLost?.();
    }
    reported.clear();
    markReady();
    events.onConnected?.();
  };
  const subscribeAll = () => {
    clearTimeout(retry);
    if (closed || subscriber.status !== "ready") return;
    subscriber.subscribe(...channels).then(
      () => {
        subscribed = true;
        update();
      },
      (err: Error) => {
        link.report(new Error(`Redis SUBSCRIBE failed; retrying: ${err.message}`));
        retry = setTimeout(subscribeAll, RESUBSCRIBE_MS).unref();
      },
    );
  };
  publisher.on("error", link.report);
  subscriber.on("error", link.report);
  publisher.on("ready", () => {
    if (dropped > 0) events.onDropped?.(dropped);
    dropped = 0;
    update();
  });
  publisher.on("close", update);
  subscriber.on("ready", subscribeAll);
  subscriber.on("close", () => {
    subscribed = false;
    update();
  });
  subscriber.on("message", onMessage);
  return link;
}

/**
 * Closes a client: QUIT sends what is queued first, so events published just before a graceful
 * stop still go out; a Redis that is not connected, or does not answer within 1 s, gets a plain
 * disconnect.
 */
async function quit(client: Redis): Promise<void> {
  if (client.status === "ready") {
    await Promise.race([client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
  client.disconnect();
}

/** The envelope in a Redis message, or null when it is not one of ours. */
function parseEnvelope(message: string): Envelope | null {
  try {
    const e = JSON.parse(message) as Partial<Envelope> | null;
    if (typeof e?.from !== "string" || typeof e.payload !== "object" || e.payload === null) return null;
    return { from: e.from, payload: e.payload };
  } catch {
    return null;
  }
}
