import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm start` as a first user meets it, in real child processes: each start-up failure is one
 * line naming the variable, within 10 s; two servers never share one DATA_DIR.
 */
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const children: ChildProcess[] = [];

afterAll(async () => {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(running.map((c) => new Promise((resolve) => c.once("exit", resolve).kill("SIGTERM"))));
});

function start(env: Record<string, string>) {
  // node --import tsx: one process, so its pid is the server's (the tsx binary runs a child).
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stderr, stdout })),
  );
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", () => {
      if (stdout.includes("Horde GraphQL listening")) resolve();
    });
    void exited.then((r) => reject(new Error(`exited ${r.code}: ${r.stderr}`)));
  });
  // Only the callers that wait for it care that it never came.
  listening.catch(() => {});
  return { child, exited, listening };
}

/** Starts the server with `env`, expecting it to fail: its one line, exit code and duration. */
async function failure(env: Record<string, string>) {
  const began = performance.now();
  const { exited } = start(env);
  const r = await exited;
  return { ...r, lines: r.stderr.trim().split("\n"), seconds: (performance.now() - began) / 1000 };
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "horde-start-"));

describe("start-up failures", () => {
  it.each([
    ["DATA_DIR", { DATA_DIR: "/proc/nope" }, /DATA_DIR: cannot create \/proc\/nope/],
    ["BLOB_DIR", { BLOB_DIR: "FILE" }, /BLOB_DIR: .* is not a directory/],
    [
      "DATABASE_URL unreachable",
      { DATABASE_URL: "postgresql://horde:horde@127.0.0.1:1/horde" },
      /DATABASE_URL: cannot reach the database at 127\.0\.0\.1:1/,
    ],
    [
      "DATABASE_URL credentials",
      { DATABASE_URL: "postgresql://horde:not-the-password@127.0.0.1:5432/horde" },
      /DATABASE_URL: the database refused the credentials of user horde/,
    ],
  ])(
    "%s: one line naming the variable, exit 1, within 10 s",
    async (_name, env, line) => {
      const dir = tmp();
      const file = path.join(dir, "a-file");
      writeFileSync(file, "");
      const e = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "FILE" ? file : v]));
      const r = await failure({ DATA_DIR: path.join(dir, "data"), ...e });
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(line);
      expect(r.code).toBe(1);
      expect(r.seconds).toBeLessThan(10);
    },
    30_000,
  );

  it("PORT in use: one line naming the variable, exit 1, within 10 s", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await failure({ DATA_DIR: path.join(tmp(), "data"), PORT: String(port) });
      expect(r.lines).toEqual([`Cannot start: PORT: port ${port} is already in use (on 127.0.0.1)`]);
      expect(r.code).toBe(1);
      expect(r.seconds).toBeLessThan(10);
    } finally {
      taken.close();
    }
  }, 30_000);
});

describe("one server per DATA_DIR", () => {
  it("refuses a second server on the same directory, naming it and the holder's pid; recovers after a kill", async () => {
    const dataDir = path.join(tmp(), "data");
    const first = start({ DATA_DIR: dataDir });
    await first.listening;
    const second = await failure({ DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.lines).toHaveLength(1);
    expect(second.lines[0]).toContain("DATA_DIR");
    expect(second.lines[0]).toContain(path.join(dataDir, "pglite"));
    expect(second.lines[0]).toContain(`in use by another server, held by process ${first.child.pid} `);

    // A killed server leaves its lock behind; the next start takes it over.
    first.child.kill("SIGKILL");
    await first.exited;
    const third = start({ DATA_DIR: dataDir });
    await third.listening;
    third.child.kill("SIGTERM");
    expect((await third.exited).code).toBe(0);
  }, 400_000);
});
