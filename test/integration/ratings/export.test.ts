import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { useTestApp } from "../../support/app.ts";
import { onPostgres } from "../../support/db.ts";
import { CREATE_KEY, expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { finishedRequest, rate, retain } from "../../support/ratings.ts";
import { seedUser } from "../../support/seed.ts";

const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
const ctx = useTestApp({ clock });
afterAll(async () => {
  await expectLedgerBalanced(ctx.db);
});

const exportUrl = () => ctx.t.url.replace(/\/graphql$/, "/dataset.jsonl");
const get = (headers: Record<string, string> = {}) => fetch(exportUrl(), { headers });

let moderator: { apiKey: string; id: number };
let shared: { id: string; jobs: string[] };
let rater: { apiKey: string; id: number };

beforeAll(async () => {
  moderator = await fundedUser(ctx.db, 100, { moderator: true });
  const requester = await fundedUser(ctx.db, 500);
  const owner = await seedUser(ctx.db);
  shared = await finishedRequest(ctx.t, requester.apiKey, owner, {
    prompt: "exported dunes",
    params: { n: 2, steps: 30, cfgScale: 6 },
    shared: true,
  });
  await finishedRequest(ctx.t, requester.apiKey, owner, { prompt: "private garden ww2" });
  await retain(ctx.t);
  rater = await seedUser(ctx.db);
  clock.advance(15_000);
  await rate(ctx.t, rater.apiKey, { generationId: shared.jobs[0]!, aesthetic: 8, artifacts: 1 });
  // too fast: stored, but not counted, so not exported
  clock.advance(500);
  await rate(ctx.t, rater.apiKey, { generationId: shared.jobs[1]!, aesthetic: 2 });
});

describe("GET /dataset.jsonl", () => {
  it("gives a moderator every shared image as one JSON line: prompt, parameters, model, image URL and counted ratings", async () => {
    const res = await get({ apikey: moderator.apiKey });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const text = await res.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual([...shared.jobs].sort());
    const first = lines.find((l) => l.id === shared.jobs[0]);
    expect(first).toMatchObject({
      prompt: "exported dunes",
      model: "stable_diffusion",
      params: expect.objectContaining({ steps: 30, cfgScale: 6, seed: "1" }),
      ratings: [{ aesthetic: 8, artifacts: 1 }],
      aestheticMean: 8,
    });
    expect(lines.find((l) => l.id === shared.jobs[1])).toMatchObject({ ratings: [], aestheticMean: null });
    expect((await fetch(first.imageUrl)).status).toBe(200);
    // nothing unshared, and nothing that names a user
    expect(text).not.toContain("ww2");
    expect(text).not.toMatch(/"(userId|requesterId|username)"/);
    expect(Object.keys(first).sort()).toEqual(
      [
        "aestheticMean",
        "createdAt",
        "height",
        "id",
        "imageUrl",
        "model",
        "nsfw",
        "params",
        "prompt",
        "ratings",
        "width",
      ].sort(),
    );
  });

  it("refuses everyone else: Anonymous and registered users 403, a bad key 401, a moderator's shared key 403", async () => {
    const anon = await get();
    expect(anon.status).toBe(403);
    expect((await anon.json()).errors[0].extensions.code).toBe("NotModerator");
    const user = await seedUser(ctx.db);
    const registered = await get({ apikey: user.apiKey });
    expect(registered.status).toBe(403);
    expect(await registered.text()).not.toContain("exported dunes");
    expect((await get({ apikey: "nobody-has-this-key" })).status).toBe(401);
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "mod key" } }, { apikey: moderator.apiKey });
    const key = made.data.createSharedKey.__typename === "CreateSharedKeyPayload" ? made.data.createSharedKey.key : "";
    const viaKey = await get({ authorization: `Bearer ${key}` });
    expect(viaKey.status).toBe(403);
    expect((await viaKey.json()).errors[0].extensions.code).toBe("SharedKeyForbidden");
  });
});

describe("npm run dataset:export", () => {
  // The script opens the database itself: on PGlite the test's database lives in this process.
  it.skipIf(!onPostgres)("writes the same lines as the route, image URLs under PUBLIC_URL", async () => {
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "dataset-")), "out.jsonl");
    const { stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/dataset-export.ts", file],
      {
        cwd: root,
        env: { PATH: process.env.PATH, DATABASE_URL: ctx.tdb.url!, PUBLIC_URL: "https://horde.example" },
      },
    );
    expect(stderr).toMatch(/dataset: 2 images exported/);
    const fromScript = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const fromRoute = (await (await get({ apikey: moderator.apiKey })).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(fromScript.map((l) => l.imageUrl.replace("https://horde.example", ""))).toEqual(
      fromRoute.map((l) => new URL(l.imageUrl).pathname),
    );
    expect(fromScript.map(({ imageUrl, ...rest }) => rest)).toEqual(fromRoute.map(({ imageUrl, ...rest }) => rest));
  });
});
