import { describe, expect, it } from "vitest";
import { subscribe, useTestApp } from "../../support/app.ts";
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
  waitFor,
} from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();

describe("the whole loop", () => {
  it("pushes a new request to a subscribed worker, and the requester watches it finish", async () => {
    const owner = await seedUser(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const feed = subscribe(ctx.t.ws(owner.apiKey), FEED, {
      input: { name: "loop-worker", models: ["stable_diffusion"] },
    });
    // the worker has registered once its first claim (which finds nothing) has run
    await waitFor(
      async () => (await ctx.db.query("SELECT 1 FROM workers WHERE name = 'loop-worker'")).length > 0,
      "the worker to register",
    );
    const id = await createRequest(ctx.t, requester.apiKey, { prompt: "a lighthouse", params: { steps: 20 } });
    const watch = subscribe(ctx.t.ws(requester.apiKey), WATCH, { id });
    const first = await watch.next();
    expect(first.data?.imageRequestUpdated.id).toBe(id);
    const job = (await feed.next()).data!.imageJobAssigned;
    expect(await requestOf(ctx.db, job.id)).toBe(id);
    expect(job.prompt).toBe("a lighthouse");
    expect(job.model).toBe("stable_diffusion");
    const sub = await submit(ctx.t, owner.apiKey, { id: job.id, seed: job.params.seed });
    expect(sub.__typename).toBe("SubmitImageJobPayload");
    expect(sub.reward).toBeGreaterThan(0);
    let last = first.data!.imageRequestUpdated;
    while (!last.done) last = (await watch.next()).data!.imageRequestUpdated;
    expect(last.finished).toBe(1);
    expect(last.generations).toHaveLength(1);
    await watch.completed();
    const img = await fetch(last.generations[0]!.imageUrl);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await img.arrayBuffer()).toString("base64")).toBe(PNG_B64);
    feed.unsubscribe();
  });

  it("pop and submit over HTTP", async () => {
    const owner = await seedUser(ctx.db);
    const id = await createRequest(ctx.t, undefined, { prompt: "anon cat", params: { n: 2 } });
    const p = await pop(ctx.t, owner.apiKey, { name: "http-worker", models: ["stable_diffusion"], amount: 2 });
    expect(p.jobs.length).toBeGreaterThanOrEqual(1);
    for (const j of p.jobs)
      expect((await submit(ctx.t, owner.apiKey, { id: j.id })).__typename).toBe("SubmitImageJobPayload");
    const s = await status(ctx.t, id);
    void CREATE;
    void STATUS;
    expect(s.finished).toBe(p.jobs.length);
  });

  it("accepts mutations over the WebSocket too, so a worker can submit on its feed's socket", async () => {
    const owner = await seedUser(ctx.db);
    await createRequest(ctx.t, undefined, { prompt: "over the socket" });
    const client = ctx.t.ws(owner.apiKey);
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
