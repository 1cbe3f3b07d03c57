import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isUnionType } from "graphql";
import { describe, expect, it } from "vitest";
import { MUTATION_ERRORS, QUERY_ERRORS } from "./error-codes.ts";
import { schema } from "./schema.ts";

/**
 * Each mutation's result union lists exactly the error types it declares, its description lists
 * their codes, and the declarations agree with what the services can throw (read from the
 * source, as far as a scan can: every `new XError("Code"` and every code a rule returns is
 * declared somewhere). At run time, guard.ts fails any test in which a mutation returns a code
 * it did not declare.
 */

const root = path.resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

const declaredPairs = new Set(
  Object.values(MUTATION_ERRORS).flatMap((spec) =>
    Object.entries(spec).flatMap(([cls, codes]) => codes.map((c) => `${cls}:${c}`)),
  ),
);
const declaredCodes = new Set([...declaredPairs].map((p) => p.split(":")[1]));

/** Codes thrown outside mutations: subscriptions, queries and the request as a whole. */
const NOT_MUTATIONS = new Set(Object.entries(QUERY_ERRORS).flatMap(([cls, codes]) => codes.map((c) => `${cls}:${c}`)));

describe("mutation result unions", () => {
  const mutations = schema.getMutationType()!.getFields();

  it.each(Object.keys(mutations))("%s lists its declared errors, with their codes", (name) => {
    const union = mutations[name]!.type.toString().replace(/!$/, "");
    const type = schema.getType(union);
    expect(isUnionType(type), `${name} returns a union`).toBe(true);
    if (!isUnionType(type)) return;
    const spec = MUTATION_ERRORS[name];
    expect(spec, `${name} declares its errors`).toBeDefined();
    const members = type.getTypes().map((t) => t.name);
    expect(members.filter((m) => m.endsWith("Error")).sort()).toEqual(Object.keys(spec!).sort());
    expect(members).toContain(union.replace(/Result$/, "Payload"));
    for (const [cls, codes] of Object.entries(spec!)) {
      for (const code of codes) expect(type.description, `${name}: ${cls} ${code}`).toContain(code);
    }
  });

  it("no union lists all six error types any more", () => {
    for (const [name, spec] of Object.entries(MUTATION_ERRORS)) {
      expect(Object.keys(spec).length, name).toBeLessThan(6);
    }
  });

  it("every error a module throws with a literal code is declared under its class", () => {
    const thrown: string[] = [];
    for (const file of sources(path.join(root, "modules"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/new (\w+Error)\(\s*"(\w+)"/g)) thrown.push(`${m[1]}:${m[2]}`);
    }
    expect(thrown.length).toBeGreaterThan(20);
    const undeclared = thrown.filter((p) => !declaredPairs.has(p) && !NOT_MUTATIONS.has(p));
    expect(undeclared).toEqual([]);
  });

  it("every code a rule returns is declared by some mutation", () => {
    const returned = new Set<string>();
    for (const file of sources(path.join(root, "modules"))) {
      if (!/\.(rules|validate|admit)\.ts$/.test(file)) continue;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:code: |fail\()"([A-Z]\w+)"/g)) returned.add(m[1]!);
    }
    expect(returned.size).toBeGreaterThan(20);
    expect([...returned].filter((c) => !declaredCodes.has(c))).toEqual([]);
  });
});
