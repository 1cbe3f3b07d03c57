import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("RETENTION_SECONDS", () => {
  it("defaults to 1800 and takes any whole number of seconds from 60", () => {
    expect(loadConfig({}).retentionSeconds).toBe(1800);
    expect(loadConfig({ RETENTION_SECONDS: "60" }).retentionSeconds).toBe(60);
    expect(loadConfig({ RETENTION_SECONDS: "86400" }).retentionSeconds).toBe(86_400);
  });

  it.each(["59", "0", "-1", "1.5", "abc", "60s"])("refuses RETENTION_SECONDS=%s, naming it", (value) => {
    let caught: unknown;
    try {
      loadConfig({ RETENTION_SECONDS: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(/^\s*RETENTION_SECONDS: /m);
  });

  it("stops start-up, exit 2, with the configuration error naming it", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, RETENTION_SECONDS: "30" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    clearTimeout(timer);
    expect(code).toBe(2);
    expect(output).toMatch(/^\s*RETENTION_SECONDS: Too small/m);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
