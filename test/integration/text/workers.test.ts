import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../../support/app.ts";
import { CREATE_KEY } from "../../support/kudos.ts";
import { createRequest, outcome, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";
import { createText, popText, popTextJobs } from "../../support/text.ts";

/** Text workers: declaration, eligibility (§3.3 text pop) and kind isolation (issue 12). */

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

let n = 0;
/** A fresh worker owner and a pop function for one of their text workers. */
async function textWorker(extra: Record<string, unknown> = {}, o: { trusted?: boolean } = {}) {
  const owner = await seedUser(ctx.db, o);
  const name = `tw-${owner.id}-${++n}`;
  // threads 4: a worker may hold a few jobs at once, so one test's earlier jobs do not block its pops
  const input = { name, models: ["koboldcpp/m-13B"], threads: 4, ...extra };
  return {
    owner,
    name,
    pop: async (more: Record<string, unknown> = {}) => popTextJobs(ctx.t, owner.apiKey, { ...input, ...more }),
  };
}

async function workerId(name: string) {
  const rows = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
  return rows[0]!.id;
}

describe("declaration", () => {
  it("registers a text worker with the pop defaults (maxLength 512, maxContextLength 2048) and its softprompts", async () => {
    const w = await textWorker({ softprompts: ["sp1"] });
    expect(await w.pop()).toEqual([]);
    const [row] = await ctx.db.query(
      "SELECT kind, max_length, max_context_length, softprompts, models, speed FROM workers WHERE name = $1",
      [w.name],
    );
    expect(row).toEqual({
      kind: "text",
      max_length: 512,
      max_context_length: 2048,
      softprompts: ["sp1"],
      models: ["koboldcpp/m-13B"],
      speed: 1,
    });
  });

  it("keeps declared text models and their sizes (from the name) in the model table; the first size stays", async () => {
    await ctx.db.query(
      "INSERT INTO known_models (name, kind, baseline, parameters) VALUES ('already-13B', 'text', 'text', 7000000000)",
    );
    const w = await textWorker({ models: ["org/Brand-New-70B", "no-size-model", "already-13B"] });
    await w.pop();
    const [kept] = await ctx.db.query<{ parameters: string }>(
      "SELECT parameters::text FROM known_models WHERE name = 'already-13B'",
    );
    expect(kept!.parameters).toBe("7000000000");
    const rows = await ctx.db.query<{ name: string; parameters: string | null }>(
      "SELECT name, parameters::text FROM known_models WHERE kind = 'text' AND name = ANY($1) ORDER BY name",
      [["org/Brand-New-70B", "no-size-model"]],
    );
    expect(rows).toEqual([
      { name: "no-size-model", parameters: null },
      { name: "org/Brand-New-70B", parameters: "70000000000" },
    ]);
  });

  it("refuses a bad declaration with a stable code", async () => {
    const owner = await seedUser(ctx.db);
    const code = async (input: Record<string, unknown>) =>
      outcome(await popText(ctx.t, owner.apiKey, { name: `bad-${owner.id}`, models: ["m"], ...input }));
    expect(await code({ models: [] })).toBe("NoValidModels");
    expect(await code({ maxLength: 8 })).toBe("InvalidMaxLength");
    expect(await code({ maxContextLength: 10 })).toBe("InvalidMaxContextLength");
    expect(await code({ maxConcurrentJobs: 99 })).toBe("InvalidMaxConcurrentJobs");
    expect(await code({ name: "a\u0000b" })).toBe("InvalidCharacters");
  });

  it("refuses Anonymous and shared keys", async () => {
    const r = await ctx.t.gql(
      'mutation { popTextJob(input: { name: "anon", models: ["m"] }) { __typename ... on Error { code } } }',
    );
    expect(r.data.popTextJob).toEqual({ __typename: "ForbiddenError", code: "AnonForbidden" });
    const owner = await seedUser(ctx.db, { kudos: 10 });
    const k = await ctx.t.gql(CREATE_KEY, { input: { name: "worker key" } }, { apikey: owner.apiKey });
    const key = k.data.createSharedKey.__typename === "CreateSharedKeyPayload" ? k.data.createSharedKey.key : "";
    expect(outcome(await popText(ctx.t, key, { name: `sk-${owner.id}`, models: ["m"] }))).toBe("SharedKeyForbidden");
    const flagged = await seedUser(ctx.db, { flagged: true });
    expect(outcome(await popText(ctx.t, flagged.apiKey, { name: `fl-${flagged.id}`, models: ["m"] }))).toBe(
      "WorkerFlaggedMaintenance",
    );
  });

  it("refuses a name another user's worker holds (WrongCredentials)", async () => {
    const w = await textWorker();
    await w.pop();
    const other = await seedUser(ctx.db);
    expect(outcome(await popText(ctx.t, other.apiKey, { name: w.name, models: ["m"] }))).toBe("WrongCredentials");
  });
});

describe("kind isolation", () => {
  it("refuses a text pop under an image worker's name, and an image pop under a text worker's (PolymorphicNameConflict)", async () => {
    const owner = await seedUser(ctx.db);
    expect(outcome(await pop(ctx.t, owner.apiKey, { name: `img-${owner.id}`, models: ["stable_diffusion"] }))).toBe(
      "PopImageJobPayload",
    );
    expect(outcome(await popText(ctx.t, owner.apiKey, { name: `img-${owner.id}`, models: ["m"] }))).toBe(
      "PolymorphicNameConflict",
    );
    expect(outcome(await popText(ctx.t, owner.apiKey, { name: `txt-${owner.id}`, models: ["m"] }))).toBe(
      "PopTextJobPayload",
    );
    expect(outcome(await pop(ctx.t, owner.apiKey, { name: `txt-${owner.id}`, models: ["stable_diffusion"] }))).toBe(
      "PolymorphicNameConflict",
    );
  });

  it("never hands a text worker an image job, nor an image worker a text job", async () => {
    const requester = await seedUser(ctx.db, { kudos: 100 });
    const imageId = await createRequest(ctx.t, requester.apiKey, { prompt: "a cat" });
    const w = await textWorker({ models: ["stable_diffusion"] });
    expect(await w.pop()).toEqual([]);
    const textId = await createText(ctx.t, requester.apiKey, {});
    const owner = await seedUser(ctx.db);
    const img = await pop(ctx.t, owner.apiKey, { name: `i-${owner.id}`, models: ["stable_diffusion"] });
    expect(img.jobs.map((j) => j.requestId)).toEqual([imageId]);
    expect(
      (await pop(ctx.t, owner.apiKey, { name: `i-${owner.id}`, models: ["stable_diffusion"], threads: 2 })).jobs,
    ).toEqual([]);
    const [job] = await w.pop();
    const [row] = await ctx.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [job!.id]);
    expect(row!.request_id).toBe(textId);
  });
});

describe("eligibility", () => {
  it("hands a job with the request's parameters, n 1 and the 150 s TTL", async () => {
    await createText(ctx.t, undefined, {
      prompt: "Hello",
      params: { maxLength: 100, maxContextLength: 1500, temperature: 0.5, samplerOrder: [6, 0, 1, 2, 3, 4, 5] },
      softprompt: "",
    });
    const w = await textWorker();
    const [job] = await w.pop();
    expect(job).toMatchObject({
      prompt: "Hello",
      model: "koboldcpp/m-13B",
      softprompt: "",
      ttl: 150,
      params: { n: 1, maxLength: 100, maxContextLength: 1500, temperature: 0.5, samplerOrder: [6, 0, 1, 2, 3, 4, 5] },
    });
    expect(job!.params.topK).toBeNull();
  });

  it("needs the worker's maxLength and maxContextLength to cover the request's", async () => {
    await createText(ctx.t, undefined, { params: { maxLength: 300, maxContextLength: 4096 } });
    expect(await (await textWorker({ maxLength: 299, maxContextLength: 8192 })).pop()).toEqual([]);
    expect(await (await textWorker({ maxLength: 1024, maxContextLength: 4095 })).pop()).toEqual([]);
    expect(await (await textWorker({ maxLength: 300, maxContextLength: 4096 })).pop()).toHaveLength(1);
  });

  it("matches models: the request's, or any when it names none", async () => {
    await createText(ctx.t, undefined, { models: ["wanted-7B"] });
    expect(await (await textWorker({ models: ["other-7B"] })).pop()).toEqual([]);
    const [job] = await (await textWorker({ models: ["other-7B", "wanted-7B"] })).pop();
    expect(job!.model).toBe("wanted-7B");
  });

  it("matches softprompts: a request's softprompt needs a worker that lists it; none matches everyone", async () => {
    await createText(ctx.t, undefined, { softprompt: "mysp" });
    expect(await (await textWorker({ softprompts: ["other"] })).pop()).toEqual([]);
    const [job] = await (await textWorker({ softprompts: ["other", "mysp"] })).pop();
    expect(job!.softprompt).toBe("mysp");
  });

  it("gives NSFW requests only to NSFW workers, trusted-only requests only to trusted owners' workers", async () => {
    await createText(ctx.t, undefined, { nsfw: true });
    expect(await (await textWorker()).pop()).toEqual([]);
    expect(await (await textWorker({ nsfw: true })).pop()).toHaveLength(1);
    await createText(ctx.t, undefined, { trustedWorkers: true });
    expect(await (await textWorker()).pop()).toEqual([]);
    expect(await (await textWorker({}, { trusted: true })).pop()).toHaveLength(1);
  });

  it("follows the request's allow list and deny list", async () => {
    const allowed = await textWorker();
    const other = await textWorker();
    await allowed.pop();
    await other.pop();
    await createText(ctx.t, undefined, { workers: [await workerId(allowed.name)] });
    expect(await other.pop()).toEqual([]);
    expect(await allowed.pop()).toHaveLength(1);
    await createText(ctx.t, undefined, { workers: [await workerId(other.name)], workerBlacklist: true });
    expect(await other.pop()).toEqual([]);
    expect(await allowed.pop()).toHaveLength(1);
  });

  it("in maintenance serves only its owner's requests, and says why when there are none", async () => {
    const w = await textWorker();
    await w.pop();
    await ctx.db.query("UPDATE workers SET maintenance = true, maintenance_msg = 'fixing' WHERE name = $1", [w.name]);
    await createText(ctx.t, undefined, {});
    expect(outcome(await popText(ctx.t, w.owner.apiKey, { name: w.name, models: ["koboldcpp/m-13B"] }))).toBe(
      "WorkerMaintenance",
    );
    const own = await createText(ctx.t, w.owner.apiKey, {});
    const [job] = await w.pop();
    const [row] = await ctx.db.query<{ request_id: string }>("SELECT request_id FROM jobs WHERE id = $1", [job!.id]);
    expect(row!.request_id).toBe(own);
  });

  it("takes validatedBackends requests only on a validated bridge", async () => {
    await createText(ctx.t, undefined, { validatedBackends: true });
    expect(await (await textWorker({ bridgeAgent: "my-bridge:1:x" })).pop()).toEqual([]);
    expect(await (await textWorker({ bridgeAgent: "KoboldCppEmbedWorker:2:x" })).pop()).toHaveLength(1);
  });

  it("asks 3, 4 or 5 tokens/s of a fast-only request's worker by its first model's size", async () => {
    const rich = await seedUser(ctx.db, { kudos: 10_000 });
    const speedCase = async (model: string, speed: number) => {
      const w = await textWorker({ models: [model] });
      // registered with a maxLength no request here fits, so the first pop takes nothing
      await w.pop({ maxLength: 16 });
      await ctx.db.query("UPDATE workers SET speed = $2 WHERE name = $1", [w.name, speed]);
      return (await w.pop()).length;
    };
    await createText(ctx.t, rich.apiKey, { slowWorkers: false });
    expect(await speedCase("big-70B", 2.9)).toBe(0);
    expect(await speedCase("mid-13B", 3.9)).toBe(0);
    expect(await speedCase("small-7B", 4.9)).toBe(0);
    expect(await speedCase("nosize", 4.9)).toBe(0);
    expect(await speedCase("big-70B", 3)).toBe(1);
    await createText(ctx.t, rich.apiKey, { slowWorkers: false });
    expect(await speedCase("mid-13B", 4)).toBe(1);
    await createText(ctx.t, rich.apiKey, { slowWorkers: false });
    expect(await speedCase("small-7B", 5)).toBe(1);
    // slow workers are welcome by default
    await createText(ctx.t, rich.apiKey, {});
    expect(await speedCase("small-7B", 0.5)).toBe(1);
  });
});

describe("models(kind: text)", () => {
  it("lists the text models workers declared, with their sizes, workers and waiting jobs", async () => {
    const w = await textWorker({ models: ["listed-70B", "listed-nosize"], threads: 2 });
    await w.pop();
    await createText(ctx.t, undefined, { models: ["listed-70B"], params: { n: 2, maxLength: 100 }, workers: [] });
    const r = await ctx.t.gql(
      "{ models(kind: text) { name type parameters workerCount count jobs queued } image: models { name } }",
    );
    const byName = new Map((r.data.models as { name: string }[]).map((m) => [m.name, m]));
    expect(byName.get("listed-70B")).toEqual({
      name: "listed-70B",
      type: "text",
      parameters: 70e9,
      workerCount: 1,
      count: 2,
      jobs: 2,
      queued: 200,
    });
    expect(byName.get("listed-nosize")).toMatchObject({ parameters: null, workerCount: 1, jobs: 0 });
    // image models are not text models
    expect((r.data.image as { name: string }[]).some((m) => m.name === "listed-70B")).toBe(false);
  });
});
