/**
 * Manual check that GraphiQL works in a real browser (not part of `npm test`: it needs Chromium).
 *
 *   PORT=4817 DATA_DIR=$(mktemp -d) npm start &
 *   npx tsx scripts/graphiql-browser-check.ts http://127.0.0.1:4817/graphql [/usr/bin/chromium]
 *
 * Registers a user and creates a request over HTTP, then drives the GraphiQL page in headless
 * Chromium over the DevTools protocol: types a query and the key into the Headers tab, runs it
 * (HTTP), then runs a worker-feed subscription the same way (graphql-ws, key as
 * `extensions.headers`; it is assigned the request just created), and
 * checks each response pane. Exits non-zero on any failure; saves a screenshot to /tmp.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import WebSocket from "ws";

const url = process.argv[2] ?? "http://127.0.0.1:3000/graphql";
const chromium = process.argv[3] ?? "/usr/bin/chromium";

async function gql(query: string, apikey?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apikey ? { apikey } : {}) },
    body: JSON.stringify({ query }),
  });
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

/** Polls for the DevTools port Chromium writes once it listens (no fixed port to collide on). */
async function devtoolsPort(profile: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    try {
      return readFileSync(join(profile, "DevToolsActivePort"), "utf8").split("\n")[0]!;
    } catch {
      await delay(100);
    }
  }
  throw new Error("Chromium did not start");
}

/** A minimal DevTools client: sends a command, resolves with its result. */
function cdp(socket: WebSocket) {
  let id = 0;
  const pending = new Map<number, (msg: { result?: unknown; error?: unknown }) => void>();
  socket.on("message", (data) => {
    const msg = JSON.parse(String(data));
    pending.get(msg.id)?.(msg);
  });
  return (method: string, params: object = {}) =>
    new Promise<{ result?: { value?: unknown }; exceptionDetails?: unknown }>((resolve, reject) => {
      const n = ++id;
      pending.set(n, (msg) =>
        msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result as never),
      );
      socket.send(JSON.stringify({ id: n, method, params }));
    });
}

/** Waits until the navigated page has finished loading (its context may be replaced meanwhile). */
async function loaded(send: ReturnType<typeof cdp>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const out = await send("Runtime.evaluate", {
      expression: `location.href === ${JSON.stringify(url)} && document.readyState === "complete"`,
      returnByValue: true,
    }).catch(() => undefined);
    if (out?.result?.value === true) return;
    await delay(100);
  }
  throw new Error("the page did not load");
}

/** In the page: fills the query and Headers editors, runs, waits until the response shows `expect`. */
const RUN_IN_PAGE = `async (query, headers, expect) => {
  const until = async (fn) => { for (let i = 0; i < 150; i++) { const v = fn(); if (v) return v; await new Promise((r) => setTimeout(r, 100)); } throw new Error("timed out"); };
  const cm = (el) => el.querySelector(".CodeMirror").CodeMirror;
  const editor = await until(() => document.querySelector(".graphiql-query-editor .CodeMirror") && document.querySelector(".graphiql-query-editor"));
  cm(editor).setValue(query);
  const tool = document.querySelector(".graphiql-editor-tool .graphiql-editor:not(.hidden)");
  cm(tool).setValue(headers);
  document.querySelector(".graphiql-execute-button").click();
  let last = "";
  try {
    return await until(() => { last = cm(document.querySelector(".graphiql-response")).getValue(); return last.includes(expect) ? last : null; });
  } catch { throw new Error("response pane shows: " + last + " | editors: " + JSON.stringify([...document.querySelectorAll(".graphiql-editor-tool .graphiql-editor")].map((e) => [e.className, e.offsetParent !== null, cm(e).getValue()]))); }
}`;

async function main() {
  const name = `browser${Date.now() % 1_000_000}`;
  const reg = (
    await gql(`mutation { registerUser(input: { username: "${name}" }) { ... on RegisterUserPayload { apiKey } } }`)
  ).registerUser as { apiKey: string };
  const created = (await gql(
    `mutation { createImageRequest(input: { prompt: "a lighthouse", allowDowngrade: true }) { __typename } }`,
    reg.apiKey,
  )) as { createImageRequest: { __typename: string } };
  if (created.createImageRequest.__typename !== "CreateImageRequestPayload") throw new Error("no request created");

  const profile = mkdtempSync(join(tmpdir(), "graphiql-check-"));
  const args = ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`];
  const browser = spawn(chromium, [...args, "--remote-debugging-port=0", "--window-size=1280,800", "about:blank"], {
    stdio: "ignore",
  });
  try {
    const port = await devtoolsPort(profile);
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const page = targets.find((t) => t.type === "page")!;
    const socket = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const send = cdp(socket);
    await send("Page.navigate", { url });
    await loaded(send);
    const headers = JSON.stringify({ apikey: reg.apiKey });
    const run = async (query: string, expect: string) => {
      const expression = `(${RUN_IN_PAGE})(${JSON.stringify(query)}, ${JSON.stringify(headers)}, ${JSON.stringify(expect)})`;
      const out = await send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
      if (out.exceptionDetails) throw new Error(`in page: ${JSON.stringify(out.exceptionDetails)}`);
      return String(out.result?.value);
    };
    console.log("query over HTTP:", await run("{ me { username } }", name));
    // A worker feed refuses an anonymous socket (AnonForbidden): a job arriving proves the key in
    // the Headers tab reached the server as the operation's `extensions.headers`.
    const sub = `subscription { imageJobAssigned(input: { name: "${name}-worker", models: ["stable_diffusion"] }) { id prompt } }`;
    console.log("subscription over graphql-ws:", await run(sub, '"prompt"'));
    const shot = (await send("Page.captureScreenshot", { format: "png" })) as unknown as { data: string };
    writeFileSync("/tmp/graphiql-check.png", Buffer.from(shot.data, "base64"));
    console.log("ok; screenshot in /tmp/graphiql-check.png");
    socket.close();
  } finally {
    browser.kill();
    await new Promise((r) => browser.once("exit", r));
    // Chromium's helpers may still be writing to the profile for a moment after it exits.
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch {}
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
