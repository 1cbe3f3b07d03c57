import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getVariableValues, type OperationDefinitionNode, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../graphql/schema.ts";
import { exampleTabs, exampleText, GRAPHIQL_EXAMPLES } from "./graphiql-examples.ts";

/** GraphiQL's example operations stay valid: a renamed field or argument fails here, not in a visitor's browser. */
describe("GraphiQL's example operations", () => {
  const dir = fileURLToPath(new URL("./graphiql-examples/", import.meta.url));

  it("opens every example file as a tab, none left out", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".graphql"));
    expect(GRAPHIQL_EXAMPLES.map((e) => e.file).sort()).toEqual(files.sort());
    const tabs = exampleTabs('{"apikey":"0000000000"}');
    expect(tabs).toHaveLength(files.length);
    for (const t of tabs) expect(t.headers).toBe('{"apikey":"0000000000"}');
  });

  for (const example of GRAPHIQL_EXAMPLES) {
    it(`${example.file} validates against the schema, with variables its operations accept`, () => {
      const document = parse(exampleText(example.file));
      expect(validate(schema, document)).toEqual([]);
      const operations = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === "OperationDefinition",
      );
      expect(operations.length).toBeGreaterThan(0);
      for (const op of operations) {
        // GraphiQL asks which to run by name when a tab holds several
        expect(op.name?.value, "every example operation is named").toBeTruthy();
        const coerced = getVariableValues(schema, op.variableDefinitions ?? [], example.variables ?? {});
        expect(coerced.errors ?? [], `${op.name?.value}'s variables`).toEqual([]);
      }
    });
  }
});
