import type { Deps } from "../../deps.ts";
import { ForbiddenError, KudosError, LimitError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { isUuid } from "../../lib/ids.ts";
import { toCents } from "../../lib/money.ts";
import { hashKey, newApiKey } from "../users/users.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import {
  checkSharedKeyFields,
  checkSharedKeyUse,
  maxSharedKeys,
  SHARED_KEY_LIMITS,
  type SharedKeyFieldsInput,
  type SharedKeyUse,
} from "./sharedkeys.rules.ts";
import * as q from "./sharedkeys.sql.ts";

/** Who may manage shared keys: a registered user with their own key. */
function assertCanManage(viewer: Viewer): void {
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot manage shared keys");
  if (viewer.anonymous) throw new ForbiddenError("AnonForbidden", "Anonymous cannot have shared keys; register first");
}

function fieldsOf(input: SharedKeyFieldsInput, now: Date) {
  const checked = checkSharedKeyFields(input, now);
  if (!checked.ok) throw new ValidationError(checked.code, checked.message, checked.field);
  return checked.value;
}

/**
 * Creates a shared key for the caller and returns its id and the key itself, which is shown
 * once: only its hash is stored, as for API keys. At most 3 keys per owner, 10 when trusted.
 */
export async function createSharedKey(
  deps: Deps,
  viewer: Viewer,
  input: SharedKeyFieldsInput & { name: string },
): Promise<{ id: string; key: string }> {
  assertCanManage(viewer);
  const now = deps.clock.now();
  const fields = fieldsOf(input, now);
  const key = newApiKey();
  const max = maxSharedKeys(viewer);
  const id = await deps.db.tx(async (sql) => {
    await q.lockKeyOwner(sql, viewer.userId);
    return q.insertSharedKey(sql, {
      userId: viewer.userId,
      keyHash: hashKey(key),
      fields,
      defaultKudos: SHARED_KEY_LIMITS.defaultKudos,
      maxKeys: max,
      now,
    });
  });
  if (!id) throw new LimitError("TooManySharedKeys", `You may hold at most ${max} shared keys`);
  return { id, key };
}

/** Changes the given fields of one of the caller's keys (`expiry` counts from now; −1 clears it). */
export async function updateSharedKey(
  deps: Deps,
  viewer: Viewer,
  input: SharedKeyFieldsInput & { id: string },
): Promise<string> {
  assertCanManage(viewer);
  const fields = fieldsOf(input, deps.clock.now());
  const found = isUuid(input.id) && (await q.updateSharedKey(deps.db, input.id, viewer.userId, fields));
  if (!found) throw new NotFoundError("SharedKeyNotFound", "You have no shared key with this id");
  return input.id;
}

/** Deletes one of the caller's keys. Requests made with it keep running on the owner's kudos. */
export async function deleteSharedKey(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  assertCanManage(viewer);
  const found = isUuid(id) && (await q.deleteSharedKey(deps.db, id, viewer.userId));
  if (!found) throw new NotFoundError("SharedKeyNotFound", "You have no shared key with this id");
  return id;
}

/**
 * Refuses a request a shared key does not allow: expired, used up, larger or longer than its
 * limits, or priced above what is left of its budget. A key deleted since it authenticated no
 * longer exists, so it is refused as an invalid key.
 */
export async function assertSharedKeyAllows(sql: Sql, keyId: string, use: SharedKeyUse): Promise<void> {
  const key = await q.readSharedKey(sql, keyId);
  if (!key) throw new ForbiddenError("InvalidAPIKey", "This shared key no longer exists");
  const refusal = checkSharedKeyUse(key, use);
  if (!refusal) return;
  if (refusal.kind === "forbidden") throw new ForbiddenError(refusal.code, refusal.message);
  if (refusal.kind === "kudos") throw new KudosError(refusal.code, refusal.message);
  throw new ValidationError(refusal.code, refusal.message, "params");
}

/**
 * Accounts kudos a shared key spent (the owner's ledger row is the caller's): `utilized` grows,
 * the budget shrinks, clamped at 0. Call after `applyLedger` in the same transaction.
 */
export async function spendSharedKey(sql: Sql, keyId: string | null, amount: number): Promise<void> {
  if (!keyId || toCents(amount) <= 0) return;
  await q.spendSharedKey(sql, keyId, amount);
}

/** A shared key named as a transfer's target: its owner, and whether it has expired. */
export async function sharedKeyForTransfer(
  sql: Sql,
  id: string,
  now: Date,
): Promise<{ ownerId: number; expired: boolean } | null> {
  if (!isUuid(id)) return null;
  const key = await q.keyOwnerAndExpiry(sql, id.toLowerCase());
  if (!key) return null;
  return { ownerId: key.user_id, expired: key.expires_at !== null && key.expires_at.getTime() <= now.getTime() };
}

/** A transfer to a shared key tops its budget up by the amount (an unlimited key stays unlimited). */
export async function topUpSharedKey(sql: Sql, id: string, amount: number): Promise<void> {
  await q.topUpSharedKey(sql, id.toLowerCase(), amount);
}
