import { loadConfig } from "../src/config.ts";
import { connectPostgres, openPglite } from "../src/infra/db.ts";
import { migrate } from "../src/infra/migrate.ts";

// `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database.
const config = loadConfig();
const db = config.databaseUrl ? connectPostgres(config.databaseUrl, 2) : await openPglite(`${config.dataDir}/pglite`);
const { applied, skipped } = await migrate(db);
console.log(`applied ${applied.length} (${applied.join(", ") || "none"}), already applied ${skipped.length}`);
await db.close();
