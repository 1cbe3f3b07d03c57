import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import { describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import type { Db } from "../../../src/infra/db.ts";
import { startTestApp, useTestDb } from "../../support/app.ts";
import { seedUser } from "../../support/seed.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

const ctx = useTestDb();

/**
 * The test database with a gate on `query`: while closed, each statement waits until the test
 * opens it, and `reached` resolves when the first one is waiting. The API-key lookup runs
 * through `query`, so a request with a key stays in flight for as long as the test wants.
 */
function gated(db: Db) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let onReached!: () => void;
  const reached = new Promise<void>((resolve) => {
    onReached = resolve;
  });
  let closed = false;
  const wrapped: Db = {
    ...db,
    async query(text, params) {
      if (closed) {
        onReached();
        await gate;
      }
      return db.query(text, params);
    },
  };
  return {
    db: wrapped,
    reached,
    close() {
      closed = true;
    },
    open,
  };
}

const refused = (err: unknown) => {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === "ECONNREFUSED";
};

describe("app.stop()", () => {
  it("closes an open graphql-ws socket with 1001", async () => {
    const t = await startTestApp(ctx.db);
    const client = createClient({
      url: t.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
    });
    const connected = new Promise((resolve) => client.on("connected", resolve));
    const closed = new Promise<CloseEvent>((resolve) => client.on("closed", (e) => resolve(e as CloseEvent)));
    try {
      await connected;
      await t.app.stop();
      const event = await closed;
      expect(event.code).toBe(1001);
    } finally {
      await client.dispose();
      await t.stop();
    }
  });

  it("lets an HTTP request in flight when stop() begins finish, and refuses new connections after", async () => {
    const g = gated(ctx.db);
    const t = await startTestApp(g.db);
    const user = await seedUser(ctx.db);
    try {
      g.close();
      const inFlight = fetch(t.url, {
        method: "POST",
        headers: { "content-type": "application/json", apikey: user.apiKey },
        body: JSON.stringify({ query: "{ me { id username } }" }),
      });
      await g.reached;
      let stopped = false;
      const stopping = t.app.stop().then(() => {
        stopped = true;
      });
      // While the request waits, stop() waits for it, and the port no longer accepts anyone.
      await expect(fetch(t.url.replace("/graphql", "/health"))).rejects.toSatisfy(refused);
      expect(stopped).toBe(false);
      g.open();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { me: { id: String(user.id), username: user.username } } });
      await stopping;
      expect(stopped).toBe(true);
      await expect(fetch(t.url)).rejects.toSatisfy(refused);
      const ws = new WebSocket(t.wsUrl, "graphql-transport-ws");
      const wsError = await new Promise<Error>((resolve) => ws.on("error", resolve));
      expect((wsError as Error & { code?: string }).code).toBe("ECONNREFUSED");
    } finally {
      g.open();
      await t.stop();
    }
  });

  it("returns the same promise when called twice", async () => {
    const t = await startTestApp(ctx.db);
    const first = t.app.stop();
    expect(t.app.stop()).toBe(first);
    await first;
    await t.stop();
  });
});

describe.skipIf(Boolean(process.env.DATABASE_URL))("closing PGlite", () => {
  it("does not hang when a client abandoned a request just before the app stopped", async () => {
    // In a child process: the old failure spun inside PGlite and blocked the event loop, which
    // no timer in this process could have interrupted.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/scripts/close-after-abort.ts", inject("pgliteSnapshot")],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    // Starting takes a few seconds, much more on a loaded machine; the hang never ended.
    const killer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    clearTimeout(killer);
    expect(output.trim().split("\n")).toEqual(["started", "abandoned", "stopped", "closed"]);
    expect(code).toBe(0);
  }, 60_000);
});

describe("src/main.ts", () => {
  it("serves, then on SIGTERM stops gracefully and exits 0", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "horde-main-"));
    if (!ctx.tdb.url) {
      // Start from the migrated snapshot (a tar of the data directory): a fresh on-disk PGlite
      // takes 10 s or more to create, this about 4.
      mkdirSync(path.join(dataDir, "pglite"));
      const untar = spawnSync("tar", ["xf", inject("pgliteSnapshot"), "-C", path.join(dataDir, "pglite")]);
      expect(untar.status).toBe(0);
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      DATA_DIR: dataDir,
      // The test database when there is a Postgres: already migrated, and dropped with the file's.
      ...(ctx.tdb.url ? { DATABASE_URL: ctx.tdb.url } : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `test-main-${process.pid}:` } : {}),
    };
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Bounded: a child that does not exit is killed (exit code null) well within the test's time.
    const killer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const logs: { msg?: string; url?: string }[] = [];
    const listening = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        logs.push(entry);
        if (entry.url) resolve(entry.url);
      });
      exited.then((code) => reject(new Error(`exited with ${code} before listening: ${stderr}`)));
    });
    try {
      const url = await listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ me { id username } }" }),
      });
      expect(await res.json()).toEqual({ data: { me: { id: "0", username: "Anonymous" } } });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["stopping", "stopped"]));
      expect(stderr).toBe("");
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});
