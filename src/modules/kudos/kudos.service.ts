import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, KudosError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Sql } from "../../infra/db.ts";
import { sharedKeyForTransfer, topUpSharedKey } from "../sharedkeys/sharedkeys.service.ts";
import { ANONYMOUS_ID } from "../users/users.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import { ONLINE_SECONDS } from "../workers/workers.rules.ts";
import {
  canGive,
  checkIdempotencyKey,
  checkTransferAmount,
  imageUptimeReward,
  parseUserRef,
  TRANSFER_FLOOR,
  UPTIME_PERIOD_SECONDS,
} from "./kudos.rules.ts";
import {
  accrueUptime,
  applyLedger,
  creditWorkers,
  findParty,
  findTransfer,
  insertTransfer,
  lockParties,
  type PartyRow,
  readBalance,
  readEscrow,
  sentSince,
  type TransferRow,
} from "./kudos.sql.ts";

/** The AI Horde's back-off: no transfer back to someone who sent you kudos this recently. */
export const TRANSFER_BACKOFF_SECONDS = 60;

/** A user's balance now (for decisions that re-check it under a lock later). */
export function balanceOf(sql: Sql, userId: number): Promise<number> {
  return readBalance(sql, userId);
}

/**
 * Takes a new request's horde tax from its requester (ledger kind `horde_tax`), inside the
 * caller's transaction, so the request and its tax commit together. `amount` is positive.
 */
export async function chargeHordeTax(
  sql: Sql,
  tax: { userId: number; requestId: string; sharedKeyId: string | null; amount: number },
  now: Date,
): Promise<void> {
  const entry = { kind: "horde_tax" as const, ...tax, amount: -tax.amount };
  await applyLedger(sql, [entry], now);
}

async function target(sql: Sql, username: string): Promise<PartyRow> {
  const ref = parseUserRef(username);
  const found = ref ? await findParty(sql, ref) : null;
  if (!found) throw new NotFoundError("InvalidTargetUsername", `No user is named ${JSON.stringify(username)}`);
  return found;
}

export interface TransferInput {
  /** `name#id` or a plain username. */
  username: string;
  amount: number;
  /** Makes retries safe: the same key with the same transfer returns the first result. */
  idempotencyKey: string;
}

export interface TransferResult {
  transfer: TransferRow;
  /** True when this was a retry of a transfer already made under the same idempotency key. */
  replayed: boolean;
}

/**
 * `transferKudos`: moves whole kudos from the caller to another user, with the AI Horde's rules
 * (§3.9) in its order: not from Anonymous or a shared key, to a user who exists and is neither
 * Anonymous nor the caller, not straight back to someone who sent to the caller within 60 s,
 * neither side flagged, a positive amount, and the sender keeps {@link TRANSFER_FLOOR}.
 *
 * Both users are locked in id order, then the idempotency key is looked up: a retry with the
 * same destination and amount returns the first transfer without moving anything again, while
 * the same key for a different transfer is `IdempotencyKeyConflict`. The transfer row and its
 * two ledger rows (`transfer_out`, `transfer_in`) commit together.
 */
export async function transferKudos(deps: Deps, viewer: Viewer, input: TransferInput): Promise<TransferResult> {
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot transfer kudos");
  if (viewer.anonymous) {
    throw new KudosError("KudosTransferFromAnon", "Anonymous cannot transfer kudos; register first");
  }
  if (!checkIdempotencyKey(input.idempotencyKey)) {
    throw new ValidationError(
      "InvalidIdempotencyKey",
      "idempotencyKey is 1 to 200 printable characters",
      "idempotencyKey",
    );
  }
  const now = deps.clock.now();
  // A shared key's id as the target: its owner receives, and the key's budget grows (§3.9).
  const key = await sharedKeyForTransfer(deps.db, input.username, now);
  if (key?.expired) throw new ForbiddenError("SharedKeyExpired", "That shared key has expired");
  const dest = key ? await target(deps.db, `#${key.ownerId}`) : await target(deps.db, input.username);
  if (dest.id === ANONYMOUS_ID) throw new KudosError("KudosTransferToAnon", "Kudos cannot be sent to Anonymous");
  if (dest.id === viewer.userId) throw new KudosError("KudosTransferToSelf", "You cannot send kudos to yourself");
  return deps.db.tx(async (sql) => {
    const parties = await lockParties(sql, [viewer.userId, dest.id]);
    const prior = await findTransfer(sql, viewer.userId, input.idempotencyKey);
    if (prior) {
      if (prior.dest_id === dest.id && Number(prior.amount) === input.amount)
        return { transfer: prior, replayed: true };
      throw new ConflictError(
        "IdempotencyKeyConflict",
        "This idempotency key was already used for a different transfer; use a new key for a new transfer",
      );
    }
    const since = new Date(now.getTime() - TRANSFER_BACKOFF_SECONDS * 1000);
    if (await sentSince(sql, dest.id, viewer.userId, since)) {
      throw new KudosError(
        "TooFastKudosTransfers",
        `${dest.username} sent you kudos within the last ${TRANSFER_BACKOFF_SECONDS} s; wait before sending back`,
      );
    }
    const source = parties.get(viewer.userId);
    const destination = parties.get(dest.id);
    if (!source || !destination) throw new NotFoundError("InvalidTargetUsername", "That user no longer exists");
    if (source.flagged)
      throw new ForbiddenError("SourceAccountFlagged", "This account is flagged; it cannot send kudos");
    if (destination.flagged) {
      throw new ForbiddenError("TargetAccountFlagged", `${dest.username} is flagged and cannot receive kudos`);
    }
    if (source.suspicious) throw new ForbiddenError("FaultWhenKudosSending", "This account is under suspicion");
    if (destination.suspicious) {
      throw new ForbiddenError("FaultWhenKudosReceiving", `${dest.username} is under suspicion`);
    }
    const amount = checkTransferAmount(input.amount);
    if (!amount.ok) throw new ValidationError(amount.code, amount.message, "amount");
    if (!canGive(source.kudos, input.amount)) {
      throw new KudosError(
        "KudosTransferNotEnough",
        `You have ${source.kudos} kudos and keep at least ${TRANSFER_FLOOR}; you cannot send ${input.amount}`,
      );
    }
    const transfer = await insertTransfer(sql, {
      sourceId: viewer.userId,
      destId: dest.id,
      amount: input.amount,
      key: input.idempotencyKey,
      now,
    });
    await applyLedger(
      sql,
      [
        {
          userId: viewer.userId,
          kind: "transfer_out",
          amount: -input.amount,
          counterpartId: dest.id,
          transferId: transfer.id,
        },
        {
          userId: dest.id,
          kind: "transfer_in",
          amount: input.amount,
          counterpartId: viewer.userId,
          transferId: transfer.id,
        },
      ],
      now,
    );
    if (key) await topUpSharedKey(sql, input.username, input.amount);
    return { transfer, replayed: false };
  });
}

/**
 * `awardKudos`: a moderator credits a user (ledger kind `moderator_award`, the moderator as
 * counterpart). Kudos enter the economy here, as with rewards. Not to Anonymous, not to a
 * flagged account (the AI Horde answers those silently with 0; this says why).
 */
export async function awardKudos(
  deps: Deps,
  viewer: Viewer,
  input: { username: string; amount: number },
): Promise<{ userId: number; awarded: number }> {
  if (viewer.sharedKeyId) throw new ForbiddenError("SharedKeyForbidden", "A shared key cannot award kudos");
  if (!viewer.moderator) throw new ForbiddenError("NotAllowedAwards", "Only moderators award kudos");
  if (!Number.isInteger(input.amount) || input.amount <= 0) {
    throw new ValidationError("InvalidKudosAwardAmount", "An award is a whole number of kudos above 0", "amount");
  }
  const dest = await target(deps.db, input.username);
  if (dest.id === ANONYMOUS_ID) throw new KudosError("KudosAwardToAnon", "Kudos cannot be awarded to Anonymous");
  if (dest.flagged) throw new ForbiddenError("TargetAccountFlagged", `${dest.username} is flagged`);
  const now = deps.clock.now();
  await deps.db.tx((sql) =>
    applyLedger(
      sql,
      [{ userId: dest.id, kind: "moderator_award", amount: input.amount, counterpartId: viewer.userId }],
      now,
    ),
  );
  return { userId: dest.id, awarded: input.amount };
}

/**
 * Credits a rating's reward (ledger kind `rating_reward`, a documented source: docs/KUDOS.md),
 * inside the caller's transaction, with the rated image's request and job and the requester as
 * counterpart. The ratings module has applied §3.11's amount and every cap; `amount` is positive.
 */
export async function creditRatingReward(
  sql: Sql,
  r: { userId: number; amount: number; requestId: string; jobId: string; requesterId: number },
  now: Date,
): Promise<void> {
  await applyLedger(
    sql,
    [
      {
        userId: r.userId,
        kind: "rating_reward",
        amount: r.amount,
        requestId: r.requestId,
        jobId: r.jobId,
        counterpartId: r.requesterId,
      },
    ],
    now,
  );
}

/**
 * Counts uptime and pays each image worker's owner the worker's uptime reward for every
 * 10 minutes online (ledger kind `uptime_reward`, with the worker's id), adding it to the
 * worker's own kudos statistic too. Runs inside the caller's transaction; the task holds an
 * advisory lock so that however many instances run it, each period is paid once.
 *
 * `escrowOf` (the trust rule, trust/escrow.rules.ts uptimeEscrowOf, passed in by the task: trust
 * uses this module) is the part of each reward held in escrow: an `escrow_hold` row of that
 * amount follows the reward. `escrowed` lists those owners, so the caller can run the automatic
 * trust check once this transaction committed.
 */
export async function rewardUptime(
  sql: Sql,
  now: Date,
  escrowOf: (amount: number, owner: { trusted: boolean; anonymous: boolean }, kind: "image") => number = () => 0,
): Promise<{ workers: number; kudos: number; escrowed: number[] }> {
  const due = await accrueUptime(sql, now, { onlineSeconds: ONLINE_SECONDS, periodSeconds: UPTIME_PERIOD_SECONDS });
  const paid = due
    .filter((w) => w.periods > 0)
    .map((w) => {
      const amount = w.periods * imageUptimeReward({ models: w.models, allowLora: w.allow_lora });
      const owner = { trusted: w.owner_trusted, anonymous: w.user_id === ANONYMOUS_ID };
      return { workerId: w.id, userId: w.user_id, amount, escrow: escrowOf(amount, owner, "image") };
    });
  if (paid.length === 0) return { workers: 0, kudos: 0, escrowed: [] };
  await applyLedger(
    sql,
    paid.flatMap((p) => [
      { userId: p.userId, kind: "uptime_reward" as const, amount: p.amount, workerId: p.workerId },
      ...(p.escrow > 0
        ? [{ userId: p.userId, kind: "escrow_hold" as const, amount: -p.escrow, workerId: p.workerId }]
        : []),
    ]),
    now,
  );
  await creditWorkers(sql, paid);
  const escrowed = [...new Set(paid.filter((p) => p.escrow > 0).map((p) => p.userId))];
  return { workers: paid.length, kudos: paid.reduce((s, p) => s + p.amount, 0), escrowed };
}

/**
 * Pays an account's escrow (`evaluating_kudos`) out to its balance, as one `escrow_release`
 * ledger row, inside the caller's transaction (trust: the account has just become trusted).
 * Returns the amount released (0 when there was none).
 */
export async function releaseEscrow(sql: Sql, userId: number, now: Date): Promise<number> {
  const held = await readEscrow(sql, userId);
  if (held <= 0) return 0;
  await applyLedger(sql, [{ userId, kind: "escrow_release", amount: held }], now);
  return held;
}
