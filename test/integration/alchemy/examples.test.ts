import { describe, expect, it } from "vitest";
import { useTestApp } from "../../support/app.ts";
import { useScriptRunner } from "../../support/scripts.ts";

/** `npm run worker:sim -- --kind alchemy` serves `npm run client:example -- --kind alchemy`. */

const ctx = useTestApp();
const run = useScriptRunner();

describe("the alchemy examples", () => {
  it("run the whole loop: the simulated alchemist delivers a plausible result for every form, the client prints them and says done", async () => {
    const env = { HORDE_URL: ctx.t.url };
    const worker = run("worker-sim", ["--kind", "alchemy"], { ...env, WORKER_FORM_MS: "10", WORKER_CONCURRENCY: "3" });
    const forms = "caption,interrogation,nsfw,GFPGAN";
    const client = run("client-example", ["--kind", "alchemy", "", forms], env);
    const result = await client.exited;
    worker.child.kill("SIGINT");
    await worker.exited;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("done: 4 of 4 form(s) delivered");
    expect(lines.some((l) => l.startsWith("caption (by sim-alchemist-") && l.includes('{"caption":'))).toBe(true);
    expect(lines.some((l) => l.startsWith("nsfw (by") && l.includes('{"nsfw":false}'))).toBe(true);
    expect(lines.some((l) => l.startsWith("interrogation (by") && l.includes('"tags"'))).toBe(true);
    expect(lines.some((l) => l.startsWith("GFPGAN (by") && /\/blobs\/[0-9a-f-]{36}\.png/.test(l))).toBe(true);
  }, 150_000);
});
