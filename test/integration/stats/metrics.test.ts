import { describe, expect, it } from "vitest";
import { auditLedger } from "../../../src/tasks/index.ts";
import { startTestApp, subscribe, type TestApp, useTestApp } from "../../support/app.ts";
import { createRequest, FEED, nextPark, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/** `/metrics`: the Prometheus text format, counted where things happen, per instance. */
const ctx = useTestApp();
const SD = ["stable_diffusion"];

/** Scrapes an app's /metrics; samples by `name{labels}` as printed (labels in prom-client's order). */
async function scrape(t: TestApp = ctx.t): Promise<Map<string, number>> {
  const res = await fetch(t.url.replace(/\/graphql$/, "/metrics"));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe("/metrics", () => {
  it("follows a job from the queue to its claim and settlement", async () => {
    await resetQueue(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const worker = await seedUser(ctx.db);
    const before = await scrape();
    expect(value(before, 'horde_queue_depth{kind="image"}')).toBe(0);

    await createRequest(ctx.t, requester.apiKey, { prompt: "a lighthouse", params: { n: 2 } });
    const queued = await scrape();
    expect(value(queued, 'horde_queue_depth{kind="image"}')).toBe(2);

    const popped = await pop(ctx.t, worker.apiKey, { name: `metrics-${worker.id}`, models: SD });
    expect(popped.jobs).toHaveLength(1);
    const claimed = await scrape();
    expect(value(claimed, 'horde_queue_depth{kind="image"}')).toBe(1);
    expect(value(claimed, 'horde_claims_total{kind="image"}') - value(before, 'horde_claims_total{kind="image"}')).toBe(
      1,
    );
    const count = 'horde_pickup_latency_seconds_count{kind="image"}';
    expect(value(claimed, count) - value(before, count)).toBe(1);
    expect(value(claimed, 'horde_pickup_latency_seconds_bucket{le="+Inf",kind="image"}')).toBe(value(claimed, count));

    const done = await submit(ctx.t, worker.apiKey, { id: popped.jobs[0]!.id });
    expect(done.__typename).toBe("SubmitImageJobPayload");
    const settled = await scrape();
    const ok = 'horde_settlements_total{kind="image",state="ok"}';
    expect(value(settled, ok) - value(before, ok)).toBe(1);
  });

  it("counts errors by their stable code: typed mutation errors, GraphQL errors and bad keys", async () => {
    const worker = await seedUser(ctx.db);
    const before = await scrape();
    const lost = await submit(ctx.t, worker.apiKey, { id: "00000000-0000-4000-8000-000000000000" });
    expect(lost.code).toBe("InvalidJobID");
    const syntax = await ctx.t.gql("{ me { id ");
    expect(syntax.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const unknown = await ctx.t.gql("{ me { noSuchField } }");
    expect(unknown.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const badKey = await ctx.t.gql("{ me { id } }", {}, { apikey: "nobody-has-this-key" });
    expect(badKey.errors?.[0]?.extensions?.code).toBe("InvalidAPIKey");
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(" ");
    const many = await ctx.t.gql(`{ ${aliases} }`);
    expect(many.errors?.[0]?.extensions?.code).toBe("MaxAliasesExceeded");

    const after = await scrape();
    for (const code of [
      "InvalidJobID",
      "GRAPHQL_PARSE_FAILED",
      "GRAPHQL_VALIDATION_FAILED",
      "InvalidAPIKey",
      "MaxAliasesExceeded",
    ]) {
      const key = `horde_errors_total{code="${code}"}`;
      expect(value(after, key) - value(before, key), code).toBe(1);
    }
  });

  it("counts the worker feeds and subscriptions this instance holds", async () => {
    await resetQueue(ctx.db);
    const owner = await seedUser(ctx.db);
    const before = await scrape();
    const parked = nextPark(ctx.t.deps);
    const feed = subscribe(ctx.t.ws(owner.apiKey), FEED, { input: { name: `feed-${owner.id}`, models: SD } });
    await parked;
    const open = await scrape();
    expect(value(open, "horde_feeds") - value(before, "horde_feeds")).toBe(1);
    expect(value(open, "horde_feeds_parked") - value(before, "horde_feeds_parked")).toBe(1);
    const ws = 'horde_subscriptions{transport="ws"}';
    expect(value(open, ws) - value(before, ws)).toBe(1);
    feed.unsubscribe();
  });

  it("reports the ledger check's last result once this instance has run it", async () => {
    const before = await scrape();
    expect(value(before, "horde_ledger_check_ok")).toBe(-1);
    expect(value(before, "horde_ledger_check_timestamp_seconds")).toBe(0);
    // seeded users got their balances without ledger rows: the check finds them
    const broken = await auditLedger(ctx.t.deps);
    expect(broken?.ok).toBe(false);
    const failed = await scrape();
    expect(value(failed, "horde_ledger_check_ok")).toBe(0);
    expect(value(failed, "horde_ledger_check_problems")).toBe(broken?.problems.length);
    expect(value(failed, "horde_ledger_check_timestamp_seconds")).toBeGreaterThan(0);
    // balances made to match the ledger: the next check holds
    await ctx.db.query(
      `UPDATE users u SET kudos = coalesce((SELECT sum(amount) FROM kudos_ledger l WHERE l.user_id = u.id), 0)`,
    );
    expect((await auditLedger(ctx.t.deps))?.ok).toBe(true);
    const held = await scrape();
    expect(value(held, "horde_ledger_check_ok")).toBe(1);
    expect(value(held, "horde_ledger_check_problems")).toBe(0);
  });

  it("counts rate-limit refusals as RateLimited", async () => {
    const limited = await startTestApp(ctx.db, { env: { RATE_LIMIT_PER_MINUTE: "1" } });
    try {
      expect((await limited.gql("{ me { id } }")).status).toBe(200);
      expect((await limited.gql("{ me { id } }")).status).toBe(429);
      expect(value(parse(await limited.deps.metrics.render()), 'horde_errors_total{code="RateLimited"}')).toBe(1);
    } finally {
      await limited.stop();
    }
  });

  it("keeps each instance's figures apart, and answers 404 when METRICS is off", async () => {
    const other = await startTestApp(ctx.db, { env: { METRICS: "false" } });
    try {
      const res = await fetch(other.url.replace(/\/graphql$/, "/metrics"));
      expect(res.status).toBe(404);
      // the other instance's registry is its own: nothing counted here shows there
      expect(value(await other.deps.metrics.render().then(parse), 'horde_claims_total{kind="image"}')).toBe(0);
      expect(value(await scrape(), 'horde_claims_total{kind="image"}')).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  });
});

function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}
