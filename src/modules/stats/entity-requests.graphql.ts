import { resolveCursorConnection } from "@pothos/plugin-relay";
import { ValidationError } from "../../errors.ts";
import { builder } from "../../graphql/builder.ts";
import { decodeTimeUuidCursor, encodeTimeUuidCursor } from "../../graphql/cursors.ts";
import { ImageRequestRef } from "../requests/requests.graphql.ts";
import { type RequestKey, type RequestRow, requestsOfUser } from "../requests/requests.service.ts";

/** The (creation time, id) of a `User.requests` cursor; the guard already refused malformed ones. */
function keyOf(cursor: string | undefined): RequestKey | null {
  if (cursor === undefined) return null;
  const k = decodeTimeUuidCursor(cursor);
  if (!k) throw new ValidationError("InvalidCursor", "Not a cursor this list handed out", "after");
  return { createdAt: k.at, id: k.id };
}

builder.prismaObjectFields("User", (t) => ({
  requests: t.connection({
    type: ImageRequestRef,
    nullable: true,
    description:
      "The caller's own requests, newest first (ties by id), among those still stored, so a frontend can find them again after a reload. Null for anyone else's account, for Anonymous (its requests are everyone's) and through a shared key. Cursors hold (creation time, id), so they stay valid while requests come and go. Live.",
    select: { id: true },
    resolve: (u, args, ctx) => {
      const v = ctx.viewer;
      if (v.anonymous || v.sharedKeyId || v.userId !== u.id) return null;
      return resolveCursorConnection<Promise<RequestRow[]>>(
        {
          args,
          defaultSize: 20,
          maxSize: 100,
          toCursor: (r) => encodeTimeUuidCursor(r.created_at, r.id),
        },
        (p) =>
          requestsOfUser(ctx.deps, u.id, {
            after: keyOf(p.after),
            before: keyOf(p.before),
            limit: p.limit,
            inverted: p.inverted,
          }),
      );
    },
  }),
}));
