import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ANONYMOUS_API_KEY } from "../lib/ids.ts";
import { type Asset, type AssetSource, CSS, JS, pageBundle, scriptJson, serveAsset, servePage } from "./assets.ts";
import { exampleTabs } from "./graphiql-examples.ts";

const require = createRequire(import.meta.url);

/** The page's options; the headers tab opens with the key's place marked. */
export const GRAPHIQL_OPTIONS = {
  title: "Horde GraphQL",
  defaultQuery: "{\n  me {\n    id\n    username\n    kudos\n  }\n}\n",
  headers: JSON.stringify({ apikey: ANONYMOUS_API_KEY }, null, 2),
};

/** Where the page's assets are served; each URL carries its content hash, so it never changes. */
export const GRAPHIQL_ASSET_PREFIX = "/graphiql/assets/";

/** Where a package's files are. */
export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** graphql-ws's browser client (the global `graphqlWs`), shared by GraphiQL and the status page. */
export function graphqlWsSource(): AssetSource {
  return { name: "graphql-ws.min.js", file: join(packageDir("graphql-ws"), "umd/graphql-ws.min.js"), type: JS };
}

/**
 * The page's files, all from npm packages (nothing is fetched from the internet): the UMD builds
 * of React 18 (the last React with UMD builds; graphiql 3 accepts 16.8–18), GraphiQL 3 (its
 * bundle includes graphql-js and CodeMirror) and graphql-ws's browser client, and our start-up
 * script. Order matters: each script sets a global the later ones use.
 */
function sources(): AssetSource[] {
  const pkg = packageDir;
  return [
    { name: "graphiql.min.css", file: join(pkg("graphiql"), "graphiql.min.css"), type: CSS },
    { name: "react.production.min.js", file: join(pkg("react"), "umd/react.production.min.js"), type: JS },
    { name: "react-dom.production.min.js", file: join(pkg("react-dom"), "umd/react-dom.production.min.js"), type: JS },
    { name: "graphiql.min.js", file: join(pkg("graphiql"), "graphiql.min.js"), type: JS },
    graphqlWsSource(),
    { name: "boot.js", file: fileURLToPath(new URL("./graphiql-boot.js", import.meta.url)), type: JS },
  ];
}

/** The small HTML page: links to the hashed assets (relative, so a path prefix still works). */
function html(assets: Asset[]): string {
  const url = (a: Asset) => `.${GRAPHIQL_ASSET_PREFIX}${a.path}`;
  const styles = assets.filter((a) => a.path.endsWith(".css"));
  const scripts = assets.filter((a) => a.path.endsWith(".js"));
  const config = {
    defaultQuery: GRAPHIQL_OPTIONS.defaultQuery,
    headers: GRAPHIQL_OPTIONS.headers,
    tabs: exampleTabs(GRAPHIQL_OPTIONS.headers),
  };
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${GRAPHIQL_OPTIONS.title}</title>`,
    // An empty inline icon: without it the browser asks for /favicon.ico and logs our 404.
    '<link rel="icon" href="data:,">',
    "<style>html,body,#graphiql{height:100%;margin:0;overflow:hidden}</style>",
    ...styles.map((a) => `<link rel="stylesheet" href="${url(a)}">`),
    "</head>",
    "<body>",
    '<div id="graphiql">Loading GraphiQL…</div>',
    `<script type="application/json" id="graphiql-config">${scriptJson(config)}</script>`,
    ...scripts.map((a) => `<script src="${url(a)}"></script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** Reads, hashes and compresses the page and its assets once per process. */
const loaded = pageBundle(sources, html);

/** Loads and compresses in the background, so the first visitor does not wait for it. */
export function warmGraphiQL(): void {
  loaded().catch(() => {});
}

/** Whether a request is a browser asking for the page (as Yoga decides: GET accepting HTML). */
export function wantsGraphiQL(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && (req.headers.accept ?? "").includes("text/html");
}

/** Serves the GraphiQL page (revalidated on every visit). */
export function serveGraphiQL(req: IncomingMessage, res: ServerResponse): Promise<void> {
  return servePage(req, res, loaded);
}

/** Serves one of GraphiQL's assets by its hashed path (what follows GRAPHIQL_ASSET_PREFIX). */
export function serveGraphiQLAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  return serveAsset(req, res, loaded, path);
}
