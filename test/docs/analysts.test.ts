import { readFileSync } from "node:fs";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../../src/graphql/schema.ts";

/** docs/ANALYSTS.md's queries are real: each ```graphql block validates against the schema. */
describe("docs/ANALYSTS.md", () => {
  const text = readFileSync(new URL("../../docs/ANALYSTS.md", import.meta.url), "utf8");
  const blocks = [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it("has query blocks", () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  for (const block of blocks) {
    const name = /^(?:query|subscription|mutation)\s+(\w+)/m.exec(block)?.[1] ?? block.slice(0, 40);
    it(`${name} validates against the schema`, () => {
      expect(validate(schema, parse(block)).map((e) => e.message)).toEqual([]);
    });
  }
});
