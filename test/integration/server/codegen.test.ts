import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../../../codegen.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

describe("typed documents", () => {
  it("test/generated matches schema.graphql and test/documents (run `npm run generate`)", async () => {
    const files = await generate({ ...config, cwd: ROOT }, false);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const committed = readFileSync(path.resolve(ROOT, file.filename), "utf8");
      expect(committed, file.filename).toBe(file.content);
    }
  });
});
