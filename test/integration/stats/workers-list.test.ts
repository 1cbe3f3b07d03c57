import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/infra/clock.ts";
import { type WorkerFilter, type WorkerOrder, WorkersWithStatsDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { seedWorker } from "../../support/entity-stats.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * `workers` filters (kind, online, model, name, owner) and orderings (performance,
 * contributions, newest, oldest), paged with cursors that neither repeat nor skip a worker on
 * ties; a bad filter or cursor is a client error with a code.
 */

const clock = new ManualClock(Date.parse("2026-11-20T12:00:00Z"));
const ctx = useTestApp({ clock });
const MIN = 60_000;

let owner = { id: 0 };
let other = { id: 0 };
const ids: Record<string, string> = {};

beforeAll(async () => {
  owner = await seedUser(ctx.db);
  other = await seedUser(ctx.db);
  const now = clock.now().getTime();
  const add = async (name: string, o: Parameters<typeof seedWorker>[2], ownerId = owner.id) => {
    ids[name] = await seedWorker(ctx.db, ownerId, { name: `list_${name}`, ...o });
  };
  // created one minute apart, in this order
  await add("a", { createdAt: new Date(now - 9 * MIN), speed: 2e6, megapixelsteps: 10, lastCheckIn: new Date(now) });
  await add("b", { createdAt: new Date(now - 8 * MIN), speed: 2e6, megapixelsteps: 30, models: ["Deliberate"] });
  await add("c", {
    createdAt: new Date(now - 7 * MIN),
    speed: 5e6,
    megapixelsteps: 10,
    lastCheckIn: new Date(now - 299_000),
  });
  await add("d_x", { createdAt: new Date(now - 6 * MIN), speed: 2e6, megapixelsteps: 10, kind: "text" }, other.id);
  await add("dyx", { createdAt: new Date(now - 5 * MIN), speed: 1e6, megapixelsteps: 0 }, other.id);
  await add("E%", {
    createdAt: new Date(now - 4 * MIN),
    speed: 2e6,
    megapixelsteps: 10,
    models: ["Deliberate", "stable_diffusion"],
  });
});

async function list(filter: WorkerFilter, orderBy?: WorkerOrder, first = 100, after?: string) {
  const r = await ctx.t.gql(WorkersWithStatsDocument, { first, after, filter: { name: "list_", ...filter }, orderBy });
  expect(r.errors).toBeUndefined();
  return r.data.workers;
}

const names = (w: Awaited<ReturnType<typeof list>>) => w.edges.map((e) => e.node.name.replace(/^list_/, ""));

describe("workers filters", () => {
  it("filter by kind, online, model, name and owner, together", async () => {
    expect(names(await list({}))).toEqual(["a", "b", "c", "d_x", "dyx", "E%"]);
    expect(names(await list({ kind: "text" }))).toEqual(["d_x"]);
    expect(names(await list({ kind: "image", online: true }))).toEqual(["a", "c"]);
    expect(names(await list({ online: false }))).toEqual(["b", "d_x", "dyx", "E%"]);
    expect(names(await list({ model: "Deliberate" }))).toEqual(["b", "E%"]);
    expect(names(await list({ owner: String(other.id) }))).toEqual(["d_x", "dyx"]);
    expect(names(await list({ owner: String(other.id), kind: "image" }))).toEqual(["dyx"]);
    expect(names(await list({ owner: "2147483647" }))).toEqual([]);
  });

  it("a name filter matches a part of the name ignoring case, and _ or % only as themselves", async () => {
    expect(names(await list({ name: "LIST_D" }))).toEqual(["d_x", "dyx"]);
    expect(names(await list({ name: "list_d_" }))).toEqual(["d_x"]);
    expect(names(await list({ name: "%" }))).toEqual(["E%"]);
    expect(names(await list({ name: "\\" }))).toEqual([]);
  });

  it("the online filter follows the clock", async () => {
    clock.advance(2_000);
    expect(names(await list({ online: true }))).toEqual(["a"]);
    clock.advance(-2_000);
  });

  it("a bad filter is a client error with code InvalidFilter", async () => {
    for (const filter of [
      { owner: "abc" },
      { owner: "99999999999" },
      { owner: "-1" },
      { model: "" },
      { name: "x".repeat(201) },
    ]) {
      const r = await ctx.t.gql(WorkersWithStatsDocument, { first: 1, filter });
      expect(r.status).toBe(200);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(filter)).toBe("InvalidFilter");
    }
    const r = await ctx.t.gql(WorkersWithStatsDocument, { first: 1, filter: { model: "a\u0000b" } });
    expect(r.errors?.[0]?.extensions?.code).toBe("InvalidCharacters");
    const kind = await ctx.t.gql(`{ workers(filter: { kind: robot }) { edges { cursor } } }`);
    expect(kind.status).toBeLessThan(500);
    expect(kind.errors?.[0]?.message).toMatch(/robot/);
  });
});

describe("workers orderings and cursors", () => {
  it("orders by performance, contributions, newest and oldest, ties by id", async () => {
    const byId = (xs: string[]) => [...xs].sort((p, q) => (ids[p]! < ids[q]! ? -1 : 1));
    const tiedAt2 = byId(["a", "b", "d_x", "E%"]);
    expect(names(await list({}, "PERFORMANCE"))).toEqual(["c", ...tiedAt2, "dyx"]);
    expect(names(await list({}, "CONTRIBUTIONS"))).toEqual(["b", ...byId(["a", "c", "d_x", "E%"]), "dyx"]);
    expect(names(await list({}, "NEWEST"))).toEqual(["E%", "dyx", "d_x", "c", "b", "a"]);
    expect(names(await list({}, "OLDEST"))).toEqual(["a", "b", "c", "d_x", "dyx", "E%"]);
  });

  it("pages of one through every ordering give the whole list once, in order", async () => {
    for (const orderBy of ["PERFORMANCE", "CONTRIBUTIONS", "NEWEST", "OLDEST"] as const) {
      const whole = names(await list({}, orderBy));
      const paged: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await list({}, orderBy, 1, after);
        paged.push(...names(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor ?? undefined;
      }
      expect(paged, orderBy).toEqual(whole);
    }
  });

  it("a well-formed cursor that names no worker gives an empty page, not an error", async () => {
    const after = Buffer.from("GPC:S:00000000-0000-4000-8000-000000000000").toString("base64");
    for (const orderBy of ["PERFORMANCE", "OLDEST"] as const) {
      const page = await list({}, orderBy, 10, after);
      expect(page.edges).toEqual([]);
    }
  });

  it("a crafted cursor is a client error with code InvalidCursor", async () => {
    for (const after of [
      "nonsense",
      Buffer.from("GPC:S:not-a-uuid").toString("base64"),
      Buffer.from("GPC:N:1").toString("base64"),
    ]) {
      const r = await ctx.t.gql(WorkersWithStatsDocument, { first: 1, after });
      expect(r.status).toBe(200);
      expect(r.errors?.[0]?.extensions?.code, after).toBe("InvalidCursor");
    }
  });
});
