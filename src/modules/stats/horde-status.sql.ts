/**
 * The live horde-wide figures (`hordeStatus`, AI Horde `/status/performance` and
 * `/status/modes`), read in one statement. What it touches, so it stays cheap however long the
 * horde has run: the waiting jobs (the partial index jobs_queue_idx holds only those), the
 * workers table, the jobs finished in the last minute (jobs_submitted_at_idx) and the one-row
 * horde_settings. It takes no locks. Figures: bench/README.md (stats-horde).
 */
import type { Sql } from "../../infra/db.ts";
import { LIVE } from "../queue/queue.rules.ts";
import { onlineSince } from "../workers/workers.rules.ts";

/** Job states that mean an image was generated (a censored one too); FAULTED is not one. */
export const GENERATED_STATES = "('ok', 'censored', 'csam')";

/** One read of the horde's live state, as {@link readHordeStatus} returns it. */
export interface HordeStatusRow {
  queuedRequests: number;
  queuedJobs: number;
  queuedMegapixelsteps: number;
  processingJobs: number;
  workersOnline: number;
  threadsOnline: number;
  textWorkersOnline: number;
  textThreadsOnline: number;
  interrogatorsOnline: number;
  interrogatorThreadsOnline: number;
  pastMinuteImages: number;
  pastMinuteMegapixelsteps: number;
  /** text (issue 12): requests and jobs waiting, their tokens asked (max length), last minute's texts and tokens */
  queuedTextRequests: number;
  queuedTextJobs: number;
  queuedTokens: number;
  pastMinuteTexts: number;
  pastMinuteTokens: number;
  /** alchemy: forms waiting, and done in the last minute */
  queuedForms: number;
  pastMinuteForms: number;
  maintenance: boolean;
  inviteOnly: boolean;
  raid: boolean;
  /** The instant the figures are for. */
  at: Date;
}

/** Reads the live horde status as of `now` (one statement, no locks). */
export async function readHordeStatus(sql: Sql, now: Date): Promise<HordeStatusRow> {
  const online = onlineSince(now);
  const minuteAgo = new Date(now.getTime() - 60_000);
  const rows = await sql.query<Omit<HordeStatusRow, "at">>(
    `WITH q AS (
       -- jobs counted per request from the waiting index alone (an index-only scan)
       SELECT count(*) FILTER (WHERE r.kind = 'image')::int AS requests,
              coalesce(sum(w.n) FILTER (WHERE r.kind = 'image'), 0)::int AS jobs,
              coalesce(sum(w.n * r.width::float8 * r.height * r.steps) FILTER (WHERE r.kind = 'image'), 0) / 1e6 AS mps,
              count(*) FILTER (WHERE r.kind = 'text')::int AS text_requests,
              coalesce(sum(w.n) FILTER (WHERE r.kind = 'text'), 0)::int AS text_jobs,
              coalesce(sum(w.n * r.max_length) FILTER (WHERE r.kind = 'text'), 0)::float8 AS tokens,
              coalesce(sum(w.n) FILTER (WHERE r.kind = 'alchemy'), 0)::int AS forms
         FROM (SELECT request_id, count(*) AS n FROM jobs WHERE state = 'waiting' GROUP BY request_id) w
         JOIN requests r ON r.id = w.request_id
        WHERE ${LIVE}
     ),
     w AS (
       SELECT count(*) FILTER (WHERE kind = 'image')::int AS image_workers,
              coalesce(sum(threads) FILTER (WHERE kind = 'image'), 0)::int AS image_threads,
              count(*) FILTER (WHERE kind = 'text')::int AS text_workers,
              coalesce(sum(threads) FILTER (WHERE kind = 'text'), 0)::int AS text_threads,
              count(*) FILTER (WHERE kind = 'alchemy')::int AS alchemists,
              coalesce(sum(threads) FILTER (WHERE kind = 'alchemy'), 0)::int AS alchemy_threads
         FROM workers WHERE last_check_in >= $1
     ),
     m AS (
       SELECT count(*) FILTER (WHERE j.kind = 'image')::int AS images,
              coalesce(sum(coalesce(j.things, j.pixels::float8 * j.steps)) FILTER (WHERE j.kind = 'image'), 0) / 1e6 AS mps,
              count(*) FILTER (WHERE j.kind = 'text')::int AS texts,
              coalesce(sum(j.things) FILTER (WHERE j.kind = 'text'), 0)::float8 AS tokens,
              count(*) FILTER (WHERE j.kind = 'alchemy')::int AS forms
         FROM jobs j
        WHERE j.submitted_at > $2 AND j.submitted_at <= $3 AND j.state IN ${GENERATED_STATES}
     )
     SELECT q.requests AS "queuedRequests", q.jobs AS "queuedJobs", q.mps AS "queuedMegapixelsteps",
            (SELECT count(*)::int FROM jobs WHERE state = 'processing') AS "processingJobs",
            w.image_workers AS "workersOnline", w.image_threads AS "threadsOnline",
            w.text_workers AS "textWorkersOnline", w.text_threads AS "textThreadsOnline",
            w.alchemists AS "interrogatorsOnline", w.alchemy_threads AS "interrogatorThreadsOnline",
            m.images AS "pastMinuteImages", m.mps AS "pastMinuteMegapixelsteps",
            q.text_requests AS "queuedTextRequests", q.text_jobs AS "queuedTextJobs", q.tokens AS "queuedTokens",
            m.texts AS "pastMinuteTexts", m.tokens AS "pastMinuteTokens",
            q.forms AS "queuedForms", m.forms AS "pastMinuteForms",
            coalesce(s.maintenance, false) AS maintenance, coalesce(s.invite_only, false) AS "inviteOnly",
            coalesce(s.raid, false) AS raid
       FROM q, w, m LEFT JOIN horde_settings s ON s.id = 1`,
    [online, minuteAgo, now],
    { name: "horde_status" },
  );
  const row = rows[0];
  if (!row) throw new Error("hordeStatus: the status statement returned no row");
  return { ...row, at: now };
}
