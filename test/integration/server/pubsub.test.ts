import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createDeps, type Deps } from "../../../src/deps.ts";
import {
  type Bus,
  CHANNEL_NAMES,
  type ChannelName,
  type Channels,
  createLocalBus,
  createRedisBus,
} from "../../../src/infra/pubsub.ts";
import { useTestDb } from "../../support/app.ts";

/** One realistic payload per channel; the mapped type makes a new channel without a sample a type error. */
const SAMPLES: { [K in ChannelName]: Channels[K] } = {
  requestChanged: { id: "8d5c8f7e-4d7f-4a43-9d0a-6f8f1d0a0b11", ended: true },
  jobsAvailable: {
    kind: "image",
    requestId: "8d5c8f7e-4d7f-4a43-9d0a-6f8f1d0a0b11",
    count: 3,
    models: ["stable_diffusion", "Deliberate"],
    pixels: 512 * 768,
    nsfw: false,
    userId: 42,
  },
  workerSlotFreed: { workerId: "3f1e0a52-7f39-4c1e-b1c4-0f3e7c9a1d22", jobIds: ["a", "b"] },
  workersChanged: { userId: 42 },
};

/** Resolves with the next payload on `channel`, or rejects after `ms`. */
function nextEvent<K extends ChannelName>(bus: Bus, channel: K, ms = 5_000): Promise<Channels[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${channel} event within ${ms} ms`));
    }, ms);
    const off = bus.subscribe(channel, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

describe("the in-process bus", () => {
  it("delivers asynchronously: the publisher returns before any handler runs", async () => {
    const bus = createLocalBus();
    const got: unknown[] = [];
    bus.subscribe("requestChanged", (p) => got.push(p));
    const arrived = nextEvent(bus, "requestChanged");
    bus.publish("requestChanged", SAMPLES.requestChanged);
    expect(got).toEqual([]);
    expect(await arrived).toEqual(SAMPLES.requestChanged);
    expect(got).toEqual([SAMPLES.requestChanged]);
    await bus.close();
  });

  it("keeps delivering to the other handlers when one throws", async () => {
    const bus = createLocalBus();
    const seen: string[] = [];
    bus.subscribe("workerSlotFreed", () => {
      seen.push("first");
      throw new Error("handler failure");
    });
    bus.subscribe("workerSlotFreed", () => seen.push("second"));
    const arrived = nextEvent(bus, "workerSlotFreed");
    bus.publish("workerSlotFreed", SAMPLES.workerSlotFreed);
    await arrived;
    expect(seen).toEqual(["first", "second"]);
    await bus.close();
  });

  it("gives an unsubscribed handler nothing, and other channels' handlers nothing", async () => {
    const bus = createLocalBus();
    const gone: unknown[] = [];
    const otherChannel: unknown[] = [];
    const off = bus.subscribe("jobsAvailable", (p) => gone.push(p));
    bus.subscribe("requestChanged", (p) => otherChannel.push(p));
    off();
    const arrived = nextEvent(bus, "jobsAvailable");
    bus.publish("jobsAvailable", SAMPLES.jobsAvailable);
    await arrived;
    expect(gone).toEqual([]);
    expect(otherChannel).toEqual([]);
    await bus.close();
  });

  it("drops events published after close without throwing", async () => {
    const bus = createLocalBus();
    const got: unknown[] = [];
    bus.subscribe("requestChanged", (p) => got.push(p));
    await bus.close();
    expect(() => bus.publish("requestChanged", SAMPLES.requestChanged)).not.toThrow();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(got).toEqual([]);
  });
});

describe("the Redis bus without a Redis", () => {
  it("drops events and reports the failure instead of throwing, queueing or rejecting unhandled", async () => {
    let reportDropped!: () => void;
    const reported = new Promise<void>((resolve) => {
      reportDropped = resolve;
    });
    // Nothing listens on port 1: the connection is refused, and ioredis keeps retrying.
    const bus = createRedisBus("redis://127.0.0.1:1", "nowhere:", (err) => {
      if (/writeable|offline queue/i.test(err.message)) reportDropped();
    });
    expect(() => bus.publish("requestChanged", SAMPLES.requestChanged)).not.toThrow();
    await reported;
    await bus.close();
  });
});

describe.skipIf(!process.env.REDIS_URL)("the Redis bus across instances", () => {
  const redisUrl = process.env.REDIS_URL!;
  const prefix = `test-pubsub-${process.pid}-${Math.random().toString(36).slice(2)}:`;
  const ctx = useTestDb();
  let a: Deps;
  let b: Deps;

  /** An instance's dependencies as main.ts builds them, on the shared test database. */
  async function instance(): Promise<Deps> {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "horde-pubsub-")),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
    });
    return createDeps(config, { db: ctx.db });
  }

  beforeAll(async () => {
    a = await instance();
    b = await instance();
  });
  afterAll(async () => {
    await a?.bus.close();
    await b?.bus.close();
  });

  it.each(CHANNEL_NAMES)("carries %s from instance A to a subscriber on instance B", async (channel) => {
    const onB = nextEvent(b.bus, channel);
    const onA = nextEvent(a.bus, channel);
    a.bus.publish(channel, SAMPLES[channel]);
    expect(await onB).toEqual(SAMPLES[channel]);
    // The publisher's own subscribers hear it too (in process; its echo through Redis is ignored).
    expect(await onA).toEqual(SAMPLES[channel]);
  });

  it("keeps deployments with another REDIS_PREFIX apart", async () => {
    const stranger = createRedisBus(redisUrl, `${prefix}other:`, () => {});
    await stranger.ready();
    const heardByStranger: unknown[] = [];
    stranger.subscribe("requestChanged", (p) => heardByStranger.push(p));
    const onB = nextEvent(b.bus, "requestChanged");
    a.bus.publish("requestChanged", SAMPLES.requestChanged);
    await onB;
    // The stranger's own event comes after A's on the same Redis: once it is back, A's has
    // either reached the stranger already or never will.
    const own = nextEvent(stranger, "requestChanged");
    stranger.publish("requestChanged", { id: "stranger", ended: false });
    await own;
    expect(heardByStranger).toEqual([{ id: "stranger", ended: false }]);
    await stranger.close();
  });

  it("gives a handler removed on B nothing while B's other handlers still hear", async () => {
    const removed: unknown[] = [];
    const off = b.bus.subscribe("workerSlotFreed", (p) => removed.push(p));
    off();
    const onB = nextEvent(b.bus, "workerSlotFreed");
    a.bus.publish("workerSlotFreed", SAMPLES.workerSlotFreed);
    await onB;
    expect(removed).toEqual([]);
  });

  it("keeps delivering on B when one of B's handlers throws", async () => {
    const off = b.bus.subscribe("jobsAvailable", () => {
      throw new Error("handler failure");
    });
    const onB = nextEvent(b.bus, "jobsAvailable");
    a.bus.publish("jobsAvailable", SAMPLES.jobsAvailable);
    expect(await onB).toEqual(SAMPLES.jobsAvailable);
    off();
  });

  it("drops a publish after close without an unhandled rejection", async () => {
    const errors: Error[] = [];
    const bus = createRedisBus(redisUrl, prefix, (err) => errors.push(err));
    await bus.ready();
    await bus.close();
    bus.publish("requestChanged", SAMPLES.requestChanged);
    // Vitest fails the run on an unhandled rejection; give one the chance to surface.
    const onB = nextEvent(b.bus, "requestChanged");
    a.bus.publish("requestChanged", SAMPLES.requestChanged);
    await onB;
    expect(errors).toEqual([]);
  });
});
