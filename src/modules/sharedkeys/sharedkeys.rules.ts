/**
 * Shared keys (seed 004): API keys that spend their owner's kudos, for generating only, within
 * their own limits. Pure.
 *
 * A key's `kudos` is what is left of its budget: −1 unlimited, 0 exhausted. Every charge made
 * through it (horde tax on acceptance, each job's price on submit) adds to `utilized` and comes
 * off the budget, clamped at 0: in-flight jobs may overrun the last few kudos, as in the AI Horde,
 * since nothing is reserved. The owner's balance pays and the owner's priority applies.
 *
 *   use ──expired?──▶ SharedKeyExpired
 *     ├──budget 0?──▶ SharedKeyEmpty
 *     ├──image larger than maxImagePixels?──▶ SharedKeyMaxPixels
 *     ├──more steps than maxImageSteps?──▶ SharedKeyMaxSteps
 *     ├──longer text (maxLength) than maxTextTokens?──▶ SharedKeyMaxTextTokens
 *     ├──budget below the request's price?──▶ SharedKeyInsufficientKudos
 *     ▼ accepted
 */

/** Bounds and defaults of a shared key (the AI Horde's). */
export const SHARED_KEY_LIMITS = {
  defaultKudos: 5000,
  maxKudos: 50_000_000,
  minNameLength: 3,
  maxNameLength: 255,
  maxImagePixels: 4_194_304,
  maxImageSteps: 500,
  maxTextTokens: 500,
  maxExpiryDays: 36_500,
  perUser: 3,
  perTrustedUser: 10,
} as const;

/** How many shared keys an owner may hold. */
export function maxSharedKeys(owner: { trusted: boolean }): number {
  return owner.trusted ? SHARED_KEY_LIMITS.perTrustedUser : SHARED_KEY_LIMITS.perUser;
}

/** Fields a client sets on a key; omitted fields keep their default (create) or value (update). */
export interface SharedKeyFieldsInput {
  name?: string | null;
  /** Budget in kudos; −1 unlimited. */
  kudos?: number | null;
  /** Days from now until the key stops working; −1 never. */
  expiry?: number | null;
  maxImagePixels?: number | null;
  maxImageSteps?: number | null;
  maxTextTokens?: number | null;
}

/** Validated fields: only those the client gave, `expiresAt` resolved from `expiry`. */
export interface SharedKeyFields {
  name?: string;
  kudos?: number;
  /** null: never expires. */
  expiresAt?: Date | null;
  maxImagePixels?: number;
  maxImageSteps?: number;
  maxTextTokens?: number;
}

export type FieldsResult =
  | { ok: true; value: SharedKeyFields }
  | { ok: false; code: string; message: string; field: string };

function limit(v: number, max: number): boolean {
  return Number.isInteger(v) && (v === -1 || (v >= 0 && v <= max));
}

/** Checks a key's fields against the AI Horde's bounds; `now` resolves `expiry` days. */
export function checkSharedKeyFields(input: SharedKeyFieldsInput, now: Date): FieldsResult {
  const L = SHARED_KEY_LIMITS;
  const out: SharedKeyFields = {};
  if (input.name != null) {
    const name = input.name.trim();
    if ([...name].length < L.minNameLength || [...name].length > L.maxNameLength) {
      return {
        ok: false,
        code: "InvalidSharedKeyName",
        message: `A shared key's name has ${L.minNameLength} to ${L.maxNameLength} characters`,
        field: "name",
      };
    }
    out.name = name;
  }
  if (input.kudos != null) {
    if (!limit(input.kudos, L.maxKudos)) {
      return {
        ok: false,
        code: "InvalidSharedKeyKudos",
        message: `kudos is a whole number from 0 to ${L.maxKudos}, or -1 for no limit`,
        field: "kudos",
      };
    }
    out.kudos = input.kudos;
  }
  if (input.expiry != null) {
    const d = input.expiry;
    if (!Number.isInteger(d) || (d !== -1 && (d < 1 || d > L.maxExpiryDays))) {
      return {
        ok: false,
        code: "InvalidSharedKeyExpiry",
        message: `expiry is a number of days from 1 to ${L.maxExpiryDays}, or -1 for never`,
        field: "expiry",
      };
    }
    out.expiresAt = d === -1 ? null : new Date(now.getTime() + d * 86_400_000);
  }
  const caps = [
    ["maxImagePixels", L.maxImagePixels],
    ["maxImageSteps", L.maxImageSteps],
    ["maxTextTokens", L.maxTextTokens],
  ] as const;
  for (const [field, max] of caps) {
    const v = input[field];
    if (v == null) continue;
    if (!limit(v, max)) {
      return {
        ok: false,
        code: "InvalidSharedKeyLimit",
        message: `${field} is a whole number from 0 to ${max}, or -1 for no limit`,
        field,
      };
    }
    out[field] = v;
  }
  return { ok: true, value: out };
}

/** A shared key as admission sees it. */
export interface SharedKeyState {
  /** Remaining budget; −1 unlimited. */
  kudos: number;
  expiresAt: Date | null;
  maxImagePixels: number;
  maxImageSteps: number;
  /** −1 unlimited; absent on keys read before text existed (unlimited). */
  maxTextTokens?: number;
}

/** What a request asks of a key. */
export interface SharedKeyUse {
  pixels: number;
  /** The steps the requester asked for. */
  steps: number;
  /** A text request's maxLength (0 or absent for images). */
  tokens?: number;
  /** The request's whole estimated price (jobs and tax). */
  kudos: number;
  now: Date;
}

/** Why a key refuses a request, with the kind of error it is; null when it allows it. */
export type SharedKeyRefusal = {
  kind: "forbidden" | "kudos" | "validation";
  code: string;
  message: string;
};

/** Decides whether a shared key may make a request (checks in the order of the module comment). */
export function checkSharedKeyUse(key: SharedKeyState, use: SharedKeyUse): SharedKeyRefusal | null {
  if (key.expiresAt !== null && key.expiresAt.getTime() <= use.now.getTime()) {
    return { kind: "forbidden", code: "SharedKeyExpired", message: "This shared key has expired" };
  }
  if (key.kudos === 0) {
    return { kind: "kudos", code: "SharedKeyEmpty", message: "This shared key has used up its kudos" };
  }
  if (key.maxImagePixels !== -1 && use.pixels > key.maxImagePixels) {
    return {
      kind: "validation",
      code: "SharedKeyMaxPixels",
      message: `This shared key allows images of at most ${key.maxImagePixels} pixels; this one has ${use.pixels}`,
    };
  }
  if (key.maxImageSteps !== -1 && use.steps > key.maxImageSteps) {
    return {
      kind: "validation",
      code: "SharedKeyMaxSteps",
      message: `This shared key allows at most ${key.maxImageSteps} steps; this request has ${use.steps}`,
    };
  }
  const maxTokens = key.maxTextTokens ?? -1;
  if (maxTokens !== -1 && (use.tokens ?? 0) > maxTokens) {
    return {
      kind: "validation",
      code: "SharedKeyMaxTextTokens",
      message: `This shared key allows texts of at most ${maxTokens} tokens; this request asks for ${use.tokens}`,
    };
  }
  if (key.kudos !== -1 && key.kudos < use.kudos) {
    return {
      kind: "kudos",
      code: "SharedKeyInsufficientKudos",
      message: `This request costs ${use.kudos} kudos and the shared key has ${key.kudos} left`,
    };
  }
  return null;
}
