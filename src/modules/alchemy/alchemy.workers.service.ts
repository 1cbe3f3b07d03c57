/**
 * Alchemy, the worker's side and the cancel that settles workers' forms: every path runs on the
 * jobs engine (claim, feed, settlement through the ledger, per-form fault policy); this file
 * adds only what is alchemy's own: the declaration, the result checks and the §4.4 price.
 */
import type { Deps } from "../../deps.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { fromCents } from "../../lib/money.ts";
import { checkSubmittedImage } from "../jobs/images.rules.ts";
import {
  assertCanSubmit,
  type ClaimedJob,
  type JobMoney,
  popJobs,
  type SettlementBasis,
  submitJob,
} from "../jobs/jobs.service.ts";
import { workerGate } from "../moderation/moderation.service.ts";
import { mayCancelRequest } from "../queue/queue.rules.ts";
import { rewardEscrow } from "../trust/escrow.rules.ts";
import type { Viewer } from "../users/users.service.ts";
import { assertCanRunWorkers, checkInWorker } from "../workers/workers.service.ts";
import type { CheckedInWorker } from "../workers/workers.sql.ts";
import { ALCHEMY_INITIAL_SPEED, alchemyKind } from "./alchemy.kind.ts";
import { checkResult } from "./alchemy.results.rules.ts";
import {
  type AlchemyWorkerDeclaration,
  checkDeclaration,
  formCharge,
  formReward,
  type PopAlchemyInput,
} from "./alchemy.rules.ts";
import { cancelAlchemy, readAlchemyRequests, readJobForm } from "./alchemy.sql.ts";

/**
 * Registers an alchemist on first use, or checks it in, through the engine's check-in (a name
 * another kind's worker has is `PolymorphicNameConflict`: a worker's kind is fixed when it
 * registers). The gate runs the trust checks every worker passes (IP blocks, invite-only,
 * workers per address).
 */
export async function checkInAlchemist(
  deps: Deps,
  viewer: Viewer,
  input: PopAlchemyInput,
): Promise<{ worker: CheckedInWorker; declaration: AlchemyWorkerDeclaration }> {
  assertCanRunWorkers(viewer);
  const gate = workerGate(deps, viewer);
  await gate.before();
  const checked = checkDeclaration(input);
  if (!checked.ok) throw new ValidationError(checked.code, checked.message, checked.field);
  const declaration = checked.value;
  const row = { columns: alchemyKind.workerColumns(declaration), speed: ALCHEMY_INITIAL_SPEED };
  const worker = await checkInWorker(deps, viewer, declaration, row, gate);
  return { worker, declaration };
}

/**
 * `popAlchemyJob`: check in, then claim up to `amount` forms, never more than `threads × amount`
 * held at once. A worker in maintenance that gets nothing is told why.
 */
export async function popAlchemyJobs(deps: Deps, viewer: Viewer, input: PopAlchemyInput): Promise<ClaimedJob[]> {
  const { worker, declaration } = await checkInAlchemist(deps, viewer, input);
  return popJobs(deps, worker, declaration);
}

/** The feed behind `alchemyJobAssigned`: check in as a pop does, then the engine's feed. */
export async function openAlchemyFeed(deps: Deps, viewer: Viewer, input: PopAlchemyInput, signal?: AbortSignal) {
  const { worker, declaration } = await checkInAlchemist(deps, viewer, input);
  return deps.feeds.open(worker, declaration, signal);
}

/**
 * A form's money (§4.4, §3.8): the worker earns 1, 3 or 3 × tiles; the requester pays that + 1,
 * + 2 when the request accepts slow workers; an untrusted owner's reward is half in escrow, as
 * for images and text. It counts for one form.
 */
function formMoney(owner: { trusted: boolean; anonymous: boolean }, basis: SettlementBasis): JobMoney {
  const form = basis.model ?? "";
  const reward = fromCents(formReward(form, basis.image_tiles));
  const charge = fromCents(formCharge(form, basis.image_tiles, !basis.fast_only));
  const escrow = rewardEscrow(owner)(reward); // trust: always, as for images and text (docs/KUDOS.md)
  return { price: charge, reward, escrow, charge, burned: 0, things: 1 };
}

/** `submitAlchemyJob`'s input. */
export interface SubmitAlchemyInput {
  id: string;
  result?: unknown;
  state?: "ok" | "censored" | "csam" | "faulted" | null;
}

/**
 * `submitAlchemyJob`: FAULTED (reward 0; the form waits again, or faults after its fourth drop),
 * or the result checked against the form (alchemy.results.rules.ts; a post-processor's image is
 * decoded and stored as a blob), then settled through the engine at the form's price. A submit
 * that lost its form deletes the image it stored.
 */
export async function submitAlchemyJob(
  deps: Deps,
  viewer: Viewer,
  input: SubmitAlchemyInput,
): Promise<{ reward: number }> {
  assertCanSubmit(viewer, input.id);
  const price = (basis: SettlementBasis) => formMoney(viewer, basis);
  if (input.state === "faulted") {
    const { reward } = await submitJob(
      deps,
      viewer,
      { kind: "alchemy", jobId: input.id, state: "faulted", genMetadata: null },
      price,
    );
    return { reward };
  }
  const job = await readJobForm(deps.db, input.id.toLowerCase());
  if (!job) throw new NotFoundError("InvalidJobID", "No such job");
  if (job.kind !== "alchemy")
    throw new ConflictError("WrongKind", "This job is another kind of work: submit it with that kind's mutation");
  const checked = checkResult(job.model ?? "", input.result);
  if (!checked.ok) throw new ValidationError(checked.code, checked.message, checked.field);
  let imageKey: string | null = null;
  let result: unknown;
  if (checked.value.kind === "image") {
    const image = await checkSubmittedImage(checked.value.base64, deps.config.maxImageBytes);
    if (!image.ok) throw new ValidationError(image.code, image.message, "result.image");
    imageKey = await deps.blobs.put(image.bytes, image.header.format);
  } else result = checked.value.result;
  try {
    const s = { kind: "alchemy" as const, jobId: input.id, state: "ok" as const, genMetadata: null, imageKey, result };
    const { reward } = await submitJob(deps, viewer, s, price);
    return { reward };
  } catch (err) {
    if (imageKey) await deps.blobs.delete(imageKey).catch(() => deps.logger.warn({ key: imageKey }, "orphan blob"));
    throw err;
  }
}

/**
 * `cancelAlchemyRequest` (§1.3, §3.6): by its requester or a moderator (Anonymous's by anyone who
 * knows the id). Waiting forms are cancelled; forms already in a worker's hands are settled now
 * as if delivered (the worker is paid, the requester charged), and the worker's later submit is
 * a `DuplicateGen`. A form whose worker submitted in between settles once (the engine's
 * compare-and-set), so nothing is paid twice.
 */
export async function cancelAlchemyRequest(deps: Deps, viewer: Viewer, id: string): Promise<string> {
  if (!isUuid(id)) throw new NotFoundError("NotFound", "No such request");
  const key = id.toLowerCase();
  const row = (await readAlchemyRequests(deps.db, [key]))[0];
  if (!row) throw new NotFoundError("NotFound", "No such request");
  if (!mayCancelRequest(viewer, row.user_id)) {
    throw new ForbiddenError("WrongCredentials", "Only the user who made this request, or a moderator, can cancel it");
  }
  const held = (await cancelAlchemy(deps.db, key, deps.clock.now())) ?? [];
  for (const form of held) {
    const owner = { trusted: form.owner_trusted, anonymous: false };
    // The settlement is the worker owner's, as if their worker had submitted: the engine checks
    // that a worker of `userId` holds the job, and credits that user.
    const ownerViewer: Viewer = {
      userId: form.owner_id,
      username: "",
      anonymous: false,
      trusted: form.owner_trusted,
      moderator: false,
      flagged: false,
      workerInvited: 0,
      sharedKeyId: null,
    };
    try {
      await submitJob(deps, ownerViewer, { kind: "alchemy", jobId: form.id, state: "ok", genMetadata: null }, (basis) =>
        formMoney(owner, basis),
      );
    } catch (err) {
      // the worker's own submit (or its TTL) got there first: that settlement stands
      if (!(err instanceof ConflictError || err instanceof NotFoundError || err instanceof ForbiddenError)) throw err;
    }
  }
  deps.bus.publish("requestChanged", { id: key, ended: false });
  return key;
}
