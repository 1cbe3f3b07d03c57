import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import type PrismaTypes from "../../generated/pothos-types.ts";
import { getDatamodel } from "../../generated/pothos-types.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Context } from "./context.ts";
import GuardPlugin from "./guard.ts";

/**
 * The one schema builder: plugins and scalars, no types. Modules add their types to it and
 * `schema.ts` imports the modules. Prisma reads go through the request's own client (the
 * context's db), so one process can serve several databases in tests.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // The guard comes after the errors plugin so that it runs inside it: its refusals become a
  // mutation's ValidationError.
  plugins: [ErrorsPlugin, GuardPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (ctx: Context) => ctx.deps.db.prisma as unknown as PrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
  },
  errors: {
    defaultTypes: [],
    directResult: true,
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
