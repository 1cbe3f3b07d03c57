/**
 * The worker's side of the text kind, on the engine (jobs.service.ts): check-in (registration on
 * first use, through the workers module's one check-in), pop, feed and submit. The claim, TTL,
 * faults and settlement are the engine's; this module adds its declaration, its price and its
 * result (the generated text).
 */
import type { Deps } from "../../deps.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { fromCents } from "../../lib/money.ts";
import {
  assertCanSubmit,
  type ClaimedJob,
  type JobMoney,
  popJobs,
  type SettlementBasis,
  submitJob,
} from "../jobs/jobs.service.ts";
import { workerGate } from "../moderation/moderation.service.ts";
import { rewardEscrow } from "../trust/escrow.rules.ts";
import { suspectWorker } from "../trust/suspicion.service.ts";
import type { Viewer } from "../users/users.service.ts";
import { assertCanRunWorkers, checkInWorker } from "../workers/workers.service.ts";
import type { CheckedInWorker } from "../workers/workers.sql.ts";
import { TEXT_INITIAL_SPEED, textKind } from "./text.kind.ts";
import {
  billionsOf,
  isValidatedBackend,
  parseModelParameters,
  settleTextJob,
  textSpeedLimit,
  textTooFast,
} from "./text.pricing.rules.ts";
import { charCount } from "./text.rules.ts";
import { readTextSubmitFacts, recordTextModels, type TextSubmitFacts } from "./text.sql.ts";
import {
  checkTextDeclaration,
  checkTextSubmit,
  type PopTextJobInput,
  type SubmitTextJobInput,
  type TextWorkerDeclaration,
} from "./text.worker.rules.ts";

/** The model names this instance already recorded in the model table (one write per name). */
const recorded = new WeakMap<Deps, Set<string>>();

/**
 * Records the declared models' sizes (read from their names) the first time this instance sees
 * each name; the table keeps the first size any worker declared (text.sql.ts recordTextModels).
 */
async function recordModels(deps: Deps, models: readonly string[]): Promise<void> {
  let seen = recorded.get(deps);
  if (!seen) {
    seen = new Set();
    recorded.set(deps, seen);
  }
  const fresh = models.filter((m) => !seen.has(m));
  if (fresh.length === 0) return;
  await recordTextModels(
    deps.db,
    fresh.map((name) => ({ name, parameters: parseModelParameters(name) })),
  );
  if (seen.size > 100_000) seen.clear();
  for (const m of fresh) seen.add(m);
}

/**
 * Registers a text worker on first use, or checks it in: who may run workers, the trust gate
 * (IP blocks, invite-only, workers per address), the declaration, then the engine's check-in
 * (a name held by another kind's worker is `PolymorphicNameConflict`).
 */
export async function checkInTextWorker(
  deps: Deps,
  viewer: Viewer,
  input: PopTextJobInput,
): Promise<{ worker: CheckedInWorker; declaration: TextWorkerDeclaration }> {
  assertCanRunWorkers(viewer);
  const gate = workerGate(deps, viewer);
  await gate.before();
  const checked = checkTextDeclaration(input);
  if (!checked.ok) throw new ValidationError(checked.code, checked.message, checked.field);
  const declaration = checked.value;
  const row = { columns: textKind.workerColumns(declaration), speed: TEXT_INITIAL_SPEED };
  const worker = await checkInWorker(deps, viewer, declaration, row, gate);
  await recordModels(deps, declaration.models);
  return { worker, declaration };
}

/**
 * `popTextJob`: check in, then claim up to `amount` text jobs, never more than
 * `threads × amount` held at once. A worker in maintenance that gets nothing is told why.
 */
export async function popTextJobs(deps: Deps, viewer: Viewer, input: PopTextJobInput): Promise<ClaimedJob[]> {
  const { worker, declaration } = await checkInTextWorker(deps, viewer, input);
  return popJobs(deps, worker, declaration);
}

/** `textJobAssigned`: check in, then the worker's feed (the engine's, through deps.feeds). */
export async function openTextFeed(deps: Deps, viewer: Viewer, input: PopTextJobInput, signal?: AbortSignal) {
  const { worker, declaration } = await checkInTextWorker(deps, viewer, input);
  return deps.feeds.open(worker, declaration, signal);
}

/** A text job's money from the engine's basis and the facts read before the submit. */
function textPrice(
  _deps: Deps,
  viewer: Viewer,
  a: { basis: SettlementBasis; facts: TextSubmitFacts; text: string; state: "ok" | "censored" | "csam" },
): JobMoney {
  const { basis, facts } = a;
  // The job went back to the queue and another of this owner's workers holds it since the facts
  // were read: its model (and so its price) may differ. The submit lost its job.
  if (basis.model !== facts.model) {
    throw new ConflictError("AbortedGen", "This job is no longer yours: it went back to the queue");
  }
  const money = settleTextJob(
    a.state,
    {
      textChars: charCount(a.text),
      promptChars: charCount(basis.prompt),
      maxLength: basis.max_length,
      billions: billionsOf(facts.parameters === null ? null : Number(facts.parameters)),
      ownerTrusted: viewer.trusted,
      validatedBackend: isValidatedBackend(facts.bridge_agent),
    },
    rewardEscrow(viewer), // trust: always, as for images and in the AI Horde (docs/KUDOS.md)
  );
  return { ...money, things: money.tokens };
}

/**
 * `submitTextJob`: checks the caller and the submit, reads the job's model size and worker's
 * bridge, then settles it through the engine at the §4.2 price (the worker's owner earns it, the
 * requester pays it + 1), storing the text as the job's result and its tokens as what it counts
 * for. FAULTED settles nothing and the job is replaced (unless the request faulted).
 */
export async function submitTextJob(
  deps: Deps,
  viewer: Viewer,
  input: SubmitTextJobInput,
): Promise<{ reward: number }> {
  assertCanSubmit(viewer, input.id);
  const checked = checkTextSubmit(input);
  if (!checked.ok) throw new ValidationError(checked.code, checked.message, checked.field);
  const { state, text, seed, genMetadata } = checked.value;
  const jobId = input.id.toLowerCase();
  const facts = state === "faulted" ? null : await readTextSubmitFacts(deps.db, jobId, viewer.userId);
  const { reward, job } = await submitJob(
    deps,
    viewer,
    { kind: "text", jobId, state, genMetadata, seed, result: state === "faulted" ? undefined : text },
    (basis) =>
      state === "faulted"
        ? { price: 0, reward: 0, escrow: 0, charge: 0, burned: 0, things: 0 }
        : textPrice(deps, viewer, {
            basis,
            // No facts: not a job of this owner's workers; the engine's compare-and-set refuses it.
            facts: facts ?? { model: basis.model, bridge_agent: "", parameters: null },
            text,
            state,
          }),
  );
  if (state !== "faulted" && facts) await checkSpeed(deps, viewer, job, facts);
  return { reward: fromCents(Math.round(reward * 100)) };
}

/**
 * Suspects a worker that delivered its tokens faster than a model of its size can (§3.8, text;
 * the image check is trust's `afterSettled`, by megapixelsteps). Off with SUSPICION_MAX_MPS=0,
 * as the image check is. A failure is logged: the job is already settled.
 */
async function checkSpeed(
  deps: Deps,
  viewer: Viewer,
  job: { worker_id: string; things: number | null; seconds: number },
  facts: TextSubmitFacts,
): Promise<void> {
  if (deps.config.suspicionMaxMps <= 0) return;
  const limit = textSpeedLimit({
    model: facts.model,
    billions: billionsOf(facts.parameters === null ? null : Number(facts.parameters)),
    ownerTrusted: viewer.trusted,
  });
  if (!textTooFast(job.things ?? 0, job.seconds, limit)) return;
  try {
    await suspectWorker(deps, job.worker_id, "UNREASONABLY_FAST");
  } catch (err) {
    deps.logger.error({ err, worker: job.worker_id }, "text speed check after a settlement failed");
  }
}
