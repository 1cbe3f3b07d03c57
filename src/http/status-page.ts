import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { type Asset, type AssetSource, CSS, JS, pageBundle, serveAsset, servePage } from "./assets.ts";
import { graphqlWsSource } from "./graphiql.ts";

/**
 * The status page at `/`: the horde's live figures for people. Served like GraphiQL (assets.ts):
 * a small HTML page, then graphql-ws's browser build (from node_modules), our script and styles,
 * each content-hashed, precompressed and under the same CSP; no build step, nothing from the
 * internet. The charts are hand-written SVG (status-page.js), a few dozen lines instead of a
 * chart library.
 */

/** Where the page's assets are served. */
export const STATUS_ASSET_PREFIX = "/status/assets/";

function sources(): AssetSource[] {
  const here = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
  return [
    { name: "status-page.css", file: here("status-page.css"), type: CSS },
    graphqlWsSource(),
    { name: "status-page.js", file: here("status-page.js"), type: JS },
  ];
}

function tile(label: string, figure: string, sub: string): string {
  return `<div class="tile"><div class="label">${label}</div><div class="value" data-figure="${figure}">–</div><div class="sub">${sub}</div></div>`;
}

function chart(title: string, id: string, extra = ""): string {
  return `<div class="card"><h2>${title}</h2><svg id="${id}" viewBox="0 0 300 112" role="img" aria-label="${title}"></svg>${extra}</div>`;
}

function table(id: string, title: string, heads: [string, boolean][]): string {
  const th = heads.map(([h, num]) => `<th${num ? ' class="num"' : ""}>${h}</th>`).join("");
  return `<div class="card"><h2>${title}</h2><table id="${id}"><thead><tr>${th}</tr></thead><tbody><tr><td colspan="${heads.length}" class="empty">Loading…</td></tr></tbody></table></div>`;
}

/** The page: figures and empty charts the script fills; links relative, so a path prefix works. */
function html(assets: Asset[]): string {
  const url = (a: Asset) => `.${STATUS_ASSET_PREFIX}${a.path}`;
  const styles = assets.filter((a) => a.path.endsWith(".css"));
  const scripts = assets.filter((a) => a.path.endsWith(".js"));
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>Horde status</title>",
    '<link rel="icon" href="data:,">',
    ...styles.map((a) => `<link rel="stylesheet" href="${url(a)}">`),
    "</head>",
    "<body>",
    '<header><h1>Horde status</h1><span id="live" data-state="connecting">connecting…</span>',
    '<nav><a href="./graphql" id="graphiql-link">GraphiQL</a><a href="./metrics">Metrics</a></nav></header>',
    '<div id="maintenance" hidden>The horde is in maintenance: new requests are not accepted.</div>',
    "<main>",
    '<section class="tiles">',
    tile("Workers online", "workersOnline", 'threads: <span data-figure="threadsOnline">–</span>'),
    tile("Queued jobs", "queuedJobs", 'requests: <span data-figure="queuedRequests">–</span>'),
    tile(
      "Queued megapixelsteps",
      "queuedMegapixelsteps",
      'jobs in progress: <span data-figure="processingJobs">–</span>',
    ),
    tile(
      "Megapixelsteps, last minute",
      "pastMinuteMegapixelsteps",
      'images: <span data-figure="pastMinuteImages">–</span>',
    ),
    "</section>",
    '<section class="charts">',
    chart("Workers online", "chart-workers"),
    chart("Queue depth (jobs)", "chart-queue"),
    chart("Throughput (MPS, past minute)", "chart-throughput"),
    chart(
      "Load per model",
      "chart-models",
      '<div class="legend"><span class="q">■</span> queued jobs <span class="t">■</span> threads serving it</div>',
    ),
    "</section>",
    '<section class="tables">',
    table("top-models", "Top models", [
      ["Model", false],
      ["Threads", true],
      ["Jobs", true],
      ["Queued MPS", true],
      ["ETA", true],
      ["Performance", true],
    ]),
    table("top-workers", "Top workers (megapixelsteps generated)", [
      ["#", true],
      ["Worker", false],
      ["", false],
      ["Megapixelsteps", true],
    ]),
    "</section>",
    "</main>",
    '<footer>Updated <span id="updated">–</span> · live through the <code>hordeStatusUpdated</code> subscription</footer>',
    ...scripts.map((a) => `<script src="${url(a)}"></script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

const loaded = pageBundle(sources, html);

/** Loads and compresses in the background, so the first visitor does not wait for it. */
export function warmStatusPage(): void {
  loaded().catch(() => {});
}

/** Serves the status page (revalidated on every visit). */
export function serveStatusPage(req: IncomingMessage, res: ServerResponse): Promise<void> {
  return servePage(req, res, loaded);
}

/** Serves one of the page's assets by its hashed path (what follows STATUS_ASSET_PREFIX). */
export function serveStatusAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  return serveAsset(req, res, loaded, path);
}
