import { defineConfig } from "vitest/config";

export default defineConfig({
  // One copy of graphql: without this, vitest loads the ESM build for our imports and the CJS
  // build for Pothos's, and graphql refuses to mix them.
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files each get their own database; two at a time fits a 2-core machine.
    maxWorkers: 2,
    pool: "forks",
  },
});
