import type { Allowed } from "./check-imports.ts";

/**
 * Imports that break the direction rule today and are being fixed (issue 8, "The shape of the
 * code"). Each says why it is here. This list only shrinks: fix the import, then delete its line;
 * `npm run lint` warns about entries that no longer match anything. Never add to it to make a
 * new import pass.
 */
export const ALLOWED: readonly Allowed[] = [
  // models ↔ workers: workers.service reads the model catalog, models.graphql a worker rule.
  {
    file: "src/modules/models",
    target: "src/modules/workers",
    rule: "module-cycle",
    why: "models.graphql uses a workers rule while workers.service uses the models service",
  },
  // kudos.sql used from other modules: writes are to go through the kudos service (perf: one-statement settlement).
  {
    file: "src/modules/jobs/jobs.settle.sql.ts",
    target: "src/modules/kudos/kudos.sql.ts",
    rule: "module-through-service",
    why: "the one-statement settlement embeds the ledger write's text (issue 9; moved from jobs.service)",
  },
  {
    file: "src/modules/jobs/jobs.settle.sql.ts",
    target: "src/modules/sharedkeys/sharedkeys.sql.ts",
    rule: "module-through-service",
    why: "the one-statement settlement embeds the shared key's spend (issue 9; was via the service)",
  },
  // The sweeps run the queue's SQL directly (bus and jobs slices).
  {
    file: "src/tasks/index.ts",
    target: "src/modules/requests/requests.sql.ts",
    rule: "no-sql-outside-modules",
    why: "the expiry sweeps call requests SQL",
  },
];
