import type { Deps } from "../../deps.ts";
import { boundedFirst, LEADERBOARD_DEFAULT, LEADERBOARD_MAX } from "./entity-stats.rules.ts";
import { type RankedRow, topUsers, topWorkers, type UserRanking, type WorkerRanking } from "./entity-stats.sql.ts";

export type { UserRanking, WorkerRanking };

/** A leaderboard entry: its 1-based place, the figure it is ranked by, and the entity's id. */
export interface Ranked<K> {
  rank: number;
  value: number;
  id: K;
}

function ranked<K>(rows: RankedRow<K>[]): Ranked<K>[] {
  return rows.map((r, i) => ({ rank: i + 1, value: Number(r.value), id: r.id }));
}

/**
 * The top users by kudos or by contributions (Anonymous left out), highest first, ties by id;
 * `first` between 0 and {@link LEADERBOARD_MAX} (else `InvalidPageSize`). One statement.
 */
export async function userLeaderboard(
  deps: Deps,
  by: UserRanking,
  first: number | null | undefined,
): Promise<Ranked<number>[]> {
  const limit = boundedFirst(first, LEADERBOARD_MAX, LEADERBOARD_DEFAULT);
  return limit === 0 ? [] : ranked(await topUsers(deps.db, by, limit));
}

/** The top workers by megapixelsteps or jobs fulfilled, highest first, ties by id. One statement. */
export async function workerLeaderboard(
  deps: Deps,
  by: WorkerRanking,
  first: number | null | undefined,
): Promise<Ranked<string>[]> {
  const limit = boundedFirst(first, LEADERBOARD_MAX, LEADERBOARD_DEFAULT);
  return limit === 0 ? [] : ranked(await topWorkers(deps.db, by, limit));
}
