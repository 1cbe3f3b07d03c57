import { lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import { assertGuarded } from "./guard.ts";
import "./scalars.ts";
import "./errors.ts";
import "../modules/users/users.graphql.ts";
import "../modules/workers/workers.graphql.ts";
import "../modules/models/models.graphql.ts";
import "../modules/requests/requests.graphql.ts";
import "../modules/jobs/jobs.graphql.ts";
import "../modules/kudos/kudos.graphql.ts";
import "../modules/sharedkeys/sharedkeys.graphql.ts";
import "../modules/stats/horde-status.graphql.ts";
import "../modules/stats/entity-stats.graphql.ts";
import "../modules/stats/entity-requests.graphql.ts";
import "../modules/stats/horde-stats.graphql.ts";
import "../modules/stats/kind-stats.graphql.ts";
import "../modules/ratings/ratings.graphql.ts";
import "../modules/trust/trust.graphql.ts";
import "../modules/teams/teams.graphql.ts";
import "../modules/moderation/moderation.graphql.ts";
import "../modules/workers/workers.admin.graphql.ts";
import "../modules/text/text.graphql.ts";
import "../modules/text/text.jobs.graphql.ts";
import "../modules/alchemy/alchemy.graphql.ts";

/** The executable schema, built once from every module's types, every field's arguments guarded. */
export const schema = assertGuarded(builder.toSchema({ sortSchema: true }));

/** The SDL committed as schema.graphql. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
