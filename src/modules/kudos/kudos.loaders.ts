import DataLoader from "dataloader";
import { type Context, perRequest } from "../../graphql/context.ts";
import { type KudosDetails, kudosDetails } from "./kudos.rules.ts";
import { type LedgerRow, ledgerPages, ledgerTotals } from "./kudos.sql.ts";

/**
 * Per-operation loader of `User.kudosDetails`: every user a query names has their ledger summed
 * by kind in one grouped statement, however many users the list has.
 */
export function kudosDetailsLoader(ctx: Context): DataLoader<number, KudosDetails> {
  return perRequest(
    ctx,
    "kudosDetails",
    () =>
      new DataLoader<number, KudosDetails>(async (ids) => {
        const rows = await ledgerTotals(ctx.deps.db, ids);
        const byUser = new Map<
          number,
          { kind: (typeof rows)[number]["kind"]; viaSharedKey: boolean; total: number }[]
        >();
        for (const r of rows) {
          const list = byUser.get(r.user_id) ?? [];
          list.push({ kind: r.kind, viaSharedKey: r.via_shared_key, total: Number(r.total) });
          byUser.set(r.user_id, list);
        }
        return ids.map((id) => kudosDetails(byUser.get(id) ?? []));
      }),
  );
}

/** The page arguments of a `kudosHistory` connection, as the cursor connection resolves them. */
export interface LedgerPageArgs {
  after?: bigint;
  before?: bigint;
  limit: number;
  inverted: boolean;
}

/**
 * Per-operation loader of `User.kudosHistory`: every user of a list asking for the same page
 * gets it from one statement ({@link ledgerPages}), however many users the list has.
 */
export function ledgerPageLoader(ctx: Context, p: LedgerPageArgs): DataLoader<number, LedgerRow[]> {
  return perRequest(
    ctx,
    `ledgerPage:${p.after ?? ""}:${p.before ?? ""}:${p.limit}:${p.inverted}`,
    () =>
      new DataLoader<number, LedgerRow[]>(async (ids) => {
        const rows = await ledgerPages(ctx.deps.db, ids, p);
        const byUser = new Map<number, LedgerRow[]>();
        for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
        return ids.map((id) => byUser.get(id) ?? []);
      }),
  );
}
