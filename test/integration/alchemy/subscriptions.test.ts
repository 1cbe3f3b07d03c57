import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { feedHub } from "../../../src/modules/jobs/jobs.feed.ts";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import {
  AlchemyJobAssignedDocument,
  AlchemyRequestUpdatedDocument,
  CreateAlchemyRequestDocument,
  PopAlchemyJobDocument,
  SubmitAlchemyJobDocument,
} from "../../generated/graphql.ts";
import { subscribe, useTestApp } from "../../support/app.ts";
import { createRequest, resetQueue, waitFor } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/** alchemyRequestUpdated and alchemyJobAssigned over a real WebSocket. */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));
const open: { unsubscribe(): void }[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) f.unsubscribe();
  await waitFor(() => feedHub(ctx.t.deps).size === 0, "every feed to close");
});

const PNG = makePng(512, 512, { alpha: false }).toString("base64");

async function request(apikey: string, forms: string[]) {
  const input = { sourceImage: PNG, forms: forms.map((name) => ({ name })) };
  const r = await ctx.t.gql(CreateAlchemyRequestDocument, { input }, { apikey });
  const p = r.data.createAlchemyRequest;
  if (p.__typename !== "CreateAlchemyRequestPayload" || !p.request) throw new Error(JSON.stringify(r));
  return p.request.id;
}

describe("alchemyRequestUpdated", () => {
  it("streams each form's state, then the results, and completes when every form has settled", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const id = await request(requester.apiKey, ["caption", "nsfw"]);
    const watch = subscribe(ctx.t.ws(), AlchemyRequestUpdatedDocument, { id });
    open.push(watch);
    const first = (await watch.next()).data!.alchemyRequestUpdated;
    expect(first.forms.map((f) => f.state)).toEqual(["WAITING", "WAITING"]);
    const pop = await ctx.t.gql(
      PopAlchemyJobDocument,
      { input: { name: `alc-${owner.id}`, forms: ["caption", "nsfw"], amount: 2, threads: 2 } },
      { apikey: owner.apiKey },
    );
    const p = pop.data.popAlchemyJob;
    if (p.__typename !== "PopAlchemyJobPayload") throw new Error(JSON.stringify(pop));
    let seen = (await watch.next()).data!.alchemyRequestUpdated;
    while (seen.forms.some((f) => f.state !== "PROCESSING")) seen = (await watch.next()).data!.alchemyRequestUpdated;
    expect(seen.state).toBe("processing");
    for (const job of p.jobs) {
      const result = job.form === "caption" ? { caption: "a grid" } : { nsfw: false };
      await ctx.t.gql(SubmitAlchemyJobDocument, { input: { id: job.id, result } }, { apikey: owner.apiKey });
    }
    while (!seen.done) seen = (await watch.next()).data!.alchemyRequestUpdated;
    expect(seen.state).toBe("done");
    expect(seen.forms.map((f) => f.result)).toEqual([{ caption: "a grid" }, { nsfw: false }]);
    await watch.completed();
  });

  it("ends at once with NotFound for an image request's id", async () => {
    const requester = await seedUser(ctx.db);
    const imageId = await createRequest(ctx.t, requester.apiKey, { prompt: "a lighthouse" });
    const watch = subscribe(ctx.t.ws(), AlchemyRequestUpdatedDocument, { id: imageId });
    open.push(watch);
    await expect(watch.next()).rejects.toThrow(/NotFound|No such request/);
  });
});

describe("alchemyJobAssigned", () => {
  it("pushes a form to a parked alchemist's feed when a request arrives, never an image job", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const owner = await seedUser(ctx.db);
    const hub = feedHub(ctx.t.deps);
    const parked = hub.parkedCount;
    const feed = subscribe(ctx.t.ws(owner.apiKey), AlchemyJobAssignedDocument, {
      input: { name: `feed-${owner.id}`, forms: ["GFPGAN"], maxTiles: 4 },
    });
    open.push(feed);
    await waitFor(() => hub.parkedCount > parked || feed.done, "the alchemist's feed to park");
    await createRequest(ctx.t, requester.apiKey, { prompt: "an image job" });
    await request(requester.apiKey, ["caption"]);
    const id = await request(requester.apiKey, ["GFPGAN"]);
    const job = (await feed.next()).data!.alchemyJobAssigned;
    expect(job).toMatchObject({ form: "GFPGAN", imageTiles: 1, ttl: 180 });
    const [row] = await ctx.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [job.id]);
    expect(row!.request_id).toBe(id);
    expect(feed.events).toHaveLength(1);
  });
});
