import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import {
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";
import { DomainError, ValidationError } from "../errors.ts";
import type { Context } from "./context.ts";
import { CURSOR_RULES, checkPageArgs } from "./cursors.ts";
import { declaredErrorsOf, errorClassOf } from "./error-codes.ts";

/**
 * One guard over every field's arguments, a Pothos plugin so that no module has to remember it
 * (a field added tomorrow is covered without a line of its own):
 *
 * - every string argument and input field (String, ID, and strings inside JSON) refuses the C0
 *   and C1 control characters, DEL and lone surrogates, before any resolver sees it. NUL used to
 *   reach Postgres and come back as an internal error. The fields in {@link MULTILINE} may also
 *   hold tab, newline and carriage return;
 * - every connection's `first`/`last`/`after`/`before` are checked (see cursors.ts);
 * - a mutation's expected error is checked against the codes its union declares (error-codes.ts).
 *
 * A refused string is the mutation's `ValidationError` (code `InvalidCharacters`, `field` the
 * input path), and for queries and subscriptions a GraphQL error with the same code.
 */

/** Input fields that hold multi-line text (schema coordinates `Type.field`). */
export const MULTILINE: ReadonlySet<string> = new Set([
  "CreateImageRequestInput.prompt",
  // Base64 is often wrapped at 76 columns (MIME); the image decoder decides what it accepts.
  "CreateImageRequestInput.sourceImage",
  "CreateImageRequestInput.sourceMask",
  "SubmitImageJobInput.image",
  // text (issue 12): prompts, stop sequences ("\n" is the usual one) and generated texts are multi-line
  "CreateTextRequestInput.prompt",
  "TextParamsInput.stopSequence",
  "SubmitTextJobInput.text",
  "CreateAlchemyRequestInput.sourceImage",
  // Captions and descriptions are text; a post-processor's base64 image may be wrapped.
  "SubmitAlchemyJobInput.result",
]);

const SINGLE_LINE_BAD =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MULTI_LINE_BAD =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first forbidden character of `s` as `U+XXXX`, or null when the text is clean. */
export function badCharacter(s: string, multiline: boolean): string | null {
  const m = (multiline ? MULTI_LINE_BAD : SINGLE_LINE_BAD).exec(s);
  if (!m) return null;
  return `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

interface Bad {
  field: string;
  char: string;
}

/** Walks a coerced value by its input type; returns the first bad string's path. */
function scan(value: unknown, type: GraphQLInputType, path: string, multiline: boolean): Bad | null {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return scan(value, type.ofType, path, multiline);
  if (isListType(type)) {
    if (!Array.isArray(value)) return scan(value, type.ofType, path, multiline);
    for (let i = 0; i < value.length; i++) {
      const bad = scan(value[i], type.ofType, `${path}.${i}`, multiline);
      if (bad) return bad;
    }
    return null;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, f] of Object.entries(fields)) {
      const sub = path ? `${path}.${name}` : name;
      const bad = scan((value as Record<string, unknown>)[name], f.type, sub, MULTILINE.has(`${type.name}.${name}`));
      if (bad) return bad;
    }
    return null;
  }
  if (isScalarType(type)) return scanAny(value, path, multiline);
  return null;
}

/** Strings anywhere in a scalar's value (String, ID, or the strings inside a JSON value). */
function scanAny(value: unknown, path: string, multiline: boolean): Bad | null {
  if (typeof value === "string") {
    const char = badCharacter(value, multiline);
    return char ? { field: path, char } : null;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const bad = scanAny(v, path, multiline);
      if (bad) return bad;
    }
  } else if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      const bad = scanAny(k, path, multiline) ?? scanAny(v, path, multiline);
      if (bad) return bad;
    }
  }
  return null;
}

/** The first bad string among a field's arguments. An `input` object's fields are named bare. */
export function scanArgs(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): Bad | null {
  for (const arg of field.args) {
    const root = arg.name === "input" && isInputObjectType(getNamedType(arg.type)) ? "" : arg.name;
    const bad = scan(args[arg.name], arg.type, root, false);
    if (bad) return bad;
  }
  return null;
}

function invalidCharacters(bad: Bad): ValidationError {
  return new ValidationError(
    "InvalidCharacters",
    `${bad.field} contains a control character (${bad.char}), which is not allowed here`,
    bad.field,
  );
}

/** A DomainError as a GraphQL error that keeps its code (and field, for validation errors). */
function asGraphQLError(e: DomainError): GraphQLError {
  const field = e instanceof ValidationError ? e.field : undefined;
  return new GraphQLError(e.message, { extensions: { code: e.code, ...(field ? { field } : {}) } });
}

/** What the guard refuses in a field's arguments, before its resolver runs; null: nothing. */
export function refusalOf(coordinate: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>) {
  const bad = field.args.length > 0 ? scanArgs(field, args) : null;
  if (bad) return invalidCharacters(bad);
  const rule = CURSOR_RULES.get(coordinate);
  return rule ? checkPageArgs(rule, args) : null;
}

/** Checks a mutation's expected error against what its union declares (error-codes.ts). */
function checkDeclared(mutation: string, err: unknown, ctx: Context): void {
  const declared = declaredErrorsOf(mutation);
  if (!declared || !(err instanceof DomainError)) return;
  if (declared.get(errorClassOf(err))?.has(err.code)) return;
  const msg = `${mutation} returned ${errorClassOf(err)} ${err.code}, which its result union does not declare`;
  ctx.deps.logger.error({ code: err.code }, msg);
  // In tests an undeclared code fails loudly, so the union and its description stay true.
  if (ctx.deps.config.nodeEnv === "test") throw new Error(msg);
}

// biome-ignore lint/suspicious/noExplicitAny: the shape Pothos hands plugins; args are read as a record
type Resolver = (parent: unknown, args: any, ctx: any, info: GraphQLResolveInfo) => unknown;

/**
 * Wraps one field's resolver (or subscribe): the guard runs first, from the field's GraphQL
 * definition (`info`), so it sees coerced arguments with their types. It sits inside the errors
 * plugin, so a refusal thrown here becomes the mutation's `ValidationError` union member; fields
 * without one get a GraphQL error carrying the code and field.
 */
function guarded(inner: Resolver, fieldConfig: PothosOutputFieldConfig<SchemaTypes>): Resolver {
  const coordinate = `${fieldConfig.parentType}.${fieldConfig.name}`;
  const errorTypes = (fieldConfig.extensions?.pothosErrors ?? []) as unknown[];
  const asMember = errorTypes.includes(ValidationError);
  const isMutation = fieldConfig.kind === "Mutation";
  return (parent, args: Record<string, unknown>, ctx: Context, info) => {
    const field = info.parentType.getFields()[info.fieldName] as GraphQLField<unknown, unknown>;
    const refused = refusalOf(coordinate, field, args);
    if (refused && asMember) ctx.deps.metrics.error(refused.code); // a GraphQL error is counted by the Yoga plugin
    if (refused) throw asMember ? refused : asGraphQLError(refused);
    if (!isMutation) return inner(parent, args, ctx, info);
    const check = (err: unknown) => {
      if (err instanceof DomainError) ctx.deps.metrics.error(err.code);
      checkDeclared(fieldConfig.name, err, ctx);
      throw err;
    };
    try {
      const result = inner(parent, args, ctx, info);
      return result instanceof Promise ? result.catch(check) : result;
    } catch (err) {
      return check(err);
    }
  };
}

/** The Pothos plugin that puts {@link guarded} around every field that takes arguments. */
export class GuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver, fieldConfig: PothosOutputFieldConfig<Types>): Resolver {
    if (fieldConfig.kind === "Subscription") return resolver;
    if (Object.keys(fieldConfig.args).length === 0 && fieldConfig.kind !== "Mutation") return resolver;
    return guarded(resolver, fieldConfig as unknown as PothosOutputFieldConfig<SchemaTypes>);
  }

  override wrapSubscribe(subscribe: Resolver | undefined, fieldConfig: PothosOutputFieldConfig<Types>) {
    if (!subscribe || Object.keys(fieldConfig.args).length === 0) return subscribe;
    return guarded(subscribe, fieldConfig as unknown as PothosOutputFieldConfig<SchemaTypes>);
  }
}

const pluginName = "surfaceGuard";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      surfaceGuard: GuardPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, GuardPlugin);

export default pluginName;

/**
 * Start-up checks over the built schema, so a new field cannot slip past the guard: every
 * mutation declares its errors and, as all take strings, lists ValidationError; every field that
 * takes a cursor has a rule for it.
 */
export function assertGuarded(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (field.args.some((a) => a.name === "after" || a.name === "before") && !CURSOR_RULES.has(coordinate)) {
        throw new Error(`${coordinate} takes a cursor but cursors.ts has no rule for it`);
      }
      if (type !== mutation) continue;
      if (!declaredErrorsOf(field.name)) throw new Error(`${coordinate} declares no errors (error-codes.ts)`);
      const named = getNamedType(field.type);
      if (
        field.args.length > 0 &&
        !(isUnionType(named) && named.getTypes().some((t) => t.name === "ValidationError"))
      ) {
        throw new Error(`${coordinate} takes arguments, so its union must list ValidationError`);
      }
    }
  }
  return schema;
}
