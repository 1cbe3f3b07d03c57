import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { badCharacter, MULTILINE } from "../../../src/graphql/guard.ts";
import { schema } from "../../../src/graphql/schema.ts";
import { subscribe, useTestApp } from "../../support/app.ts";

/**
 * Every string argument and input field of the schema, generated from the schema itself so that
 * a field added later is covered without editing this file: each is sent with a NUL (and, where
 * the field is single-line, a newline) and must come back as `InvalidCharacters` naming it.
 */

const ctx = useTestApp();

interface Leaf {
  /** The operation's field, e.g. `Mutation.registerUser`. */
  root: GraphQLField<unknown, unknown>;
  rootType: GraphQLObjectType;
  /** The argument holding the leaf. */
  arg: string;
  /** Path inside the argument's value (empty: the argument itself). */
  path: (string | number)[];
  /** The field name the guard reports. */
  reported: string;
  multiline: boolean;
}

/** A placeholder that coerces for the type (required fields filled, one list element). */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type))
    return type.getValues()[0]!.value === undefined ? type.getValues()[0]!.name : type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (isNonNullType(f.type)) out[f.name] = sample(f.type);
    return out;
  }
  if (isScalarType(type)) {
    if (type.name === "Int" || type.name === "Float") return 1;
    if (type.name === "Boolean") return false;
    if (type.name === "DateTime") return "2026-01-01T00:00:00Z";
    return "x";
  }
  return null;
}

/** The string leaves under an input type, with their paths. */
function leaves(
  type: GraphQLInputType,
  path: (string | number)[],
  multiline: boolean,
  seen: Set<string>,
): { path: (string | number)[]; multiline: boolean }[] {
  if (isNonNullType(type)) return leaves(type.ofType, path, multiline, seen);
  if (isListType(type)) return leaves(type.ofType, [...path, 0], multiline, seen);
  if (isInputObjectType(type)) {
    if (seen.has(type.name)) return [];
    const inner = new Set(seen).add(type.name);
    return Object.values(type.getFields()).flatMap((f) =>
      leaves(f.type, [...path, f.name], MULTILINE.has(`${type.name}.${f.name}`), inner),
    );
  }
  if (isScalarType(type) && ["String", "ID", "JSON"].includes(type.name)) return [{ path, multiline }];
  return [];
}

function allLeaves(): Leaf[] {
  const out: Leaf[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      for (const arg of field.args) {
        for (const leaf of leaves(arg.type, [], false, new Set())) {
          const bare = arg.name === "input" && isInputObjectType(getNamedType(arg.type));
          const reported = (bare ? leaf.path : [arg.name, ...leaf.path]).join(".");
          out.push({
            root: field,
            rootType: type,
            arg: arg.name,
            path: leaf.path,
            reported,
            multiline: leaf.multiline,
          });
        }
      }
    }
  }
  return out;
}

function setAt(value: unknown, path: (string | number)[], leaf: string): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (typeof head === "number") return [setAt((value as unknown[])[0], rest, leaf)];
  const obj = { ...(value as Record<string, unknown>) };
  const f = obj[head!];
  obj[head!] = setAt(f === undefined ? undefined : f, rest, leaf);
  return obj;
}

/** Fills in the parent objects a path needs when the sample left an optional one out. */
function sampleWithPath(type: GraphQLInputType, path: (string | number)[], leaf: string): unknown {
  if (isNonNullType(type)) return sampleWithPath(type.ofType, path, leaf);
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (isListType(type)) return [sampleWithPath(type.ofType, rest, leaf)];
  if (isInputObjectType(type)) {
    const base = sample(type) as Record<string, unknown>;
    base[head as string] = sampleWithPath(type.getFields()[head as string]!.type, rest, leaf);
    return base;
  }
  return setAt(undefined, path, leaf);
}

/** The operation text for a leaf: root fields directly, a User field through `me`. */
function operation(leaf: Leaf): { doc: string; kind: "mutation" | "query" | "subscription"; unionMember: boolean } {
  const argDefs = leaf.root.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
  const argUse = leaf.root.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const named = getNamedType(leaf.root.type);
  const unionMember = isUnionType(named) && named.getTypes().some((t) => t.name === "ValidationError");
  const selection = unionMember
    ? "{ __typename ... on Error { code } ... on ValidationError { field } }"
    : isObjectType(named) || isUnionType(named)
      ? "{ __typename }"
      : "";
  const call = `${leaf.root.name}(${argUse}) ${selection}`;
  const name = leaf.rootType.name;
  if (name === "Mutation") return { doc: `mutation(${argDefs}) { ${call} }`, kind: "mutation", unionMember };
  if (name === "Subscription")
    return { doc: `subscription(${argDefs}) { ${call} }`, kind: "subscription", unionMember };
  if (name === "Query") return { doc: `query(${argDefs}) { ${call} }`, kind: "query", unionMember };
  const via = Object.values(schema.getQueryType()!.getFields()).find(
    (f) => getNamedType(f.type).name === name && f.args.every((a) => !isNonNullType(a.type)),
  );
  if (!via) throw new Error(`no root field without required arguments reaches ${name}`);
  return { doc: `query(${argDefs}) { ${via.name} { ${call} } }`, kind: "query", unionMember };
}

async function send(leaf: Leaf, text: string) {
  const vars: Record<string, unknown> = {};
  for (const a of leaf.root.args) if (isNonNullType(a.type)) vars[a.name] = sample(a.type);
  const argType = leaf.root.args.find((a) => a.name === leaf.arg)!.type;
  vars[leaf.arg] = sampleWithPath(argType, leaf.path, text);
  const op = operation(leaf);
  if (op.kind === "subscription") {
    const sub = subscribe(ctx.t.ws(), op.doc, vars);
    const failure = await sub.next().then(
      (e) => (e.errors as { extensions?: Record<string, unknown> }[])?.[0]?.extensions,
      () => (sub.error as { extensions?: Record<string, unknown> }[] | undefined)?.[0]?.extensions,
    );
    return { code: failure?.code, field: failure?.field };
  }
  const res = await ctx.t.gql(op.doc, vars);
  if (op.unionMember) {
    const r = res.data?.[leaf.root.name] as { code?: string; field?: string } | undefined;
    return { code: r?.code, field: r?.field, status: res.status };
  }
  const ext = res.errors?.[0]?.extensions;
  return { code: ext?.code, field: ext?.field, status: res.status };
}

const ALL = allLeaves();

describe("control characters in string inputs", () => {
  it("finds the inputs the probe named (the generator is not empty)", () => {
    const names = ALL.map((l) => `${l.rootType.name}.${l.root.name}:${l.reported}`);
    for (const want of [
      "Mutation.createImageRequest:prompt",
      "Mutation.createImageRequest:params.seed",
      "Mutation.createImageRequest:params.loras.0.name",
      "Mutation.popImageJob:bridgeAgent",
      "Mutation.popImageJob:blacklist.0",
      "Mutation.createSharedKey:name",
      "Mutation.transferKudos:username",
      "Subscription.imageJobAssigned:name",
      "Query.user:id",
      "User.kudosHistory:after",
    ]) {
      expect(names).toContain(want);
    }
  });

  it.each(ALL.map((l) => [`${l.rootType.name}.${l.root.name} ${l.reported}`, l] as const))(
    "%s refuses NUL with InvalidCharacters naming the field",
    async (_name, leaf) => {
      const got = await send(leaf, "a\u0000b");
      expect(got).toMatchObject({ code: "InvalidCharacters", field: leaf.reported });
    },
  );

  it.each(ALL.filter((l) => !l.multiline).map((l) => [`${l.rootType.name}.${l.root.name} ${l.reported}`, l] as const))(
    "%s refuses a newline (single-line text)",
    async (_name, leaf) => {
      const got = await send(leaf, "a\nb");
      expect(got).toMatchObject({ code: "InvalidCharacters", field: leaf.reported });
    },
  );

  it("lets a prompt hold newlines and tabs", async () => {
    const res = await ctx.t.gql(
      `mutation($input: CreateImageRequestInput!) { createImageRequest(input: $input) {
         __typename ... on Error { code } } }`,
      { input: { prompt: "a cat\n\twith a hat", dryRun: true } },
    );
    expect(res.data.createImageRequest).toMatchObject({ __typename: "CreateImageRequestPayload" });
  });
});

describe("badCharacter", () => {
  it("refuses C0, DEL, C1 and lone surrogates; keeps text, emoji and (multi-line) tab/newline", () => {
    for (const c of ["\u0000", "\u0001", "\u001b", "\u007f", "\u0085", "\u009f", "\ud800", "\udc00"]) {
      expect(badCharacter(`a${c}b`, true)).not.toBeNull();
    }
    expect(badCharacter("a\tb\r\nc", true)).toBeNull();
    expect(badCharacter("a\tb", false)).toBe("U+0009");
    expect(badCharacter("naïve 🐱 日本", false)).toBeNull();
  });
});
