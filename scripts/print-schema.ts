import { writeFileSync } from "node:fs";
import { printedSchema } from "../src/graphql/schema.ts";

// Writes schema.graphql from the code; test/integration/schema.test.ts fails when they differ.
writeFileSync(new URL("../schema.graphql", import.meta.url), printedSchema());
console.log("schema.graphql written");
