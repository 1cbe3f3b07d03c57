import DataLoader from "dataloader";
import type { SharedKey } from "../../../generated/prisma/client.ts";
import { type Context, perRequest } from "../../graphql/context.ts";

/** What Pothos asks Prisma to read for a field (its `select` or `include`). */
type PrismaQuery = { select?: Record<string, unknown>; include?: Record<string, unknown> };

/**
 * Per-operation loader of `User.sharedKeys`: the keys of every user a list names, in one
 * statement, oldest first. One loader per selection shape, so nested selections Pothos asks for
 * are read in the same statement.
 */
export function sharedKeysLoader(ctx: Context, query: PrismaQuery): DataLoader<number, SharedKey[]> {
  const shape = JSON.stringify(query);
  return perRequest(
    ctx,
    `sharedKeys:${shape}`,
    () =>
      new DataLoader<number, SharedKey[]>(async (ids) => {
        // The rows are grouped by owner, so the owner's id is read whatever the selection.
        const q = query.select ? { select: { ...query.select, userId: true } } : query;
        const rows = (await ctx.deps.db.prisma.sharedKey.findMany({
          ...q,
          where: { userId: { in: [...ids] } },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        })) as SharedKey[];
        const byUser = new Map<number, SharedKey[]>();
        for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
        return ids.map((id) => byUser.get(id) ?? []);
      }),
  );
}
