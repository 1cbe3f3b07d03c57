import type { Sql } from "../../infra/db.ts";
import type { SharedKeyFields, SharedKeyState } from "./sharedkeys.rules.ts";

/**
 * Serialises one owner's key management (transaction-scoped advisory lock, namespace 3), so the
 * count check of {@link insertSharedKey} cannot race another creation by the same owner.
 */
export async function lockKeyOwner(sql: Sql, userId: number): Promise<void> {
  await sql.query("SELECT pg_advisory_xact_lock(3, $1)", [userId]);
}

/** Inserts a key while its owner holds fewer than `maxKeys`; null when they hold that many. */
export async function insertSharedKey(
  sql: Sql,
  k: { userId: number; keyHash: string; fields: SharedKeyFields; defaultKudos: number; maxKeys: number; now: Date },
): Promise<string | null> {
  const f = k.fields;
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO shared_keys (user_id, key_hash, name, kudos, expires_at, max_image_pixels, max_image_steps,
        max_text_tokens, created_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
      WHERE (SELECT count(*) FROM shared_keys WHERE user_id = $1) < $10
     RETURNING id`,
    [
      k.userId,
      k.keyHash,
      f.name,
      (f.kudos ?? k.defaultKudos).toFixed(2),
      f.expiresAt ?? null,
      f.maxImagePixels ?? -1,
      f.maxImageSteps ?? -1,
      f.maxTextTokens ?? -1,
      k.now,
      k.maxKeys,
    ],
  );
  return rows[0]?.id ?? null;
}

/** Changes the given fields of an owner's key; false when the owner has no such key. */
export async function updateSharedKey(sql: Sql, id: string, userId: number, f: SharedKeyFields): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE shared_keys SET
        name = coalesce($3, name),
        kudos = coalesce($4::numeric, kudos),
        expires_at = CASE WHEN $5 THEN $6::timestamptz ELSE expires_at END,
        max_image_pixels = coalesce($7, max_image_pixels),
        max_image_steps = coalesce($8, max_image_steps),
        max_text_tokens = coalesce($9, max_text_tokens)
      WHERE id = $1 AND user_id = $2
     RETURNING id`,
    [
      id,
      userId,
      f.name ?? null,
      f.kudos?.toFixed(2) ?? null,
      f.expiresAt !== undefined,
      f.expiresAt ?? null,
      f.maxImagePixels ?? null,
      f.maxImageSteps ?? null,
      f.maxTextTokens ?? null,
    ],
  );
  return rows.length > 0;
}

/** Deletes an owner's key (its requests keep running, unlinked); false when there is none. */
export async function deleteSharedKey(sql: Sql, id: string, userId: number): Promise<boolean> {
  const rows = await sql.query("DELETE FROM shared_keys WHERE id = $1 AND user_id = $2 RETURNING id", [id, userId]);
  return rows.length > 0;
}

/** A key's limits and what is left of its budget, or null when it was deleted. No lock. */
export async function readSharedKey(sql: Sql, id: string): Promise<SharedKeyState | null> {
  const rows = await sql.query<{
    kudos: string;
    expires_at: Date | null;
    max_image_pixels: number;
    max_image_steps: number;
    max_text_tokens: number;
  }>(
    "SELECT kudos::text, expires_at, max_image_pixels, max_image_steps, max_text_tokens FROM shared_keys WHERE id = $1",
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    kudos: Number(r.kudos),
    expiresAt: r.expires_at,
    maxImagePixels: r.max_image_pixels,
    maxImageSteps: r.max_image_steps,
    maxTextTokens: r.max_text_tokens,
  };
}

/**
 * Records kudos spent through a key: `utilized` grows by the amount, and the budget shrinks by
 * it unless unlimited, never below 0. Locks the key's row; callers take it after the users' rows
 * (after `applyLedger`), the order every path uses, so spends cannot deadlock.
 */
export async function spendSharedKey(sql: Sql, id: string, amount: number): Promise<void> {
  await sql.query(`${spendSharedKeySql("$1", "$2")}`, [id, amount.toFixed(2)]);
}

/**
 * The spending of a shared key as one UPDATE, for {@link spendSharedKey} and for a settlement
 * statement that spends inside itself (jobs.sql.ts, settleJob): `id` and `amount` are SQL
 * expressions; the amount is added to `utilized` and taken off the budget unless it is -1,
 * never below 0.
 */
export function spendSharedKeySql(id: string, amount: string): string {
  return `UPDATE shared_keys SET utilized = utilized + ${amount},
            kudos = CASE WHEN kudos = -1 THEN -1 ELSE greatest(kudos - ${amount}, 0) END
      WHERE id = ${id}`;
}

/** A key's owner and expiry, for a transfer naming it. */
export async function keyOwnerAndExpiry(
  sql: Sql,
  id: string,
): Promise<{ user_id: number; expires_at: Date | null } | null> {
  const rows = await sql.query<{ user_id: number; expires_at: Date | null }>(
    "SELECT user_id, expires_at FROM shared_keys WHERE id = $1",
    [id],
  );
  return rows[0] ?? null;
}

/** Adds to a key's budget unless it is unlimited (-1). Locks the key's row. */
export async function topUpSharedKey(sql: Sql, id: string, amount: number): Promise<void> {
  await sql.query("UPDATE shared_keys SET kudos = CASE WHEN kudos = -1 THEN -1 ELSE kudos + $2 END WHERE id = $1", [
    id,
    amount.toFixed(2),
  ]);
}
