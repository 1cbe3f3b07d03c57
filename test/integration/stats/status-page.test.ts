import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GRAPHIQL_EXAMPLES } from "../../../src/http/graphiql-examples.ts";
import { useTestApp } from "../../support/app.ts";
import { type Browser, browserTests, launchChromium, type Page } from "../../support/chromium.ts";
import { createRequest, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * The status page at `/`: served by the server alone, and live in a real headless Chromium
 * through the hordeStatusUpdated subscription. The screenshot lands in test-results/.
 */
const ctx = useTestApp();
const SD = ["stable_diffusion"];
const base = () => ctx.t.url.replace(/\/graphql$/, "");
const OUT = join(process.cwd(), "test-results");

describe("the status page over HTTP", () => {
  it("is served at / with its assets from this server only, under a CSP", async () => {
    const res = await fetch(`${base()}/`, { headers: { "accept-encoding": "br" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('href="./graphql"');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const assets = refs.filter((r) => r.startsWith("./status/assets/"));
    expect(assets.map((a) => a.split("/").pop()).sort()).toEqual([
      "graphql-ws.min.js",
      "status-page.css",
      "status-page.js",
    ]);
    for (const ref of refs) expect(ref).toMatch(/^(\.\/status\/assets\/|\.\/graphql$|\.\/metrics$|data:)/);
    for (const a of assets) {
      const asset = await fetch(new URL(a, `${base()}/`), { headers: { "accept-encoding": "gzip" } });
      expect(asset.status, a).toBe(200);
      expect(asset.headers.get("cache-control")).toContain("immutable");
      await asset.arrayBuffer();
    }
    const missing = await fetch(`${base()}/status/assets/nope/status-page.js`);
    expect(missing.status).toBe(404);
    await missing.text();
  });
});

/** In the page: resolves with the first status (the last one shown, or a later one) that `test` accepts. */
function statusWhere(page: Page, test: string, what: string): Promise<Record<string, number>> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const ok = (s) => s && (${test});
    if (ok(window.hordeStatusLast)) return resolve(window.hordeStatusLast);
    const timer = setTimeout(() => reject(new Error(${JSON.stringify(`no status update where ${what}; last: `)} + JSON.stringify(window.hordeStatusLast ?? null))), 20000);
    document.addEventListener("horde:status", function seen(e) {
      if (!ok(e.detail)) return;
      clearTimeout(timer);
      document.removeEventListener("horde:status", seen);
      resolve(e.detail);
    });
  })`);
}

/** In the page: resolves when `selector`'s text contains `text` (a MutationObserver, no polling). */
function textAppears(page: Page, selector: string, text: string): Promise<string> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const has = () => el.textContent.includes(${JSON.stringify(text)});
    if (has()) return resolve(el.textContent);
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error(${JSON.stringify(`${selector} never showed ${text}: `)} + el.textContent)); }, 20000);
    const obs = new MutationObserver(() => { if (has()) { obs.disconnect(); clearTimeout(timer); resolve(el.textContent); } });
    obs.observe(el, { childList: true, subtree: true, characterData: true });
  })`);
}

const figure = (page: Page, name: string) =>
  page.evaluate<string>(`document.querySelector('[data-figure="${name}"]').textContent`);

describe.runIf(browserTests)("the status page in headless Chromium", () => {
  // Started by the first test that needs it, so that a missing Chromium (in CI) fails each test
  // with its message instead of skipping them.
  let started: Promise<Browser> | undefined;
  const browser = {
    async page(w: number, h: number) {
      started ??= launchChromium();
      return (await started).page(w, h);
    },
  };
  afterAll(async () => {
    await (await started?.catch(() => undefined))?.close();
  });

  it("shows live figures that change when a job completes, and links to GraphiQL", async () => {
    await resetQueue(ctx.db);
    const requester = await seedUser(ctx.db, { kudos: 1000 });
    const owner = await seedUser(ctx.db);
    const workerName = `status-page-${owner.id}`;
    // the worker checks in (nothing to do yet): one worker online
    expect((await pop(ctx.t, owner.apiKey, { name: workerName, models: SD })).jobs).toHaveLength(0);

    const page = await browser.page(1280, 1000);
    await page.goto(`${base()}/`);
    const first = await statusWhere(page, "s.workersOnline >= 1", "a worker is online");
    expect(await figure(page, "workersOnline")).toBe(String(first.workersOnline));
    expect(await figure(page, "queuedJobs")).toBe("0");
    expect(await page.evaluate(`document.querySelector("#live").dataset.state`)).toBe("live");

    // a request arrives: the queue shows it
    await createRequest(ctx.t, requester.apiKey, { prompt: "a lighthouse at dusk", params: { n: 1 } });
    await statusWhere(page, "s.queuedJobs === 1", "one job is queued");
    expect(await figure(page, "queuedJobs")).toBe("1");
    expect(await figure(page, "queuedRequests")).toBe("1");

    // the worker does it: the queue empties and the last minute's throughput shows the image
    const popped = await pop(ctx.t, owner.apiKey, { name: workerName, models: SD });
    expect(popped.jobs).toHaveLength(1);
    expect((await submit(ctx.t, owner.apiKey, { id: popped.jobs[0]!.id })).__typename).toBe("SubmitImageJobPayload");
    const after = await statusWhere(
      page,
      "s.queuedJobs === 0 && s.pastMinuteImages >= 1",
      "the job is done and counted in the last minute",
    );
    expect(await figure(page, "queuedJobs")).toBe("0");
    expect(await figure(page, "pastMinuteImages")).toBe(String(after.pastMinuteImages));
    expect(Number(await figure(page, "pastMinuteMegapixelsteps"))).toBeGreaterThan(0);
    // the charts drew every update, and the queue chart's latest point is the empty queue
    expect(Number(await page.evaluate(`document.querySelector("#chart-queue").dataset.points`))).toBeGreaterThanOrEqual(
      3,
    );
    expect(await page.evaluate(`document.querySelector("#chart-queue").dataset.last`)).toBe("0");

    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, "status-page.png"), await page.screenshot());

    // the lists follow: the worker is on the leaderboard, its model in the per-model load
    await textAppears(page, "#top-workers tbody", workerName);
    await textAppears(page, "#top-models tbody", "stable_diffusion");
    expect(Number(await page.evaluate(`document.querySelector("#chart-models").dataset.models`))).toBeGreaterThan(0);

    const graphiql = await page.evaluate<string>(`document.querySelector("#graphiql-link").href`);
    expect(graphiql).toBe(`${base()}/graphql`);

    writeFileSync(join(OUT, "status-page.png"), await page.screenshot());
    expect(page.logs.filter((l) => l.startsWith("exception") || l.startsWith("error"))).toEqual([]);
  }, 60_000);

  it("opens GraphiQL with a tab per example, the first one's operations in the editor", async () => {
    const page = await browser.page(1280, 800);
    await page.goto(`${base()}/graphql`);
    const tabs = await page.evaluate<number>(`new Promise((resolve, reject) => {
      const count = () => document.querySelectorAll(".graphiql-tab").length;
      if (count() >= ${GRAPHIQL_EXAMPLES.length}) return resolve(count());
      const timer = setTimeout(() => { obs.disconnect(); reject(new Error("GraphiQL shows " + count() + " tabs")); }, 20000);
      const obs = new MutationObserver(() => { if (count() >= ${GRAPHIQL_EXAMPLES.length}) { obs.disconnect(); clearTimeout(timer); resolve(count()); } });
      obs.observe(document.body, { childList: true, subtree: true });
    })`);
    expect(tabs).toBe(GRAPHIQL_EXAMPLES.length);
    const editor = await page.evaluate<string>(
      `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue()`,
    );
    expect(editor).toContain("subscription HordeStatusLive");
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, "graphiql-examples.png"), await page.screenshot());
  }, 60_000);
});
