/**
 * GET /dataset.jsonl: the ratings dataset as JSON Lines (application/x-ndjson), for moderators.
 * The key travels as for /graphql (`apikey`, or `Authorization: Bearer`). Streamed page by page;
 * a client that goes away stops the export at the next page.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Deps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { assertMayExport, exportDataset } from "../modules/ratings/ratings.service.ts";
import { authenticate } from "../modules/users/users.service.ts";
import { apiKeyFromHeaders } from "./api-key.ts";
import { jsonError } from "./respond.ts";

/** Where clients reach this server: PUBLIC_URL, else the origin the request was sent to. */
function baseUrlOf(deps: Deps, req: IncomingMessage): string {
  if (deps.config.publicUrl) return deps.config.publicUrl;
  const host = req.headers.host;
  return host && /^[\w.:[\]-]+$/.test(host) ? `http://${host}` : `http://localhost:${deps.config.port}`;
}

/** Serves the export after checking the caller is a moderator (401 bad key, 403 anyone else). */
export async function serveDatasetExport(deps: Deps, req: IncomingMessage, res: ServerResponse, headers: Headers) {
  const key = apiKeyFromHeaders(headers);
  const viewer = key.ok ? await authenticate(deps.db, key.key) : null;
  if (!viewer) return jsonError(res, 401, "InvalidAPIKey", "The API key matches no user");
  try {
    assertMayExport(viewer);
  } catch (err) {
    if (err instanceof DomainError) return jsonError(res, 403, err.code, err.message);
    throw err;
  }
  res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
  let gone = false;
  res.on("close", () => {
    gone = true;
  });
  await exportDataset(deps, baseUrlOf(deps, req), async (chunk) => {
    if (gone) throw new Error("client went away");
    if (!res.write(chunk)) await new Promise<void>((resolve) => res.once("drain", () => resolve()));
  }).catch((err) => {
    if (!gone) deps.logger.warn({ err: (err as Error).message }, "dataset export failed");
  });
  res.end();
}
