import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { ModelsDocument, WorkerDocument, WorkersDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { CREATE, createRequest, offlineWorkers, outcome, POP, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock();
const ctx = useTestApp({ clock });
beforeEach(async () => {
  await resetQueue(ctx.db);
  await offlineWorkers(ctx.db);
});

const SD = ["stable_diffusion"];

const MODELS = ModelsDocument;

describe("the model reference", () => {
  it("lists the bundled models with the number of online workers serving each", async () => {
    const owner = await seedUser(ctx.db);
    let models = (await ctx.t.gql(MODELS)).data.models;
    expect(models.length).toBeGreaterThanOrEqual(20);
    expect(models.find((m) => m.name === "stable_diffusion")).toMatchObject({
      baseline: "stable_diffusion_1",
      workerCount: 0,
    });
    expect(models.find((m) => m.name === "SDXL 1.0")).toMatchObject({ baseline: "stable_diffusion_xl" });

    await pop(ctx.t, owner.apiKey, { name: `m1-${owner.id}`, models: ["stable_diffusion", "Deliberate"] });
    await pop(ctx.t, owner.apiKey, { name: `m2-${owner.id}`, models: ["stable_diffusion"] });
    models = (await ctx.t.gql(MODELS)).data.models;
    expect(models.find((m) => m.name === "stable_diffusion")?.workerCount).toBe(2);
    expect(models.find((m) => m.name === "Deliberate")?.workerCount).toBe(1);
    expect(models.find((m) => m.name === "SDXL 1.0")?.workerCount).toBe(0);

    // a worker that has not checked in for more than 5 minutes is not counted
    clock.advance(301_000);
    models = (await ctx.t.gql(MODELS)).data.models;
    expect(models.find((m) => m.name === "stable_diffusion")?.workerCount).toBe(0);
  });

  it("accepts a request naming a model outside the reference (a custom model; issue 12)", async () => {
    const user = await seedUser(ctx.db, { kudos: 50 });
    const r = await ctx.t.gql(
      CREATE,
      { input: { prompt: "p", models: ["stable_diffusion", "MyOwnMix"] } },
      { apikey: user.apiKey },
    );
    expect(outcome(r.data.createImageRequest)).toBe("CreateImageRequestPayload");
  });

  it("refuses a pop that declares only unknown models with NoValidModels and registers nothing", async () => {
    const owner = await seedUser(ctx.db);
    const r = await pop(ctx.t, owner.apiKey, { name: `unknown-${owner.id}`, models: ["MyOwnMix", "Other"] });
    expect(outcome(r)).toBe("NoValidModels");
    const rows = await ctx.db.query("SELECT 1 FROM workers WHERE user_id = $1", [owner.id]);
    expect(rows).toHaveLength(0);
  });

  it("drops the unknown models of a pop and serves the known ones", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 50 });
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "deliberately", models: ["Deliberate"] });
    const r = await pop(ctx.t, owner.apiKey, { name: `mixed-${owner.id}`, models: ["MyOwnMix", "Deliberate"] });
    expect(r.jobs).toHaveLength(1);
    expect(r.jobs[0]).toMatchObject({ requestId: id, model: "Deliberate" });
    const w = await ctx.db.query<{ models: string[] }>("SELECT models FROM workers WHERE name = $1", [
      `mixed-${owner.id}`,
    ]);
    expect(w[0]!.models).toEqual(["Deliberate"]);
  });
});

const WORKER = WorkerDocument;
const WORKERS = WorkersDocument;

describe("workers", () => {
  it("registers a worker for its owner on its first pop, and shows it online with its models", async () => {
    const owner = await seedUser(ctx.db);
    const name = `first-pop-${owner.id}`;
    const r = await pop(ctx.t, owner.apiKey, { name, models: ["stable_diffusion", "Deliberate"] });
    expect(r.jobs).toEqual([]);
    const rows = await ctx.db.query<{ id: string; user_id: number }>(
      "SELECT id, user_id FROM workers WHERE name = $1",
      [name],
    );
    expect(rows).toEqual([{ id: expect.any(String), user_id: owner.id }]);
    const id = rows[0]!.id;

    const w = (await ctx.t.gql(WORKER, { id })).data.worker;
    expect(w).toMatchObject({
      id,
      name,
      online: true,
      models: ["stable_diffusion", "Deliberate"],
      owner: { id: String(owner.id) },
      trusted: false,
      maintenance: false,
      paused: false,
    });
    const list = (await ctx.t.gql(WORKERS)).data.workers.edges.map((e) => e.node);
    expect(list).toContainEqual({ id, name, online: true, models: ["stable_diffusion", "Deliberate"] });

    // a second pop under the same name is the same worker, checked in again
    await pop(ctx.t, owner.apiKey, { name, models: SD });
    expect(await ctx.db.query("SELECT 1 FROM workers WHERE name = $1", [name])).toHaveLength(1);
    expect((await ctx.t.gql(WORKER, { id })).data.worker!.models).toEqual(SD);

    clock.advance(301_000);
    expect((await ctx.t.gql(WORKER, { id })).data.worker!.online).toBe(false);
  });

  it("refuses Anonymous with AnonForbidden", async () => {
    const r = await pop(ctx.t, "0000000000", { name: "anon-worker", models: SD });
    expect(outcome(r)).toBe("AnonForbidden");
    const none = await ctx.t.gql(POP, { input: { name: "anon2", models: SD } });
    expect(none.data.popImageJob.code).toBe("AnonForbidden");
    expect(await ctx.db.query("SELECT 1 FROM workers WHERE name LIKE 'anon%'")).toHaveLength(0);
  });

  it("refuses a flagged owner's worker with WorkerFlaggedMaintenance", async () => {
    const flagged = await seedUser(ctx.db, { flagged: true });
    const r = await pop(ctx.t, flagged.apiKey, { name: `flagged-${flagged.id}`, models: SD });
    expect(outcome(r)).toBe("WorkerFlaggedMaintenance");
    expect(await ctx.db.query("SELECT 1 FROM workers WHERE user_id = $1", [flagged.id])).toHaveLength(0);
  });

  it("refuses a worker name that belongs to another user with WrongCredentials", async () => {
    const alice = await seedUser(ctx.db);
    const bob = await seedUser(ctx.db);
    const name = `taken-${alice.id}`;
    await pop(ctx.t, alice.apiKey, { name, models: SD });
    const r = await pop(ctx.t, bob.apiKey, { name, models: SD });
    expect(outcome(r)).toBe("WrongCredentials");
    const rows = await ctx.db.query<{ user_id: number }>("SELECT user_id FROM workers WHERE name = $1", [name]);
    expect(rows).toEqual([{ user_id: alice.id }]);
  });

  it("lets an untrusted owner run 3 workers and refuses the 4th with TooManyWorkers; a trusted one may run more", async () => {
    const owner = await seedUser(ctx.db);
    for (let i = 0; i < 3; i++) {
      expect(outcome(await pop(ctx.t, owner.apiKey, { name: `limit-${owner.id}-${i}`, models: SD }))).toBe(
        "PopImageJobPayload",
      );
    }
    expect(outcome(await pop(ctx.t, owner.apiKey, { name: `limit-${owner.id}-3`, models: SD }))).toBe("TooManyWorkers");
    // the existing ones still check in
    expect(outcome(await pop(ctx.t, owner.apiKey, { name: `limit-${owner.id}-0`, models: SD }))).toBe(
      "PopImageJobPayload",
    );
    const trusted = await seedUser(ctx.db, { trusted: true });
    for (let i = 0; i < 4; i++) {
      expect(outcome(await pop(ctx.t, trusted.apiKey, { name: `limit-t-${trusted.id}-${i}`, models: SD }))).toBe(
        "PopImageJobPayload",
      );
    }
  });
});
