import { ValidationError } from "../../errors.ts";

/**
 * The `workers` list's filter: a workers rule, kept here rather than with the statistics so
 * that stats (which extends Worker) depends on workers and never the reverse.
 */

/** The longest `name` or `model` a `workers` filter accepts (a worker name has at most 100). */
export const FILTER_TEXT_MAX = 200;

/** A `workers` filter as the API receives it. */
export interface WorkerFilterInput {
  kind?: string | null;
  online?: boolean | null;
  model?: string | null;
  name?: string | null;
  owner?: string | number | null;
}

/** A checked `workers` filter: null fields filter nothing. */
export interface WorkerFilter {
  kind: string | null;
  online: boolean | null;
  model: string | null;
  name: string | null;
  ownerId: number | null;
}

/**
 * Checks a `workers` filter: `model` and `name` non-empty and at most {@link FILTER_TEXT_MAX}
 * characters, `owner` a user id (a non-negative int4). Throws a ValidationError with code
 * `InvalidFilter` naming the field.
 */
export function checkWorkerFilter(input: WorkerFilterInput | null | undefined): WorkerFilter {
  const f = input ?? {};
  const text = (v: string | null | undefined, field: string): string | null => {
    if (v === null || v === undefined) return null;
    const t = v.trim();
    if (t.length === 0 || t.length > FILTER_TEXT_MAX) {
      throw new ValidationError("InvalidFilter", `${field} must have 1 to ${FILTER_TEXT_MAX} characters`, field);
    }
    return t;
  };
  let ownerId: number | null = null;
  if (f.owner !== null && f.owner !== undefined) {
    const s = String(f.owner);
    if (!/^\d{1,10}$/.test(s) || Number(s) > 2147483647) {
      throw new ValidationError("InvalidFilter", "owner must be a user id", "filter.owner");
    }
    ownerId = Number(s);
  }
  return {
    kind: f.kind ?? null,
    online: f.online ?? null,
    model: text(f.model, "filter.model"),
    name: text(f.name, "filter.name"),
    ownerId,
  };
}
