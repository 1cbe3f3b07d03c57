import type { Db } from "../../src/infra/db.ts";
import { hashKey, newApiKey } from "../../src/modules/users/users.rules.ts";

let n = 0;

/** Inserts a user directly (no API round trip) and returns its id and API key. */
export async function seedUser(
  db: Db,
  o: {
    username?: string;
    kudos?: number;
    trusted?: boolean;
    moderator?: boolean;
    flagged?: boolean;
    concurrency?: number;
  } = {},
): Promise<{ id: number; apiKey: string; username: string }> {
  const apiKey = newApiKey();
  const username = o.username ?? `user_${process.pid}_${++n}_${Math.random().toString(36).slice(2, 7)}`;
  const rows = await db.query<{ id: number }>(
    `INSERT INTO users (username, api_key_hash, kudos, trusted, moderator, flagged, concurrency)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      username,
      hashKey(apiKey),
      o.kudos ?? 0,
      o.trusted ?? false,
      o.moderator ?? false,
      o.flagged ?? false,
      o.concurrency ?? 30,
    ],
  );
  return { id: rows[0]!.id, apiKey, username };
}
