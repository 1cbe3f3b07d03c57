import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makePng, makeWebp } from "../../../src/modules/requests/test-images.ts";
import { AlchemyRequestDocument, CreateAlchemyRequestDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { CREATE_KEY } from "../../support/kudos.ts";
import { resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/** createAlchemyRequest and alchemyRequest through the API, on a real database. */

const ctx = useTestApp({ env: { SOURCE_URL_ALLOW_PRIVATE: "1" } });
beforeEach(() => resetQueue(ctx.db));

const png = makePng(1024, 1000, { alpha: false }).toString("base64"); // 2×2 = 4 tiles

type Input = Record<string, unknown>;

async function create(input: Input, apikey?: string) {
  const r = await ctx.t.gql(
    CreateAlchemyRequestDocument,
    { input: { forms: [{ name: "caption" }], ...input } as never },
    { apikey },
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createAlchemyRequest;
}

async function refusal(input: Input, apikey?: string): Promise<string> {
  const p = await create(input, apikey);
  return `${p.code ?? p.__typename}${p.field ? ` @ ${p.field}` : ""}`;
}

let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/cat.png") res.writeHead(200).end(Buffer.from(png, "base64"));
    else if (req.url === "/huge.webp") res.writeHead(200).end(makeWebp(8192, 8192));
    else res.writeHead(404).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("createAlchemyRequest", () => {
  it("stores one WAITING job per distinct form, the upload as a blob, and the tiles", async () => {
    const forms = [{ name: "caption" }, { name: "GFPGAN", payload: { strength: 1 } }, { name: "caption" }];
    const p = await create({ sourceImage: png, forms, slowWorkers: false });
    expect(p.__typename).toBe("CreateAlchemyRequestPayload");
    // caption 1 + 1, GFPGAN 3 × 4 tiles + 1 (slowWorkers false: no extra burn)
    expect(p.kudos).toBe(2 + 13);
    const req = p.request!;
    expect(req).toMatchObject({
      width: 1024,
      height: 1000,
      imageTiles: 4,
      done: false,
      state: "waiting",
      slowWorkers: false,
    });
    expect(req.forms.map((f) => [f.name, f.state, f.result])).toEqual([
      ["caption", "WAITING", null],
      ["GFPGAN", "WAITING", null],
    ]);
    expect(req.sourceImageUrl).toMatch(/\/blobs\/[0-9a-f-]{36}\.png$/);
    const served = await fetch(req.sourceImageUrl);
    expect(Buffer.from(await served.arrayBuffer()).toString("base64")).toBe(png);
    const jobs = await ctx.db.query<{ kind: string; model: string; models: string[]; payload: unknown }>(
      "SELECT kind, model, models, payload FROM jobs WHERE request_id = $1 ORDER BY idx",
      [req.id],
    );
    expect(jobs).toEqual([
      { kind: "alchemy", model: "caption", models: ["caption"], payload: {} },
      { kind: "alchemy", model: "GFPGAN", models: ["GFPGAN"], payload: { strength: 1 } },
    ]);
    const read = await ctx.t.gql(AlchemyRequestDocument, { id: req.id });
    expect(read.data.alchemyRequest?.forms).toHaveLength(2);
  });

  it("prices forms by §4.4, +1 more per form when slow workers are accepted (the default)", async () => {
    const price = async (forms: string[], slowWorkers?: boolean) =>
      (await create({ sourceImage: png, forms: forms.map((name) => ({ name })), slowWorkers, dryRun: true })).kudos;
    expect(await price(["caption"])).toBe(3);
    expect(await price(["caption"], false)).toBe(2);
    expect(await price(["interrogation"], true)).toBe(5);
    expect(await price(["interrogation"], false)).toBe(4);
    expect(await price(["nsfw", "RealESRGAN_x4plus"], false)).toBe(2 + 3 * 4 + 1);
    const before = await ctx.db.query("SELECT count(*)::int AS n FROM requests WHERE kind = 'alchemy'");
    await price(["caption"]);
    expect(await ctx.db.query("SELECT count(*)::int AS n FROM requests WHERE kind = 'alchemy'")).toEqual(before);
  });

  it("measures a URL without keeping the image: workers get the URL itself", async () => {
    const p = await create({ sourceImageUrl: `${base}/cat.png`, forms: [{ name: "nsfw" }] });
    expect(p.request).toMatchObject({ imageTiles: 4, sourceImageUrl: `${base}/cat.png` });
    const rows = await ctx.db.query("SELECT source_image_key, source_image_url FROM requests WHERE id = $1", [
      p.request!.id,
    ]);
    expect(rows).toEqual([{ source_image_key: null, source_image_url: `${base}/cat.png` }]);
  });

  it("refuses bad forms and bad images with stable codes naming the field", async () => {
    expect(await refusal({ sourceImage: png, forms: [] })).toBe("MissingForms @ forms");
    expect(await refusal({ sourceImage: png, forms: [{ name: "caption" }, { name: "upscale" }] })).toBe(
      "UnknownForm @ forms.1.name",
    );
    expect(await refusal({ sourceImage: png, forms: [{ name: "nsfw", payload: [1, 2] }] })).toBe(
      "InvalidFormPayload @ forms.0.payload",
    );
    expect(await refusal({})).toBe("MissingSourceImage @ sourceImage");
    expect(await refusal({ sourceImage: png, sourceImageUrl: `${base}/cat.png` })).toBe(
      "SourceImageConflict @ sourceImageUrl",
    );
    expect(await refusal({ sourceImage: "bm90IGFuIGltYWdl" })).toBe("InvalidSourceImage @ sourceImage");
    expect(await refusal({ sourceImage: makeWebp(8192, 8192).toString("base64") })).toBe(
      "SourceImageResolutionExceeded @ sourceImage",
    );
    expect(await refusal({ sourceImageUrl: `${base}/huge.webp` })).toBe(
      "SourceImageResolutionExceeded @ sourceImageUrl",
    );
    expect(await refusal({ sourceImageUrl: `${base}/gone.png` })).toBe("SourceImageDownloadFailed @ sourceImageUrl");
    expect(await refusal({ sourceImageUrl: "file:///etc/passwd" })).toBe("InvalidSourceImageUrl @ sourceImageUrl");
  });

  it("refuses a shared key: alchemy takes an account's own key", async () => {
    const owner = await seedUser(ctx.db, { kudos: 100 });
    const made = await ctx.t.gql(CREATE_KEY, { input: { name: "alchemy key" } }, { apikey: owner.apiKey });
    const key = made.data.createSharedKey.key as string;
    expect(await refusal({ sourceImage: png }, key)).toBe("SharedKeyForbidden");
    expect(await refusal({ sourceImage: png }, owner.apiKey)).toBe("CreateAlchemyRequestPayload");
  });

  it("limits open forms to concurrency × 10 per requester (§3.7)", async () => {
    const user = await seedUser(ctx.db, { concurrency: 1 });
    const nine = [
      "caption",
      "interrogation",
      "nsfw",
      "vectorize",
      "palette",
      "describe",
      "aesthetic",
      "GFPGAN",
      "CodeFormers",
    ];
    expect(await refusal({ sourceImage: png, forms: nine.map((name) => ({ name })) }, user.apiKey)).toBe(
      "CreateAlchemyRequestPayload",
    );
    expect(await refusal({ sourceImage: png, forms: [{ name: "caption" }, { name: "nsfw" }] }, user.apiKey)).toBe(
      "TooManyPrompts",
    );
    expect(await refusal({ sourceImage: png, forms: [{ name: "caption" }] }, user.apiKey)).toBe(
      "CreateAlchemyRequestPayload",
    );
    // image jobs do not count against it, nor do other users' forms
    const other = await seedUser(ctx.db, { concurrency: 1 });
    expect(await refusal({ sourceImage: png, forms: [{ name: "caption" }] }, other.apiKey)).toBe(
      "CreateAlchemyRequestPayload",
    );
  });

  it("finds nothing for an image request's id or a bad id", async () => {
    expect((await ctx.t.gql(AlchemyRequestDocument, { id: "nope" })).data.alchemyRequest).toBeNull();
    expect(
      (await ctx.t.gql(AlchemyRequestDocument, { id: "00000000-0000-0000-0000-000000000000" })).data.alchemyRequest,
    ).toBeNull();
  });
});
