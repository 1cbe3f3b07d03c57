import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, subscribe, type TestApp } from "../../support/app.ts";
import { createTestDb, type TestDb } from "../../support/db.ts";
import {
  CREATE,
  createRequest,
  FEED,
  PNG_B64,
  pop,
  requestOf,
  STATUS,
  status,
  submit,
  WATCH,
} from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

let tdb: TestDb;
let t: TestApp;
beforeAll(async () => {
  tdb = await createTestDb();
  t = await startTestApp(tdb.db);
});
afterAll(async () => {
  await t.stop();
  await tdb.drop();
});

describe("the whole loop", () => {
  it("pushes a new request to a subscribed worker, and the requester watches it finish", async () => {
    const owner = await seedUser(tdb.db);
    const requester = await seedUser(tdb.db, { kudos: 100 });
    const feed = subscribe(t.ws(owner.apiKey), FEED, { input: { name: "loop-worker", models: ["stable_diffusion"] } });
    // wait for the worker to register (its first claim finds nothing)
    for (let i = 0; i < 50; i++) {
      const r = await tdb.db.query("SELECT 1 FROM workers WHERE name = 'loop-worker'");
      if (r.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const id = await createRequest(t, requester.apiKey, { prompt: "a lighthouse", params: { steps: 20 } });
    const watch = subscribe(t.ws(requester.apiKey), WATCH, { id });
    const first = await watch.next();
    expect(first.data?.imageRequestUpdated.id).toBe(id);
    const job = (await feed.next()).data!.imageJobAssigned;
    expect(await requestOf(tdb.db, job.id)).toBe(id);
    expect(job.prompt).toBe("a lighthouse");
    expect(job.model).toBe("stable_diffusion");
    const sub = await submit(t, owner.apiKey, { id: job.id, seed: job.params.seed });
    expect(sub.__typename).toBe("SubmitImageJobPayload");
    expect(sub.reward).toBeGreaterThan(0);
    let last = first.data!.imageRequestUpdated;
    while (!last.done) last = (await watch.next()).data!.imageRequestUpdated;
    expect(last.finished).toBe(1);
    expect(last.generations).toHaveLength(1);
    await watch.completed();
    const img = await fetch(last.generations[0].imageUrl);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await img.arrayBuffer()).toString("base64")).toBe(PNG_B64);
    feed.unsubscribe();
  });

  it("pop and submit over HTTP", async () => {
    const owner = await seedUser(tdb.db);
    const id = await createRequest(t, undefined, { prompt: "anon cat", params: { n: 2 } });
    const p = await pop(t, owner.apiKey, { name: "http-worker", models: ["stable_diffusion"], amount: 2 });
    expect(p.jobs.length).toBeGreaterThanOrEqual(1);
    for (const j of p.jobs)
      expect((await submit(t, owner.apiKey, { id: j.id })).__typename).toBe("SubmitImageJobPayload");
    const s = await status(t, id);
    void CREATE;
    void STATUS;
    expect(s.finished).toBe(p.jobs.length);
  });

  it("accepts mutations over the WebSocket too, so a worker can submit on its feed's socket", async () => {
    const owner = await seedUser(tdb.db);
    await createRequest(t, undefined, { prompt: "over the socket" });
    const client = t.ws(owner.apiKey);
    const feed = subscribe(client, FEED, { input: { name: "ws-submitter", models: ["stable_diffusion"] } });
    const job = (await feed.next()).data!.imageJobAssigned;
    const res = subscribe(
      client,
      `mutation($input: SubmitImageJobInput!) {
      submitImageJob(input: $input) { __typename ... on SubmitImageJobPayload { reward } ... on Error { code } }
    }`,
      { input: { id: job.id, seed: job.params.seed, image: PNG_B64 } },
    );
    const out = await res.next();
    expect(out.errors).toBeUndefined();
    expect(out.data?.submitImageJob.__typename).toBe("SubmitImageJobPayload");
    feed.unsubscribe();
  });
});
