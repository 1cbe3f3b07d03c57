/**
 * The settlement's SQL: the compare-and-set of a submit, its diagnosis when it fails, the
 * one-statement paid settlement and what follows a fault. Split from jobs.sql.ts (the claim and
 * the queue's upkeep) so each file holds one side of a job's life.
 */
import type { Sql } from "../../infra/db.ts";
import { ledgerCtes } from "../kudos/kudos.sql.ts";
import { LIVE } from "../queue/queue.rules.ts";
import { spendSharedKeySql } from "../sharedkeys/sharedkeys.sql.ts";
import type { GenMetadataEntry } from "./gen-metadata.rules.ts";

/** A submit's metadata as the `gen_metadata` jsonb parameter; NULL when the worker sent none. */
function metadataJson(entries: readonly GenMetadataEntry[] | null | undefined): string | null {
  return entries && entries.length > 0 ? JSON.stringify(entries) : null;
}

/** A processing job's settlement facts, returned by {@link finishJob}. */
export interface FinishedJob {
  id: string;
  kind: "image" | "text" | "alchemy";
  request_id: string;
  worker_id: string;
  worker_owner: number;
  requester: number;
  shared_key_id: string | null;
  model: string | null;
  job_kudos: string;
  pixels: number;
  steps: number;
  seconds: number;
  params: Record<string, unknown>;
  models: string[];
  nsfw: boolean;
  /** what the job counts for: pixelsteps, tokens or 1 form (null for a FAULTED job) */
  things: number | null;
}

/** What a finished job's statements return (jobs j, requests r, workers w). */
const FINISHED = `j.id, j.kind, j.request_id, j.worker_id, w.user_id AS worker_owner, r.user_id AS requester,
  r.shared_key_id, j.model, r.job_kudos::text AS job_kudos, j.pixels, j.steps, j.seconds, r.params, r.models, r.nsfw,
  j.things`;

/**
 * Compare-and-set from PROCESSING to a final state: succeeds only for the worker holding the
 * job, before its deadline, once. Locks the job row until the caller's transaction ends.
 */
export async function finishJob(
  sql: Sql,
  a: {
    jobId: string;
    ownerId: number;
    state: "ok" | "censored" | "csam" | "faulted";
    imageKey: string | null;
    seed: string | null;
    genMetadata?: readonly GenMetadataEntry[] | null;
    now: Date;
  },
): Promise<FinishedJob | null> {
  const rows = await sql.query<FinishedJob>(
    `UPDATE jobs j SET state = $3, image_key = $4, seed = coalesce($5, j.seed), submitted_at = $6, gen_metadata = $7::jsonb,
            pixels = r.width * r.height, steps = r.steps,
            seconds = greatest(extract(epoch FROM $6 - j.claimed_at), 0.001)
       FROM requests r, workers w
      WHERE j.id = $1 AND j.state = 'processing' AND j.deadline >= $6
        AND r.id = j.request_id AND w.id = j.worker_id AND w.user_id = $2
     RETURNING ${FINISHED}`,
    [a.jobId, a.ownerId, a.state, a.imageKey, a.seed, a.now, metadataJson(a.genMetadata)],
  );
  return rows[0] ?? null;
}

/**
 * Why a submit's compare-and-set failed. A job this user's worker lost to its TTL is
 * `AbortedGen` even when another user's worker holds (or finished) it since; only a user who
 * never held it gets `WrongCredentials`.
 */
export async function diagnoseSubmit(
  sql: Sql,
  jobId: string,
  ownerId: number,
  now: Date,
): Promise<"InvalidJobID" | "WrongCredentials" | "DuplicateGen" | "AbortedGen" | "Expired"> {
  const rows = await sql.query<{ state: string; owner: number | null; late: boolean; lost: boolean }>(
    `SELECT j.state, w.user_id AS owner, (j.deadline < $2) AS late,
            EXISTS (SELECT 1 FROM workers p WHERE p.id = ANY (j.released_from) AND p.user_id = $3) AS lost
       FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id WHERE j.id = $1`,
    [jobId, now, ownerId],
  );
  const j = rows[0];
  if (!j) return "InvalidJobID";
  if (j.owner !== null && j.owner !== ownerId) return j.lost ? "AbortedGen" : "WrongCredentials";
  // A FAULTED job was submitted too (as failed): a retry of that submit is a duplicate as well.
  if (["ok", "censored", "csam", "faulted"].includes(j.state)) return "DuplicateGen";
  if (j.state === "processing" && j.late) return "Expired";
  // Re-queued (no owner now), withdrawn, or taken back: no longer this worker's.
  return "AbortedGen";
}

/** What a paid settlement's price is computed from, read before it (no lock). */
export interface SettlementBasis {
  kind: "image" | "text" | "alchemy";
  model: string | null;
  job_kudos: string;
  params: Record<string, unknown>;
  prompt: string;
  /** text: the request's longest generation; alchemy: the source image's tiles */
  max_length: number;
  image_tiles: number;
  /** the job's claim time, for a kind whose price depends on how long it took */
  claimed_at: Date | null;
  /** trust (issue 11): the surcharges the AI Horde burns (fast workers only, a worker blacklist) */
  fast_only: boolean;
  blacklist: boolean;
}

/** A job's model and its request's price and parameters, for the price of its settlement. */
export async function settlementBasis(sql: Sql, jobId: string): Promise<SettlementBasis | null> {
  const rows = await sql.query<SettlementBasis>(
    `SELECT j.kind, j.model, r.job_kudos::text AS job_kudos, r.params, r.prompt, r.max_length, r.image_tiles,
            j.claimed_at, NOT r.slow_workers AS fast_only,
            (r.worker_blacklist AND cardinality(r.worker_ids) > 0) AS blacklist
       FROM jobs j JOIN requests r ON r.id = j.request_id WHERE j.id = $1`,
    [jobId],
    { name: "settlement_basis" },
  );
  return rows[0] ?? null;
}

/**
 * A submitted job's whole settlement in one statement, for any kind, run on its own
 * (autocommit): the compare-and-set from PROCESSING (only the holding worker's owner, before the
 * deadline, once, and only if the job still has the model its price was computed for), the job's
 * result, price, reward and `things` (what it counts for: pixelsteps, tokens or one form), the
 * worker's statistics (its kind's counter and speed: pixelsteps or tokens per second, or seconds
 * per form), the request's consumed kudos, expiry and finished counts (User.stats reads those),
 * the ledger rows and balances (kudos.sql.ts ledgerCtes: the reward to the worker's owner, the
 * charge to the requester) and the shared key's spending. Returns null when the compare-and-set
 * fails.
 *
 * Why one statement: a settlement used to be BEGIN, four statements and COMMIT, and the request
 * row and both users' rows stayed locked across the round trips in between; a requester with
 * many jobs in flight (a bot, a frontend) made every settlement wait for the previous one's.
 * Now every lock is taken inside this statement and released at its commit. Locks, in order: the
 * job row, then the worker's and the request's rows, then the users in id order, then the
 * shared key's row. Figures: bench/README.md (raw settlement loop, hot requester).
 */
export async function settleJob(
  sql: Sql,
  a: {
    jobId: string;
    ownerId: number;
    state: "ok" | "censored" | "csam";
    /** image: the stored image; text and alchemy: the result (a JSON value) */
    imageKey?: string | null;
    result?: unknown;
    seed?: string | null;
    genMetadata?: readonly GenMetadataEntry[] | null;
    model: string | null;
    /** what the job counts for; image: null (the request's pixels × steps) */
    things?: number | null;
    kudos: number;
    reward: number;
    charge: number;
    /** trust (issue 11): the part of `charge` burned as a surcharge, and the reward's escrow */
    burned?: number;
    escrow?: number;
    expiresAt: Date;
    now: Date;
  },
): Promise<FinishedJob | null> {
  const rows = await sql.query<FinishedJob>(
    `WITH fin AS (
       UPDATE jobs j SET state = $3, image_key = $4, seed = coalesce($5, j.seed), submitted_at = $6,
              pixels = r.width * r.height, steps = r.steps,
              things = coalesce($15::float8, r.width::float8 * r.height * r.steps),
              result = $16::jsonb,
              seconds = greatest(extract(epoch FROM $6 - j.claimed_at), 0.001), kudos = $8, reward = $9,
              gen_metadata = $14::jsonb
         FROM requests r, workers w
        WHERE j.id = $1 AND j.state = 'processing' AND j.deadline >= $6 AND j.model IS NOT DISTINCT FROM $7
          AND r.id = j.request_id AND w.id = j.worker_id AND w.user_id = $2
       RETURNING ${FINISHED}
     ),
     wk AS (
       UPDATE workers w SET kudos = w.kudos + $9, fulfilments = w.fulfilments + 1,
              megapixelsteps = w.megapixelsteps + CASE WHEN f.kind = 'image' THEN f.things / 1e6 ELSE 0 END,
              tokens = w.tokens + CASE WHEN f.kind = 'text' THEN f.things ELSE 0 END,
              forms = w.forms + CASE WHEN f.kind = 'alchemy' THEN 1 ELSE 0 END,
              speed = CASE WHEN w.fulfilments = 0 THEN s.sample ELSE w.speed * 0.8 + s.sample * 0.2 END,
              last_check_in = greatest(w.last_check_in, $6)
         FROM fin f
        CROSS JOIN LATERAL (SELECT CASE WHEN f.kind = 'alchemy' THEN f.seconds ELSE f.things / f.seconds END AS sample) s
        WHERE w.id = f.worker_id
     ),
     rq AS (
       UPDATE requests r SET consumed_kudos = r.consumed_kudos + $10, updated_at = $6,
              expires_at = greatest(r.expires_at, $11), finished_images = r.finished_images + 1,
              finished_pixelsteps = r.finished_pixelsteps + f.things
         FROM fin f WHERE r.id = f.request_id
     ),
     entries AS (
       SELECT f.worker_owner AS user_id, 'generation_reward'::ledger_kind AS kind, $9::numeric AS amount,
              f.requester AS counterpart_id, f.request_id, f.id AS job_id, NULL::uuid AS transfer_id,
              NULL::uuid AS shared_key_id, f.worker_id
         FROM fin f WHERE $9::numeric <> 0
       UNION ALL
       SELECT f.requester, 'request_charge', -($10::numeric - $12::numeric), f.worker_owner, f.request_id, f.id, NULL,
              f.shared_key_id, NULL
         FROM fin f WHERE $10::numeric - $12::numeric <> 0
       -- trust (issue 11): the surcharge burned, and the escrow of an untrusted owner's reward
       UNION ALL
       SELECT f.requester, 'surcharge_burn', -$12::numeric, NULL, f.request_id, f.id, NULL, f.shared_key_id, NULL
         FROM fin f WHERE $12::numeric <> 0
       UNION ALL
       SELECT f.worker_owner, 'escrow_hold', -$13::numeric, NULL, f.request_id, f.id, NULL, NULL, f.worker_id
         FROM fin f WHERE $13::numeric <> 0
     ),
     ${ledgerCtes("entries", "$6")},
     sk AS (
       ${spendSharedKeySql("(SELECT shared_key_id FROM fin WHERE $10::numeric > 0)", "$10::numeric")}
     )
     SELECT * FROM fin`,
    [
      a.jobId,
      a.ownerId,
      a.state,
      a.imageKey ?? null,
      a.seed ?? null,
      a.now,
      a.model,
      a.kudos.toFixed(2),
      a.reward.toFixed(2),
      a.charge.toFixed(2),
      a.expiresAt,
      (a.burned ?? 0).toFixed(2),
      (a.escrow ?? 0).toFixed(2),
      metadataJson(a.genMetadata),
      a.things ?? null,
      a.result === undefined ? null : JSON.stringify(a.result),
    ],
    { name: "settle_job" },
  );
  return rows[0] ?? null;
}

/**
 * After a job faulted (submitted FAULTED or its TTL ran out): the request faults when more than
 * `maxFaults` distinct workers faulted its jobs, and its waiting jobs are then cancelled;
 * otherwise a FAULTED job is replaced by a new WAITING one. Returns whether the request faulted
 * and whether a job was added.
 */
export async function afterFault(
  sql: Sql,
  requestId: string,
  replace: boolean,
  maxFaults: number,
  now: Date,
): Promise<{ faulted: boolean; replaced: boolean }> {
  const rows = await sql.query<{ faulted: boolean; replaced: boolean }>(
    `WITH c AS (
       -- The workers that faulted a job of this request (a FAULTED submit) or let one time out
       -- (released_from): each counts once, however many of the request's jobs it dropped.
       SELECT (SELECT count(*) FROM (
                 SELECT worker_id FROM jobs WHERE request_id = $1 AND state = 'faulted'
                 UNION
                 SELECT unnest(released_from) FROM jobs WHERE request_id = $1
               ) f) > $2 AS too_many,
              (SELECT max(idx) FROM jobs WHERE request_id = $1) AS top
     ),
     rq AS (
       UPDATE requests r SET faulted = true, updated_at = $4 FROM c
        WHERE r.id = $1 AND c.too_many AND NOT r.faulted RETURNING r.id
     ),
     cancel AS (
       UPDATE jobs SET state = 'cancelled' FROM c WHERE request_id = $1 AND state = 'waiting' AND c.too_many
     ),
     add AS (
       INSERT INTO jobs (request_id, idx, created_at)
       SELECT $1, c.top + 1, $4 FROM c, requests r
        WHERE $3 AND NOT c.too_many AND r.id = $1 AND ${LIVE}
       RETURNING id
     )
     SELECT (SELECT too_many FROM c) AS faulted, EXISTS (SELECT 1 FROM add) AS replaced`,
    [requestId, maxFaults, replace, now],
  );
  return rows[0] ?? { faulted: false, replaced: false };
}

/**
 * After a job of a kind whose jobs stand alone (alchemy: one form each) was dropped. Timed out
 * (`replace` false; the job is WAITING again, one more restart) or submitted FAULTED, a job
 * already dropped more than `maxAborts` times before faults by itself (the AI Horde's
 * `abort_count > 2` test before its increment: the fourth drop faults). Otherwise a FAULTED submit's (`replace` true) copy (its form,
 * payload and drops so far, plus this one) waits in its place. The request never faults as
 * a whole; `ended` says whether none of its jobs is left to do.
 */
export async function afterJobFault(
  sql: Sql,
  jobId: string,
  replace: boolean,
  maxAborts: number,
  now: Date,
): Promise<{ faulted: boolean; replaced: boolean; ended: boolean }> {
  const rows = await sql.query<{ faulted: boolean; replaced: boolean; ended: boolean }>(
    `WITH j AS (SELECT id, request_id, model, payload, restarts FROM jobs WHERE id = $1),
     gone AS (
       UPDATE jobs x SET state = 'faulted' FROM j
        WHERE x.id = j.id AND NOT $3 AND x.state = 'waiting' AND x.restarts - 1 > $2
       RETURNING x.id
     ),
     add AS (
       INSERT INTO jobs (request_id, idx, model, payload, restarts, created_at)
       SELECT j.request_id, (SELECT max(idx) + 1 FROM jobs WHERE request_id = j.request_id), j.model, j.payload,
              j.restarts + 1, $4
         FROM j JOIN requests r ON r.id = j.request_id
        WHERE $3 AND j.restarts <= $2 AND ${LIVE}
       RETURNING id
     )
     SELECT EXISTS (SELECT 1 FROM gone) OR ($3 AND NOT EXISTS (SELECT 1 FROM add)) AS faulted,
            EXISTS (SELECT 1 FROM add) AS replaced,
            NOT EXISTS (SELECT 1 FROM add)
              AND NOT EXISTS (SELECT 1 FROM jobs x, j WHERE x.request_id = j.request_id AND x.id <> j.id
                                 AND x.state IN ('waiting', 'processing'))
              AND (EXISTS (SELECT 1 FROM gone) OR $3
                   OR NOT EXISTS (SELECT 1 FROM jobs x WHERE x.id = $1 AND x.state IN ('waiting', 'processing')))
              AS ended`,
    [jobId, maxAborts, replace, now],
  );
  return rows[0] ?? { faulted: false, replaced: false, ended: false };
}
