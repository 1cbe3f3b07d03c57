import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../../support/app.ts";
import { createRequest, outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// The test support turns both limits off (every test worker is on 127.0.0.1 and submits at
// once); this file turns them on, as a production instance runs.
const ctx = useTestApp({ env: { MAX_WORKERS_PER_IP: "2", SUSPICION_MAX_MPS: "20" } });
beforeEach(async () => {
  await resetQueue(ctx.db);
  // every worker of this file checks in from 127.0.0.1: each test starts with the address empty
  await ctx.db.query("UPDATE workers SET ipaddr = NULL");
});

const SD = ["stable_diffusion"];
const WORKER = `query($id: ID!) { worker(id: $id) { paused pausedReason suspicion } }`;

describe("workers per address", () => {
  it("refuses a third untrusted worker on one address, still serves the first two, and lets a trusted owner past", async () => {
    const [a, b, c] = [await seedUser(ctx.db), await seedUser(ctx.db), await seedUser(ctx.db)];
    expect(outcome(await pop(ctx.t, a.apiKey, { name: `ipa-${a.id}`, models: SD }))).toBe("PopImageJobPayload");
    expect(outcome(await pop(ctx.t, b.apiKey, { name: `ipb-${b.id}`, models: SD }))).toBe("PopImageJobPayload");
    expect(outcome(await pop(ctx.t, c.apiKey, { name: `ipc-${c.id}`, models: SD }))).toBe("TooManySameIPs");
    // a worker that already exists keeps popping: the limit is on registering
    expect(outcome(await pop(ctx.t, a.apiKey, { name: `ipa-${a.id}`, models: SD }))).toBe("PopImageJobPayload");
    const trusted = await seedUser(ctx.db, { trusted: true });
    expect(outcome(await pop(ctx.t, trusted.apiKey, { name: `ipt-${trusted.id}`, models: SD }))).toBe(
      "PopImageJobPayload",
    );
    const n = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM workers WHERE name = $1", [
      `ipc-${c.id}`,
    ]);
    expect(n[0]!.n).toBe(0);
  });
});

describe("unreasonably fast workers", () => {
  it("raise suspicion per job done faster than SUSPICION_MAX_MPS, and five pause an untrusted owner's worker", async () => {
    const requester = await seedUser(ctx.db, { kudos: 10_000 });
    const owner = await seedUser(ctx.db);
    const name = `fast-${owner.id}`;
    let workerId = "";
    for (let i = 0; i < 5; i++) {
      await createRequest(ctx.t, requester.apiKey, { prompt: `fast ${i}`, models: SD, params: { steps: 50 } });
      const p = await pop(ctx.t, owner.apiKey, { name, models: SD });
      expect(p.jobs, `pop ${i}: ${outcome(p)}`).toHaveLength(1);
      // 512×512×50 pixelsteps within milliseconds: thousands of megapixelsteps per second
      expect(outcome(await submit(ctx.t, owner.apiKey, { id: p.jobs[0]!.id }))).toBe("SubmitImageJobPayload");
      workerId = (await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]))[0]!.id;
    }
    const seen = (await ctx.t.gql(WORKER, { id: workerId }, { apikey: owner.apiKey })).data.worker;
    expect(seen.suspicion).toBeGreaterThanOrEqual(5);
    expect(seen.paused).toBe(true);
    // a paused worker is offered nothing
    await createRequest(ctx.t, requester.apiKey, { prompt: "after the pause", models: SD });
    expect((await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs).toHaveLength(0);
    // the figure is private: another user sees null
    const other = await seedUser(ctx.db);
    expect((await ctx.t.gql(WORKER, { id: workerId }, { apikey: other.apiKey })).data.worker.suspicion).toBeNull();
  });
});
