import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * GraphQL Code Generator: typed documents for the tests (and later examples and benchmarks) from
 * the committed schema.graphql, so it runs offline and never needs a server. `npm run generate`
 * runs it after printing the schema; the output in test/generated/ is committed, and a test fails
 * when it is stale.
 */
const config: CodegenConfig = {
  schema: "./schema.graphql",
  documents: ["test/documents/**/*.graphql"],
  generates: {
    "test/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Our ESM with nodenext wants explicit extensions on relative imports.
        importExtension: ".ts",
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown" },
      },
    },
  },
  silent: true,
};

export default config;
