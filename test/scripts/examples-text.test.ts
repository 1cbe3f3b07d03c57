import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/app.ts";
import { useScriptRunner } from "../support/scripts.ts";

/** `npm run worker:sim -- --kind text` and `npm run client:example -- --kind text` (issue 12). */

const ctx = useTestApp();
const run = useScriptRunner();

describe("the example scripts with --kind text", () => {
  it("run the whole loop: the text worker serves the text client, which prints each text and says done", async () => {
    const env = { HORDE_URL: ctx.t.url };
    const worker = run("worker-sim", ["--kind", "text"], { ...env, WORKER_SPEED: "1000", WORKER_CONCURRENCY: "2" });
    const client = run("client-example", ["--kind", "text", "The keeper said:", "2", "40"], env);
    const result = await client.exited;
    worker.child.kill("SIGINT");
    await worker.exited;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("done: 2 text(s)");
    const texts = lines.filter((l) => l.startsWith("--- "));
    expect(texts).toHaveLength(2);
    for (const t of texts) expect(t).toMatch(/on koboldcpp\/sim-13B \(40 tokens, \d+(\.\d+)? kudos\)$/);
    expect(result.stdout).toMatch(/The keeper said: [A-Z][a-z]+ /);
  }, 150_000);

  it("refuses an unknown kind with one line", async () => {
    const r = await run("client-example", ["--kind", "video"], { HORDE_URL: ctx.t.url }).exited;
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('--kind must be one of image, text, alchemy, not "video"');
  }, 60_000);
});
