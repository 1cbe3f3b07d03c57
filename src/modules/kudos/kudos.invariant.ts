import type { Sql } from "../../infra/db.ts";
import { SINK_KINDS, SOURCE_KINDS, TRANSFER_KINDS } from "./kudos.rules.ts";

/** What {@link checkLedgerInvariant} found. Amounts are exact decimal strings. */
export interface InvariantReport {
  /** True when every check below holds. */
  ok: boolean;
  users: number;
  rows: number;
  /** Sum of every user's balance. */
  balances: string;
  /** Sum of every ledger amount. */
  ledger: string;
  /** Kudos that entered the economy (rewards and awards). */
  minted: string;
  /** Kudos that left it (charges and taxes), as a positive amount. */
  burned: string;
  /** Net of all transfer rows; zero when every transfer moved as much out as in. */
  transfersNet: string;
  /** Net of rows of other kinds (floor adjustments; none are written today). */
  other: string;
  /** Users whose balance differs from the sum of their ledger rows. */
  mismatchedUsers: number;
  /** A few of them, to start looking. */
  mismatches: { userId: number; balance: string; ledger: string }[];
  /** Rows whose sign contradicts their kind (a reward that takes, a charge that gives). */
  wrongSign: number;
  /** Transfers whose rows are not exactly one out and one in of the transfer's amount. */
  unbalancedTransfers: number;
  /** Each failed check, in words. */
  problems: string[];
}

interface Row {
  users: number;
  rows: number;
  balances: string;
  ledger: string;
  minted: string;
  burned: string;
  transfers_net: string;
  other: string;
  mismatched: number;
  mismatches: { userId: number; balance: string; ledger: string }[] | null;
  wrong_sign: number;
  unbalanced: number;
  escrow_mismatched: number;
  balanced: boolean;
  totals_equal: boolean;
  transfers_zero: boolean;
}

/**
 * Checks that no kudo was lost, made up or counted twice:
 * - every user's balance equals the sum of their ledger rows (no lost or unrecorded update);
 * - the sum of all balances equals the sum of the ledger, which equals what sources brought in
 *   less what sinks took out: transfers net to zero and every other kind moves one way only;
 * - every transfer is one `transfer_out` and one `transfer_in` row of its recorded amount;
 * - every user's escrow (`evaluating_kudos`) equals what their escrow rows parked.
 * One statement, so under load it reads one consistent snapshot. It reads every ledger row:
 * a task for the quiet hours and a test helper, not a per-request check.
 */
export async function checkLedgerInvariant(sql: Sql): Promise<InvariantReport> {
  const rows = await sql.query<Row>(
    `WITH per_user AS (
       SELECT user_id, sum(amount) AS total FROM kudos_ledger GROUP BY user_id
     ),
     mism AS (
       SELECT u.id, u.kudos, coalesce(p.total, 0) AS total
         FROM users u LEFT JOIN per_user p ON p.user_id = u.id
        WHERE u.kudos <> coalesce(p.total, 0)
     ),
     kinds AS (
       SELECT coalesce(sum(amount) FILTER (WHERE kind = ANY($1::ledger_kind[])), 0) AS minted,
              coalesce(-sum(amount) FILTER (WHERE kind = ANY($2::ledger_kind[])), 0) AS burned,
              coalesce(sum(amount) FILTER (WHERE kind = ANY($3::ledger_kind[])), 0) AS transfers_net,
              coalesce(sum(amount) FILTER (WHERE NOT kind = ANY($1::ledger_kind[] || $2::ledger_kind[] || $3::ledger_kind[])), 0) AS other,
              coalesce(sum(amount), 0) AS ledger,
              count(*) AS rows,
              count(*) FILTER (WHERE (kind = ANY($1::ledger_kind[]) OR kind = 'transfer_in') AND amount <= 0
                                  OR (kind = ANY($2::ledger_kind[]) OR kind = 'transfer_out') AND amount >= 0) AS wrong_sign
         FROM kudos_ledger
     ),
     moves AS (
       SELECT transfer_id,
              count(*) FILTER (WHERE kind = 'transfer_out') AS outs,
              count(*) FILTER (WHERE kind = 'transfer_in') AS ins,
              sum(amount) FILTER (WHERE kind = 'transfer_in') AS moved_in,
              -sum(amount) FILTER (WHERE kind = 'transfer_out') AS moved_out
         FROM kudos_ledger WHERE transfer_id IS NOT NULL GROUP BY transfer_id
     ),
     escrow_mism AS (
       SELECT u.id FROM users u
         LEFT JOIN (SELECT user_id, sum(amount) AS held FROM kudos_ledger
                     WHERE kind IN ('escrow_hold', 'escrow_release') GROUP BY user_id) e ON e.user_id = u.id
        WHERE u.evaluating_kudos <> -coalesce(e.held, 0)
     ),
     unbalanced AS (
       SELECT t.id FROM kudos_transfers t FULL JOIN moves m ON m.transfer_id = t.id
        WHERE t.id IS NULL OR m.transfer_id IS NULL OR m.outs <> 1 OR m.ins <> 1
           OR m.moved_in <> t.amount OR m.moved_out <> t.amount
     )
     SELECT (SELECT count(*) FROM users) AS users,
            k.rows, (SELECT coalesce(sum(kudos), 0) FROM users)::text AS balances, k.ledger::text,
            k.minted::text, k.burned::text, k.transfers_net::text, k.other::text,
            (SELECT count(*) FROM mism) AS mismatched,
            (SELECT json_agg(json_build_object('userId', id, 'balance', kudos::text, 'ledger', total::text))
               FROM (SELECT * FROM mism ORDER BY id LIMIT 10) x) AS mismatches,
            k.wrong_sign,
            (SELECT count(*) FROM unbalanced) AS unbalanced,
            (SELECT count(*) FROM escrow_mism) AS escrow_mismatched,
            (SELECT coalesce(sum(kudos), 0) FROM users) = k.minted - k.burned + k.transfers_net + k.other
              AND k.ledger = k.minted - k.burned + k.transfers_net + k.other AS balanced,
            (SELECT coalesce(sum(kudos), 0) FROM users) = k.ledger AS totals_equal,
            k.transfers_net = 0 AS transfers_zero
       FROM kinds k`,
    [SOURCE_KINDS, SINK_KINDS, TRANSFER_KINDS],
  );
  const r = rows[0]!;
  const problems: string[] = [];
  if (r.mismatched > 0) problems.push(`${r.mismatched} users' balances differ from their ledger`);
  if (!r.totals_equal) problems.push(`balances total ${r.balances} but the ledger totals ${r.ledger}`);
  if (!r.balanced) problems.push("sources less sinks do not account for the balances");
  if (!r.transfers_zero) problems.push(`transfers net to ${r.transfers_net}, not 0`);
  if (r.wrong_sign > 0) problems.push(`${r.wrong_sign} ledger rows move kudos against their kind`);
  if (r.unbalanced > 0) problems.push(`${r.unbalanced} transfers are not one matching pair of rows`);
  if (r.escrow_mismatched > 0) problems.push(`${r.escrow_mismatched} users' escrow differs from their escrow rows`);
  return {
    ok: problems.length === 0,
    users: r.users,
    rows: r.rows,
    balances: r.balances,
    ledger: r.ledger,
    minted: r.minted,
    burned: r.burned,
    transfersNet: r.transfers_net,
    other: r.other,
    mismatchedUsers: r.mismatched,
    mismatches: r.mismatches ?? [],
    wrongSign: r.wrong_sign,
    unbalancedTransfers: r.unbalanced,
    problems,
  };
}
