import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";

/**
 * Headless Chromium driven over the DevTools protocol with the `ws` package the project already
 * has (no puppeteer, nothing downloaded at run time). Debian's `chromium` by default;
 * CHROMIUM_PATH overrides it. .ci/run installs it.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Whether browser tests run here: yes when Chromium is installed; without it they are skipped
 * locally, and in CI (CI set) they run and fail with {@link missingChromium}'s message.
 */
export const browserTests = existsSync(CHROMIUM_PATH) || Boolean(process.env.CI);

/** Throws the clear message CI shows when Chromium is missing. */
export function missingChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  }
}

type Send = (method: string, params?: object) => Promise<Record<string, unknown>>;

/** One page (tab) of the browser. */
export interface Page {
  /** Sends a DevTools command to the page. */
  send: Send;
  /** Evaluates an expression in the page; awaits it when it is a promise; returns its JSON value. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Navigates and resolves when the page's load event fired. */
  goto(url: string): Promise<void>;
  /** A PNG of the viewport. */
  screenshot(): Promise<Buffer>;
  /** Messages the page logged (console and uncaught exceptions), for failure reports. */
  readonly logs: string[];
}

export interface Browser {
  page(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

/** Resolves with the DevTools URL Chromium prints on stderr once it listens (port 0: no collision). */
function devtoolsUrl(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += String(chunk);
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (m) {
        proc.stderr?.off("data", onData);
        resolve(m[1]!);
      }
    };
    proc.stderr?.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`Chromium exited (${code}) before listening: ${text.slice(-2000)}`)));
    proc.once("error", reject);
  });
}

/** A DevTools connection: commands by id, events by method (per session when flattened). */
function connect(socket: WebSocket) {
  let id = 0;
  const pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(msg: { method: string; params: Record<string, unknown>; sessionId?: string }) => void>();
  socket.on("message", (data) => {
    const msg = JSON.parse(String(data));
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${JSON.stringify(msg.error)}`));
      else p?.resolve(msg.result ?? {});
    } else {
      for (const l of listeners) l(msg);
    }
  });
  socket.on("close", () => {
    for (const p of pending.values()) p.reject(new Error("DevTools connection closed"));
    pending.clear();
  });
  const send = (method: string, params: object = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      socket.send(JSON.stringify({ id: n, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  return { send, listeners };
}

/** Starts headless Chromium with a throwaway profile. */
export async function launchChromium(): Promise<Browser> {
  missingChromium();
  const profile = mkdtempSync(join(tmpdir(), "horde-chromium-"));
  const proc = spawn(
    CHROMIUM_PATH,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  let socket: WebSocket;
  try {
    socket = new WebSocket(await devtoolsUrl(proc));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  } catch (err) {
    proc.kill();
    throw err;
  }
  const cdp = connect(socket);
  return {
    async page(width = 1280, height = 900) {
      const { targetId } = (await cdp.send("Target.createTarget", { url: "about:blank" })) as { targetId: string };
      const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId, flatten: true })) as {
        sessionId: string;
      };
      const send: Send = (method, params = {}) => cdp.send(method, params, sessionId);
      const logs: string[] = [];
      cdp.listeners.add((msg) => {
        if (msg.sessionId !== sessionId) return;
        if (msg.method === "Runtime.consoleAPICalled") {
          const args = (msg.params.args as { value?: unknown; description?: string }[]) ?? [];
          logs.push(`${msg.params.type}: ${args.map((a) => a.value ?? a.description).join(" ")}`);
        } else if (msg.method === "Runtime.exceptionThrown") {
          logs.push(`exception: ${JSON.stringify(msg.params.exceptionDetails)}`);
        }
      });
      await send("Runtime.enable");
      await send("Page.enable");
      await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
      const loadFired = () =>
        new Promise<void>((resolve) => {
          const l = (msg: { method: string; sessionId?: string }) => {
            if (msg.sessionId === sessionId && msg.method === "Page.loadEventFired") {
              cdp.listeners.delete(l);
              resolve();
            }
          };
          cdp.listeners.add(l);
        });
      return {
        send,
        logs,
        async evaluate<T>(expression: string) {
          const out = (await send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true })) as {
            result?: { value?: T };
            exceptionDetails?: { exception?: { description?: string }; text?: string };
          };
          if (out.exceptionDetails) {
            const d = out.exceptionDetails;
            throw new Error(`in the page: ${d.exception?.description ?? d.text}\n${logs.join("\n")}`);
          }
          return out.result?.value as T;
        },
        async goto(url: string) {
          const load = loadFired();
          const nav = (await send("Page.navigate", { url })) as { errorText?: string };
          if (nav.errorText) throw new Error(`navigation to ${url} failed: ${nav.errorText}`);
          await load;
        },
        async screenshot() {
          const { data } = (await send("Page.captureScreenshot", { format: "png" })) as { data: string };
          return Buffer.from(data, "base64");
        },
      };
    },
    async close() {
      socket.close();
      proc.kill();
      await exited;
      // Chromium's helpers may still be writing to the profile for a moment after it exits.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch {
        // a temporary directory left behind is not the test's failure
      }
    },
  };
}
