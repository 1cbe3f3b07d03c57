import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printedSchema } from "../../../src/graphql/schema.ts";
import { createTestDb } from "../../support/db.ts";

describe("schema", () => {
  it("schema.graphql matches the schema printed from the code (run `npm run generate`)", () => {
    const committed = readFileSync(new URL("../../../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printedSchema());
  });

  it("every Prisma model field has its column in the migrated database", async () => {
    const tdb = await createTestDb();
    try {
      const cols = await tdb.db.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
      );
      const have = new Set(cols.map((c) => `${c.table_name}.${c.column_name}`));
      const missing: string[] = [];
      for (const { table, columns } of prismaTables()) {
        for (const c of columns) if (!have.has(`${table}.${c}`)) missing.push(`${table}.${c}`);
      }
      expect(missing).toEqual([]);
    } finally {
      await tdb.drop();
    }
  });
});

/** Reads prisma/schema.prisma: each model's table and the columns of its scalar fields. */
function prismaTables(): { table: string; columns: string[] }[] {
  const text = readFileSync(new URL("../../../prisma/schema.prisma", import.meta.url), "utf8");
  const models = [...text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((m) => m[1]));
  return models.map(([, name, body]) => {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? name!;
    const columns: string[] = [];
    for (const line of body!.split("\n")) {
      const m = /^\s+(\w+)\s+(\w+)(\[\])?\??/.exec(line);
      if (!m || modelNames.has(m[2]!)) continue;
      columns.push(/@map\("([^"]+)"\)/.exec(line)?.[1] ?? m[1]!);
    }
    return { table, columns };
  });
}
