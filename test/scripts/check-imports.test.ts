import { describe, expect, it } from "vitest";
import { applyAllowlist, checkFiles, parseImports } from "../../scripts/check-imports.ts";

/** Checks a made-up tree and answers `file:line rule` for each violation. */
function check(files: Record<string, string>): string[] {
  return checkFiles(new Map(Object.entries(files))).map((v) => `${v.file}:${v.line} ${v.rule}`);
}

describe("the import-direction checker", () => {
  it("reads static, multi-line, re-exported, dynamic and type-only imports with their lines", () => {
    const imps = parseImports(
      "src/modules/a/a.service.ts",
      [
        'import { x } from "../b/b.service.ts";',
        "import {",
        "  y,",
        '} from "./a.sql.ts";',
        'import type { T } from "../b/b.sql.ts";',
        'import { type U, type V } from "../c/c.sql.ts";',
        'export { z } from "../../infra/db.ts";',
        'const m = await import("../../graphql/context.ts");',
        '// import { no } from "../nothing.ts";',
      ].join("\n"),
    );
    expect(imps.map((i) => [i.line, i.target, i.typeOnly])).toEqual([
      [1, "src/modules/b/b.service.ts", false],
      [2, "src/modules/a/a.sql.ts", false],
      [5, "src/modules/b/b.sql.ts", true],
      [6, "src/modules/c/c.sql.ts", true],
      [7, "src/infra/db.ts", false],
      [8, "src/graphql/context.ts", false],
    ]);
  });

  it("lets the layers point down: graphql → service → rules, sql, infra", () => {
    expect(
      check({
        "src/modules/a/a.graphql.ts": 'import "./a.service.ts";\nimport "../../graphql/builder.ts";',
        "src/modules/a/a.service.ts": 'import "./a.rules.ts";\nimport "./a.sql.ts";\nimport "../b/b.service.ts";',
        "src/modules/a/a.sql.ts": 'import type { Db } from "../../infra/db.ts";',
        "src/modules/a/a.rules.ts": 'import { createHash } from "node:crypto";\nimport "../../errors.ts";',
        "src/modules/b/b.service.ts": 'import "./b.sql.ts";',
      }),
    ).toEqual([]);
  });

  it("refuses a resolver calling SQL, a service importing GraphQL and SQL importing a service", () => {
    expect(
      check({
        "src/modules/a/a.graphql.ts": 'import { q } from "./a.sql.ts";',
        "src/modules/a/a.service.ts": '\nimport { ctx } from "../../graphql/context.ts";',
        "src/modules/a/a.sql.ts": 'import "./a.service.ts";',
      }),
    ).toEqual([
      "src/modules/a/a.graphql.ts:1 layer-direction",
      "src/modules/a/a.service.ts:2 layer-direction",
      "src/modules/a/a.sql.ts:1 layer-direction",
    ]);
  });

  it("keeps rules pure: no IO packages, no SQL, services or infra (types are free)", () => {
    expect(
      check({
        "src/modules/a/a.rules.ts": [
          'import { readFileSync } from "node:fs";',
          'import pg from "pg";',
          'import "./a.sql.ts";',
          'import "../../infra/clock.ts";',
          'import type { Db } from "../../infra/db.ts";',
          'import { other } from "../b/b.rules.ts";',
        ].join("\n"),
      }),
    ).toEqual([
      "src/modules/a/a.rules.ts:1 rules-are-pure",
      "src/modules/a/a.rules.ts:2 rules-are-pure",
      "src/modules/a/a.rules.ts:3 rules-are-pure",
      "src/modules/a/a.rules.ts:4 rules-are-pure",
    ]);
  });

  it("makes a module reach another through its service, never its SQL", () => {
    expect(
      check({
        "src/modules/a/a.service.ts": 'import { applyLedger } from "../b/b.sql.ts";',
        "src/modules/b/b.sql.ts": "",
      }),
    ).toEqual(["src/modules/a/a.service.ts:1 module-through-service"]);
  });

  it("refuses infra importing a module, server code running a module's SQL, and anything but tests importing test/", () => {
    expect(
      check({
        "src/infra/pubsub.ts": 'import "../modules/jobs/jobs.service.ts";',
        "src/tasks/index.ts": 'import "../modules/jobs/jobs.sql.ts";',
        "src/app.ts": 'import "../test/support/app.ts";',
        "scripts/tool.ts": 'import "../test/support/seed.ts";',
        "bench/queue.ts": 'import "../src/modules/jobs/jobs.sql.ts";',
        "test/integration/x.test.ts": 'import "../support/app.ts";\nimport "../../src/modules/jobs/jobs.sql.ts";',
      }),
    ).toEqual([
      "src/infra/pubsub.ts:1 infra-imports-no-module",
      "src/tasks/index.ts:1 no-sql-outside-modules",
      "src/app.ts:1 no-test-import",
      "scripts/tool.ts:1 no-test-import",
    ]);
  });

  it("finds two modules that import each other, once per pair", () => {
    expect(
      check({
        "src/modules/jobs/jobs.service.ts": 'import "../requests/requests.service.ts";',
        "src/modules/requests/requests.service.ts": 'import "../jobs/jobs.rules.ts";',
        "src/modules/jobs/jobs.rules.ts": "",
        // GraphQL types referring to each other are no cycle
        "src/modules/users/users.graphql.ts": 'import "../workers/workers.graphql.ts";',
        "src/modules/workers/workers.graphql.ts": 'import "../users/users.graphql.ts";',
      }),
    ).toEqual(["src/modules/jobs/jobs.service.ts:1 module-cycle"]);
  });

  it("passes allowlisted violations, fails the rest, and names entries that match nothing", () => {
    const violations = checkFiles(
      new Map([
        ["src/modules/a/a.service.ts", 'import "../b/b.sql.ts";\nimport "../c/c.sql.ts";'],
        ["src/modules/b/b.sql.ts", ""],
      ]),
    );
    const allowed = [
      { file: "src/modules/a/a.service.ts", target: "src/modules/b/b.sql.ts", rule: "module-through-service", why: "" },
      { file: "src/modules/z/z.service.ts", target: "src/modules/b/b.sql.ts", rule: "module-through-service", why: "" },
    ] as const;
    const { failures, stale } = applyAllowlist(violations, allowed);
    expect(failures.map((v) => v.target)).toEqual(["src/modules/c/c.sql.ts"]);
    expect(stale.map((a) => a.file)).toEqual(["src/modules/z/z.service.ts"]);
  });
});
