import { ValidationError } from "../errors.ts";
import { isUuid } from "../lib/ids.ts";

/**
 * Page arguments, checked before a connection's resolver runs. A cursor is opaque to clients but
 * not to attackers: a crafted one used to reach Prisma or Postgres (an int4 id out of range, a
 * non-UUID, a bigint past 2^63) and come back as an internal error, and Pothos's own refusals
 * carried no code. Every connection field names its cursor's shape here; guard.ts refuses to
 * build a schema with a connection that has none.
 */
export type CursorRule = (cursor: string) => boolean;

const INT4_MAX = 2147483647n;
const INT8_MAX = 9223372036854775807n;

/** The text a Pothos Prisma cursor (`base64("GPC:" + tag ":" + value)`) holds, or null. */
function prismaCursorValue(cursor: string, tag: "N" | "S"): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cursor) || cursor.length > 200) return null;
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  const prefix = `GPC:${tag}:`;
  return decoded.startsWith(prefix) ? decoded.slice(prefix.length) : null;
}

/** A non-negative decimal integer string no larger than `max`. */
function digitsUpTo(s: string, max: bigint): boolean {
  return /^\d{1,19}$/.test(s) && BigInt(s) <= max;
}

/** A Prisma cursor over an int4 id (users). */
export const int4PrismaCursor: CursorRule = (c) => {
  const v = prismaCursorValue(c, "N");
  return v !== null && digitsUpTo(v, INT4_MAX);
};

/** A Prisma cursor over a UUID id (workers). */
export const uuidPrismaCursor: CursorRule = (c) => {
  const v = prismaCursorValue(c, "S");
  return v !== null && isUuid(v);
};

/** A bare bigint id as decimal text (ledger entries). */
export const int8Cursor: CursorRule = (c) => digitsUpTo(c, INT8_MAX);

/**
 * A value cursor over (a timestamp, a UUID): `<epoch milliseconds>_<uuid>`, for lists ordered by
 * an immutable creation time with ties broken by id, so a cursor stays valid (and the list
 * stable) even when the row it names is deleted.
 */
export const timeUuidCursor: CursorRule = (c) => decodeTimeUuidCursor(c) !== null;

/** The cursor of a row in a list ordered by (creation time, id). */
export function encodeTimeUuidCursor(at: Date, id: string): string {
  return `${at.getTime()}_${id}`;
}

/** The (creation time, id) a {@link timeUuidCursor} holds, or null when it is not one. */
export function decodeTimeUuidCursor(c: string): { at: Date; id: string } | null {
  const m = /^(\d{1,15})_([0-9a-fA-F-]{36})$/.exec(c);
  if (!m || !isUuid(m[2]!)) return null;
  const ms = Number(m[1]);
  if (ms > 8.64e15) return null;
  return { at: new Date(ms), id: m[2]!.toLowerCase() };
}

/** Every connection field's cursor shape, by schema coordinate. */
export const CURSOR_RULES: ReadonlyMap<string, CursorRule> = new Map([
  ["Query.users", int4PrismaCursor],
  ["Query.workers", uuidPrismaCursor],
  ["Query.teams", uuidPrismaCursor],
  ["User.kudosHistory", int8Cursor],
  ["User.requests", timeUuidCursor],
]);

/** Refuses a negative page size or a cursor of the wrong shape, naming the argument. */
export function checkPageArgs(rule: CursorRule, args: Record<string, unknown>): ValidationError | null {
  for (const name of ["first", "last"] as const) {
    const n = args[name];
    if (typeof n === "number" && n < 0) {
      return new ValidationError("InvalidPageSize", `${name} must be 0 or more`, name);
    }
  }
  for (const name of ["after", "before"] as const) {
    const c = args[name];
    if (typeof c === "string" && !rule(c)) {
      return new ValidationError("InvalidCursor", `${name} is not a cursor this list handed out`, name);
    }
  }
  return null;
}
