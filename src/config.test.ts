import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("loadConfig", () => {
  it("gives every setting its default when the environment is empty", () => {
    const c = loadConfig({});
    expect(c).toEqual({
      port: 3000,
      host: "0.0.0.0",
      databaseUrl: undefined,
      databasePoolSize: 10,
      dataDir: path.resolve("./data"),
      blobDir: path.resolve("./data/blobs"),
      publicUrl: undefined,
      redisUrl: undefined,
      redisPrefix: "horde:",
      logLevel: "info",
      nodeEnv: "development",
      modelReference: undefined,
      maxBodyBytes: 20 * 1024 * 1024,
      limits: { maxDepth: 10, maxAliases: 30, maxTokens: 2000, maxCost: 20_000 },
      rateLimit: { perIpPerMinute: 600, perKeyPerMinute: 1200 },
      requestExpirySeconds: 1200,
      maxImageBytes: 10 * 1024 * 1024,
      sweepIntervalMs: 5000,
      retentionSeconds: 1800,
      trustProxy: false,
      subscriptions: { perSocket: 100, perIp: 1000 },
      corsOrigins: "*",
      metrics: true,
      kudosTrustThreshold: null,
      unsafeIps: [],
      hordeAdmins: [],
      maxWorkersPerIp: 3,
      suspicionMaxMps: 20,
      ipBlockCacheMs: 5000,
      sourceUrlAllowPrivate: false,
    });
  });

  it("turns /metrics off with METRICS=false and refuses other words", () => {
    expect(loadConfig({ METRICS: "false" }).metrics).toBe(false);
    expect(loadConfig({ METRICS: "0" }).metrics).toBe(false);
    expect(() => loadConfig({ METRICS: "off" })).toThrow(/METRICS/);
  });

  it("reads CORS_ORIGINS as * or a list of origins", () => {
    expect(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins).toBe("*");
    expect(loadConfig({ CORS_ORIGINS: " https://a.example, http://b.example:8080 " }).corsOrigins).toEqual([
      "https://a.example",
      "http://b.example:8080",
    ]);
    expect(loadConfig({ MAX_SUBSCRIPTIONS_PER_SOCKET: "0" }).subscriptions.perSocket).toBe(0);
  });

  it("reads UNSAFE_IPS as addresses or networks and HORDE_ADMINS as user ids, refusing anything else", () => {
    expect(loadConfig({ UNSAFE_IPS: " 10.0.0.0/8, 2001:db8::1 ,203.0.113.7" }).unsafeIps).toEqual([
      "10.0.0.0/8",
      "2001:db8::1",
      "203.0.113.7",
    ]);
    expect(() => loadConfig({ UNSAFE_IPS: "10.0.0.0/33" })).toThrow(/UNSAFE_IPS/);
    expect(() => loadConfig({ UNSAFE_IPS: "example.com" })).toThrow(/UNSAFE_IPS/);
    expect(loadConfig({ HORDE_ADMINS: "1, 42" }).hordeAdmins).toEqual([1, 42]);
    expect(() => loadConfig({ HORDE_ADMINS: "1,x" })).toThrow(/HORDE_ADMINS/);
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it("reads and converts the values it is given", () => {
    const c = loadConfig({
      PORT: "8080",
      DATABASE_URL: "postgresql://u:p@db:5432/horde",
      REDIS_URL: "rediss://cache:6380",
      DATA_DIR: "/var/horde",
      PUBLIC_URL: "https://horde.example/",
      TRUST_PROXY: "1",
      MAX_DEPTH: "4",
      RATE_LIMIT_PER_MINUTE: "0",
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: "postgresql://u:p@db:5432/horde",
      redisUrl: "rediss://cache:6380",
      dataDir: "/var/horde",
      blobDir: "/var/horde/blobs",
      publicUrl: "https://horde.example",
      trustProxy: true,
      limits: { maxDepth: 4 },
      rateLimit: { perIpPerMinute: 0 },
    });
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "1.5"],
    ["DATABASE_URL", "mysql://x"],
    ["REDIS_URL", "http://x"],
    ["LOG_LEVEL", "loud"],
    ["MAX_BODY_BYTES", "1"],
    ["NODE_ENV", "staging"],
    ["TRUST_PROXY", "yes"],
    ["SOURCE_URL_ALLOW_PRIVATE", "yes"],
    ["PUBLIC_URL", "not a url"],
    ["CORS_ORIGINS", "https://a.example/path"],
    ["CORS_ORIGINS", ","],
    ["MAX_SUBSCRIPTIONS_PER_IP", "-1"],
  ])("refuses %s=%s with a ConfigError naming the variable", (name, value) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(new RegExp(`^\\s*${name}: `, "m"));
  });

  it("names every bad variable at once, not only the first", () => {
    expect(() => loadConfig({ PORT: "abc", LOG_LEVEL: "loud" })).toThrow(/PORT: [\s\S]*LOG_LEVEL: /);
  });
});

describe("start-up with a bad setting", () => {
  it("exits non-zero at once, naming the variable, without a stack trace", async () => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: "abc" },
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
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toMatch(/PORT: /);
    expect(output).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
