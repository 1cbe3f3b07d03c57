import pg from "pg";
import { StartupError } from "./startup-error.ts";

// Its own module, importing only the driver: main.ts runs it before loading the schema and
// Prisma, so a wrong DATABASE_URL is reported in a second or two.

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

/** What a failed Postgres connection means, in words, from the driver's error. */
function describePgError(err: pg.DatabaseError | NodeJS.ErrnoException, url: URL): string {
  const where = `${url.hostname}:${url.port || 5432}`;
  const user = decodeURIComponent(url.username) || "(default user)";
  const db = decodeURIComponent(url.pathname.slice(1)) || "(default database)";
  switch (err.code) {
    case "ECONNREFUSED":
      return `cannot reach the database at ${where}: connection refused`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve the database host ${url.hostname}`;
    case "ETIMEDOUT":
      return `cannot reach the database at ${where}: timed out`;
    case "28P01":
    case "28000":
      return `the database refused the credentials of user ${user} (${oneLine(err)})`;
    case "3D000":
      return `the database ${db} does not exist on ${where}`;
    default:
      return `cannot connect to the database at ${where}: ${oneLine(err)}`;
  }
}

/**
 * Connects once to check that Postgres is reachable and accepts the credentials, within
 * `timeoutMs`; throws a {@link StartupError} naming `DATABASE_URL` (never its password) if not.
 */
export async function checkPostgres(url: string, timeoutMs = 5_000): Promise<void> {
  const parsed = new URL(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const timedOut = /timeout/i.test(e.message ?? "");
    throw new StartupError(
      "DATABASE_URL",
      timedOut
        ? `cannot reach the database at ${parsed.hostname}:${parsed.port || 5432}: no answer in ${timeoutMs / 1000} s`
        : describePgError(e, parsed),
    );
  } finally {
    await client.end().catch(() => {});
  }
}
