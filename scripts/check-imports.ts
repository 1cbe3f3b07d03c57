/**
 * The import-direction rule of design.md §5 and §6.11, as a check that fails `npm run lint`:
 *
 *   graphql → service → (rules, sql, infra); rules import nothing with IO; a module reaches
 *   another only through its service; infra imports no module; nothing imports from test/.
 *
 * Imports are read with the TypeScript parser (static imports, re-exports and `import()`), so
 * multi-line imports and comments cannot fool it. Type-only imports (`import type`, or every
 * specifier marked `type`) are free: they vanish at run time and carry no dependency.
 *
 * Known violations that are being fixed are listed in scripts/import-allowlist.ts, each with its
 * reason; the list may only shrink. Run: `tsx scripts/check-imports.ts` (exit 1 on a violation).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { ALLOWED } from "./import-allowlist.ts";

/** One import of one file: the specifier as written, where it points, and whether it is types only. */
export interface ImportRef {
  line: number;
  specifier: string;
  /** Repository-relative path of the target for a relative specifier, else the bare specifier. */
  target: string;
  typeOnly: boolean;
}

/** A broken rule, at file:line. */
export interface Violation {
  file: string;
  line: number;
  target: string;
  rule: RuleName;
  message: string;
  /** For a module cycle: the two module folders, which the allowlist matches instead of the file. */
  modules?: { from: string; to: string };
}

export type RuleName =
  | "no-test-import"
  | "infra-imports-no-module"
  | "rules-are-pure"
  | "layer-direction"
  | "module-through-service"
  | "no-sql-outside-modules"
  | "module-cycle";

/**
 * An allowlist entry: a known violation, matched on file, target and rule (not the line). For
 * `module-cycle`, file and target are the two module folders (`src/modules/jobs`).
 */
export interface Allowed {
  file: string;
  target: string;
  rule: RuleName;
  why: string;
}

/** Reads the imports of one source text. `file` is repository-relative (posix separators). */
export function parseImports(file: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (node: ts.Node, spec: ts.Expression, typeOnly: boolean) => {
    if (!ts.isStringLiteralLike(spec)) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    out.push({ line, specifier: spec.text, target: resolve(file, spec.text), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings : undefined;
      const allTyped =
        !!c && !c.name && !!named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, !!c?.isTypeOnly || allTyped);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg) add(node, arg, false);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) add(node, arg.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function resolve(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}

/** What a repository-relative path is, for the rules: its module (if any) and its role. */
export function classify(file: string): { module?: string; role: string } {
  const m = /^src\/modules\/([^/]+)\/(.+)\.(?:ts|json)$/.exec(file);
  if (m) {
    const base = m[2]!;
    const role = /\.([a-z]+)$/.exec(base)?.[1] ?? "other";
    return { module: m[1], role: base.endsWith(".test") ? "test" : role };
  }
  if (/^test\//.test(file)) return { role: "test" };
  if (/\.test\.ts$/.test(file)) return { role: "test" };
  const top = /^src\/([^/]+)\//.exec(file)?.[1];
  if (top) return { role: top }; // infra, graphql, tasks, http, lib
  if (file.startsWith("src/")) return { role: path.posix.basename(file, ".ts") }; // app, main, deps, config, errors
  return { role: file.split("/")[0] ?? file }; // scripts, bench
}

/** Packages and built-ins that do IO, which a rules file may not import at run time. */
const IO_PACKAGES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|child_process|worker_threads|cluster|dns|tls)$|^(pg|ioredis|ws|graphql-ws|graphql-yoga|@prisma\/.*|@electric-sql\/.*|pglite-prisma-adapter)$/;

/** Roles a rules file may import at run time: other pure code. */
const PURE_ROLES = new Set(["rules", "errors", "lib", "json"]);

/** The rules, for one import of one file (module cycles are checked over the whole graph). */
export function checkImport(file: string, imp: ImportRef): Omit<Violation, "file" | "line" | "target">[] {
  const found: Omit<Violation, "file" | "line" | "target">[] = [];
  const from = classify(file);
  const relative = imp.specifier.startsWith(".");
  const to = relative ? classify(imp.target) : undefined;
  if (relative && imp.target.startsWith("test/") && from.role !== "test")
    found.push({ rule: "no-test-import", message: "only tests import from test/" });
  if (imp.typeOnly || from.role === "test") return found;

  if (from.role === "infra" && relative && /^src\/(modules|graphql|tasks)\/|^src\/app\.ts$/.test(imp.target))
    found.push({ rule: "infra-imports-no-module", message: "infra is below every module; it imports none" });

  if (from.role === "rules") {
    if (!relative && IO_PACKAGES.test(imp.specifier))
      found.push({ rule: "rules-are-pure", message: `rules import nothing with IO (${imp.specifier})` });
    if (to && !PURE_ROLES.has(to.role) && !imp.target.endsWith(".json") && imp.target !== "src/errors.ts")
      found.push({ rule: "rules-are-pure", message: `rules import only other pure code, not ${to.role}` });
  }

  if (!to) return found;
  // Within the layers: graphql → service → (rules, sql, infra); never upwards.
  if (from.role === "service" && (to.role === "graphql" || to.role === "feed"))
    found.push({ rule: "layer-direction", message: `a service does not import the ${to.role} layer` });
  if (from.role === "sql" && ["service", "graphql", "feed", "watch", "loaders"].includes(to.role))
    found.push({ rule: "layer-direction", message: `SQL does not import the ${to.role} layer` });
  if (from.role === "graphql" && to.role === "sql" && from.module)
    found.push({ rule: "layer-direction", message: "a resolver calls its service, not SQL" });

  // Across modules: through the other module's service (its pure rules and errors are public too;
  // GraphQL type definitions reference each other's object types).
  if (from.module && to.module && from.module !== to.module) {
    const ok = to.role === "service" || to.role === "rules" || to.role === "errors";
    const graphqlRefs = from.role === "graphql" && to.role === "graphql";
    if (!ok && !graphqlRefs)
      found.push({
        rule: "module-through-service",
        message: `${from.module} reaches ${to.module} through its service, not its ${to.role}`,
      });
  }
  // Benchmarks and scripts measure and drive internals on purpose; the rule is for the server.
  if (file.startsWith("src/") && !from.module && to.module && to.role === "sql")
    found.push({ rule: "no-sql-outside-modules", message: `${from.role} calls a module's service, not its SQL` });
  return found;
}

/** Runtime module → module edges with one witness import each, for the cycle rule. */
function moduleCycles(files: Map<string, ImportRef[]>): Violation[] {
  const edges = new Map<string, { file: string; line: number; target: string }>();
  for (const [file, imps] of files) {
    const from = classify(file);
    if (!from.module || from.role === "test") continue;
    for (const imp of imps) {
      const to = imp.specifier.startsWith(".") ? classify(imp.target) : undefined;
      if (imp.typeOnly || !to?.module || to.module === from.module) continue;
      // GraphQL object types of two modules refer to each other (User.workers, Worker.owner).
      if (from.role === "graphql" && to.role === "graphql") continue;
      const key = `${from.module}->${to.module}`;
      if (!edges.has(key)) edges.set(key, { file, line: imp.line, target: imp.target });
    }
  }
  const out: Violation[] = [];
  for (const [key, w] of edges) {
    const [a, b] = key.split("->") as [string, string];
    const back = edges.get(`${b}->${a}`);
    if (!back || a > b) continue; // each pair once
    out.push({
      ...w,
      modules: { from: `src/modules/${a}`, to: `src/modules/${b}` },
      rule: "module-cycle",
      message: `${a} and ${b} import each other (and ${back.file}:${back.line} imports ${back.target}); what both need belongs in one place both import`,
    });
  }
  return out;
}

/** Checks a set of files (repository-relative path → text) against the rules. */
export function checkFiles(sources: Map<string, string>): Violation[] {
  const parsed = new Map<string, ImportRef[]>();
  for (const [file, text] of sources) parsed.set(file, parseImports(file, text));
  const out: Violation[] = [];
  for (const [file, imps] of parsed)
    for (const imp of imps)
      for (const v of checkImport(file, imp)) out.push({ ...v, file, line: imp.line, target: imp.target });
  out.push(...moduleCycles(parsed));
  return out;
}

/** Splits violations into those on the allowlist and the rest, and names the stale entries. */
export function applyAllowlist(violations: Violation[], allowed: readonly Allowed[]) {
  const matches = (v: Violation, a: Allowed) =>
    a.rule === v.rule &&
    (v.modules ? a.file === v.modules.from && a.target === v.modules.to : a.file === v.file && a.target === v.target);
  return {
    failures: violations.filter((v) => !allowed.some((a) => matches(v, a))),
    stale: allowed.filter((a) => !violations.some((v) => matches(v, a))),
  };
}

function listSources(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && e.name !== "generated") walk(rel);
      } else if (/\.(ts|mts)$/.test(e.name) && !e.name.endsWith(".d.ts")) {
        out.set(rel, readFileSync(path.join(root, rel), "utf8"));
      }
    }
  };
  for (const dir of ["src", "scripts", "bench"]) walk(dir);
  return out;
}

function main() {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const { failures, stale } = applyAllowlist(checkFiles(listSources(root)), ALLOWED);
  for (const a of stale)
    console.warn(`check-imports: allowlist entry no longer needed, remove it: ${a.file} → ${a.target} (${a.rule})`);
  for (const v of failures) console.error(`${v.file}:${v.line}: ${v.rule}: imports ${v.target}: ${v.message}`);
  if (failures.length) {
    console.error(`check-imports: ${failures.length} import(s) break the direction rule (design.md §5, §6.11)`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
