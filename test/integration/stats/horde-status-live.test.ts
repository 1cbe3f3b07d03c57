import { print } from "graphql";
import type { Client } from "graphql-ws";
import { describe, expect, it } from "vitest";
import { HordeStatusUpdatedDocument, type HordeStatusUpdatedSubscription } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { createRequest, PNG_B64, pop, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();

type Event = { data?: HordeStatusUpdatedSubscription | null; errors?: unknown; at: number };

/** A subscriber that stamps each event with its arrival time; `until` awaits a matching event. */
function watch(client: Client) {
  const events: Event[] = [];
  let notify: (() => void) | null = null;
  const unsubscribe = client.subscribe<HordeStatusUpdatedSubscription>(
    { query: print(HordeStatusUpdatedDocument) },
    {
      next: (v) => {
        events.push({ data: v.data, errors: v.errors, at: performance.now() });
        notify?.();
      },
      error: () => {},
      complete: () => {},
    },
  );
  return {
    events,
    unsubscribe,
    async until(ok: (e: Event) => boolean, ms = 10_000): Promise<Event> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find(ok);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error("no matching event in time");
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 200).unref();
        });
      }
    },
  };
}

describe("hordeStatusUpdated", () => {
  it("sends the status at once, then after a job completes, at most once a second, one read for all subscribers", async () => {
    const hub = ctx.t.deps.hordeStatus;
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const subs = Array.from({ length: 8 }, () => watch(ctx.t.ws()));
    const first = await Promise.all(subs.map((s) => s.until(() => true)));
    for (const e of first) expect(e.errors).toBeUndefined();
    const startedAt = performance.now();
    const computationsAtStart = hub.computations;
    expect(hub.size).toBe(8);
    // one more subscriber read in process, free of socket delays; its values carry the instant
    // they were read (taking them here would measure this event loop's delays, not the throttle)
    const direct = hub.subscribe();
    const taken: { at: number; images: number }[] = [];
    const reading = (async () => {
      for (;;) {
        const r = await direct.next();
        if (r.done) return;
        taken.push({ at: new Date(r.value.at).getTime(), images: r.value.pastMinuteImages });
        if (r.value.pastMinuteImages >= 1) return;
      }
    })();

    const requestId = await createRequest(ctx.t, requester.apiKey, { prompt: "live status" });
    const popped = await pop(ctx.t, owner.apiKey, { name: `live-${owner.id}`, models: ["stable_diffusion"] });
    expect(popped.jobs).toHaveLength(1);
    const job = popped.jobs[0]!;
    expect(job.requestId).toBe(requestId);
    await submit(ctx.t, owner.apiKey, { id: job.id, image: PNG_B64, seed: "1" });

    // every subscriber sees the generation in the past minute, through events a second apart at least
    await Promise.all(subs.map((s) => s.until((e) => (e.data?.hordeStatusUpdated.pastMinuteImages ?? 0) >= 1)));
    await reading;
    await direct.return?.();
    const elapsed = performance.now() - startedAt;
    expect(taken.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < taken.length; i++) expect(taken[i]!.at - taken[i - 1]!.at).toBeGreaterThanOrEqual(990);
    for (const s of subs) {
      expect(s.events.length).toBeGreaterThanOrEqual(2);
      // the server's own stamps, not arrival times (a loaded machine delays delivery, not the
      // computation): each status was computed at least a second after the one before
      const stamps = s.events.map((e) => Date.parse(String(e.data?.hordeStatusUpdated.at)));
      // (10 ms for the wall clock's millisecond rounding against the monotonic timer that paces ticks)
      for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeGreaterThanOrEqual(990);
    }
    // one read per tick, shared: never one per subscriber
    const reads = hub.computations - computationsAtStart;
    expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);

    for (const s of subs) s.unsubscribe();
    await expect.poll(() => hub.active).toBe(false);
    expect(hub.size).toBe(0);
  });
});
