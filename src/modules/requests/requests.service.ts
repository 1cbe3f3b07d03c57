import DataLoader from "dataloader";
import type { Deps } from "../../deps.ts";
import { KudosError, LimitError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Context } from "../../graphql/context.ts";
import { perRequest } from "../../graphql/context.ts";
import { isUuid } from "../../lib/ids.ts";
import { jobTtlSeconds } from "../jobs/jobs.rules.ts";
import { balanceOf } from "../kudos/kudos.service.ts";
import { applyLedger } from "../kudos/kudos.sql.ts";
import { baselineMultiplier, isHeavyBaseline, lowestMaxSteps, type ModelInfo } from "../models/models.rules.ts";
import { modelCatalog } from "../models/models.service.ts";
import { assertSharedKeyAllows, spendSharedKey } from "../sharedkeys/sharedkeys.service.ts";
import type { Viewer } from "../users/users.service.ts";
import { ONLINE_SECONDS } from "../workers/workers.rules.ts";
import {
  accurateSteps,
  type CreateImageRequestInput,
  downgradeImageRequest,
  freeMaxResolution,
  imageJobKudos,
  imageRequestKudos,
  type NormalizedImageRequest,
  needsUpfrontKudos,
  pricingInputOf,
  validateImageRequest,
} from "./requests.rules.ts";
import {
  cancelRequest,
  existingWorkerIds,
  insertImageRequest,
  lockRequester,
  type RequestRow,
  readCapacity,
  readRequests,
} from "./requests.sql.ts";

/** The lowest priority a registered requester gets, whatever their balance (issue: kudos economy). */
export const REGISTERED_PRIORITY_FLOOR = 25;
/** Anonymous's priority floor, as its kudos floor in the AI Horde. */
export const ANONYMOUS_PRIORITY_FLOOR = -50;

export interface CreateResult {
  requestId: string | null;
  kudos: number;
  warnings: string[];
}

/** Whether the requester holds `kudos` now (Anonymous never does: it cannot pay upfront). */
async function canHold(deps: Deps, viewer: Viewer, kudos: number): Promise<boolean> {
  return !viewer.anonymous && (await balanceOf(deps.db, viewer.userId)) >= kudos;
}

function modelsOf(deps: Deps, names: string[]): ModelInfo[] {
  const byName = modelCatalog(deps).byName;
  return names.map((n) => byName.get(n)).filter((m): m is ModelInfo => m !== undefined);
}

/** The price the requester sees: n jobs at the first requested model's multiplier, plus the tax. */
function estimate(req: NormalizedImageRequest, models: ModelInfo[]) {
  const first = models[0];
  const multiplier = first ? baselineMultiplier(first.baseline, { hiresFix: req.params.hiresFix }) : 1;
  return imageRequestKudos({ ...pricingInputOf(req), baselineMultiplier: multiplier });
}

/**
 * Validates, prices and queues an image request: its n jobs are created WAITING in the same
 * transaction that charges the horde tax, and idle worker feeds are woken after commit.
 * With dryRun it only prices. Throws a DomainError for every refusal.
 */
export async function createImageRequest(
  deps: Deps,
  viewer: Viewer,
  input: CreateImageRequestInput,
): Promise<CreateResult> {
  const catalog = modelCatalog(deps);
  const checked = validateImageRequest(input, { models: catalog.byName, limits: { maxPromptWords: 7500 } });
  if (!checked.ok) throw new ValidationError(checked.code, checked.message);
  let req = checked.value;
  const warnings = [...checked.warnings];
  const invalidIds = req.workers.filter((id) => !isUuid(id));
  const found = await existingWorkerIds(deps.db, req.workers.filter(isUuid));
  const missing = [...invalidIds, ...req.workers.filter((id) => isUuid(id) && !found.includes(id))];
  if (missing.length > 0)
    throw new ValidationError("WorkerNotFound", `No such worker: ${missing.join(", ")}`, "workers");

  const models = modelsOf(deps, req.models);
  const now = deps.clock.now();
  const capacity = await deps.db.query<{ threads: number; queued: number }>(
    `SELECT (SELECT coalesce(sum(threads), 0)::int FROM workers WHERE kind = 'image' AND last_check_in >= $1) AS threads,
            (SELECT count(*)::int FROM requests r WHERE r.kind = 'image' AND NOT r.faulted AND NOT r.cancelled
               AND NOT r.expired AND EXISTS (SELECT 1 FROM jobs j WHERE j.request_id = r.id AND j.state = 'waiting'))
               AS queued`,
    [new Date(now.getTime() - ONLINE_SECONDS * 1000)],
  );
  const upfrontCtx = {
    maxRes: freeMaxResolution({
      activeThreads: capacity[0]?.threads ?? 0,
      queuedRequests: capacity[0]?.queued ?? 0,
      baselines: models.map((m) => m.baseline),
    }),
    modelMaxSteps: lowestMaxSteps(models),
  };
  let upfront = needsUpfrontKudos(req, upfrontCtx);
  // Only a requester who cannot hold the price is downgraded; one who can pays for what they asked.
  if (upfront && req.allowDowngrade && !(await canHold(deps, viewer, estimate(req, models).total))) {
    req = downgradeImageRequest(req, upfrontCtx);
    warnings.push(`Downgraded: ${upfront}`);
    upfront = needsUpfrontKudos(req, upfrontCtx);
  }
  const price = estimate(req, models);
  if (req.dryRun) return { requestId: null, kudos: price.total, warnings };
  if (viewer.sharedKeyId) {
    const use = { pixels: req.params.width * req.params.height, steps: req.params.steps, kudos: price.total, now };
    await assertSharedKeyAllows(deps.db, viewer.sharedKeyId, use);
  }

  if (upfront && viewer.anonymous) {
    throw new KudosError("KudosUpfront", `${upfront} Anonymous cannot pay upfront; register and earn kudos first.`);
  }

  const stored: string[] = [];
  try {
    const sourceImageKey = req.sourceImage ? await deps.blobs.put(req.sourceImage.bytes, req.sourceImage.format) : null;
    if (sourceImageKey) stored.push(sourceImageKey);
    const sourceMaskKey = req.sourceMask ? await deps.blobs.put(req.sourceMask.bytes, req.sourceMask.format) : null;
    if (sourceMaskKey) stored.push(sourceMaskKey);
    const { params } = req;
    const steps = accurateSteps(params.samplerName, params.steps);
    const requestId = await deps.db.tx(async (sql) => {
      const requester = await lockRequester(sql, viewer.userId);
      if (requester.active + params.n > requester.concurrency) {
        throw new LimitError(
          "TooManyPrompts",
          viewer.anonymous
            ? `Anonymous requests are limited to ${requester.concurrency} images in the queue; register for your own limit`
            : `You have ${requester.active} images queued or generating; your limit is ${requester.concurrency}`,
        );
      }
      if (upfront && requester.kudos < price.total) {
        throw new KudosError(
          "KudosUpfront",
          `${upfront} It costs ${price.total} kudos and you have ${requester.kudos}. Set allowDowngrade to run it smaller.`,
        );
      }
      const priority = viewer.anonymous
        ? Math.max(requester.kudos, ANONYMOUS_PRIORITY_FLOOR)
        : Math.max(requester.kudos, REGISTERED_PRIORITY_FLOOR);
      const id = await insertImageRequest(
        sql,
        {
          userId: viewer.userId,
          sharedKeyId: viewer.sharedKeyId,
          prompt: req.prompt,
          params: req.params,
          models: req.models,
          n: params.n,
          width: params.width,
          height: params.height,
          steps,
          nsfw: req.nsfw,
          trustedWorkers: req.trustedWorkers,
          slowWorkers: req.slowWorkers,
          workerIds: req.workers,
          workerBlacklist: req.workerBlacklist,
          sourceImageKey,
          sourceMaskKey,
          sourceProcessing: req.sourceProcessing,
          needsImg2img: req.sourceProcessing === "img2img",
          needsPainting: req.sourceProcessing === "inpainting" || req.sourceProcessing === "outpainting",
          needsPostProc: params.postProcessing.length > 0,
          needsControlnet: params.controlType !== null,
          needsLora: params.loras.length > 0,
          jobTtl: jobTtlSeconds({
            width: params.width,
            height: params.height,
            steps,
            controlnet: params.controlType !== null,
            heavyBaseline: models.some((m) => isHeavyBaseline(m.baseline)),
            extraSlowWorker: false,
          }),
          shared: req.shared,
          jobKudos: imageJobKudos(pricingInputOf(req)),
          expiresAt: new Date(now.getTime() + deps.config.requestExpirySeconds * 1000),
          now,
        },
        priority,
      );
      await applyLedger(
        sql,
        [
          {
            userId: viewer.userId,
            kind: "horde_tax",
            amount: -price.tax,
            requestId: id,
            sharedKeyId: viewer.sharedKeyId,
          },
        ],
        now,
      );
      await spendSharedKey(sql, viewer.sharedKeyId, price.tax);
      return id;
    });
    deps.bus.publish("jobsAvailable", {
      requestId,
      count: params.n,
      models: req.models,
      pixels: params.width * params.height,
      nsfw: req.nsfw,
      userId: viewer.userId,
    });
    const queue = await readCapacity(deps.db, requestId, new Date(now.getTime() - ONLINE_SECONDS * 1000));
    if (queue && !queue.possible) {
      warnings.push("NoAvailableWorker: no online worker can serve this request now; it waits until one can");
    }
    return { requestId, kudos: price.total, warnings };
  } catch (err) {
    for (const key of stored) await deps.blobs.delete(key);
    throw err;
  }
}

/** Cancels a request (anyone who knows its id may, as in the AI Horde). */
export async function cancelImageRequest(deps: Deps, id: string): Promise<string> {
  if (!isUuid(id)) throw new NotFoundError("NotFound", "No such request");
  const res = await cancelRequest(deps.db, id, deps.clock.now());
  if (!res) throw new NotFoundError("NotFound", "No such request");
  deps.bus.publish("requestChanged", { id, ended: false });
  return id;
}

/** Per-operation loader: every request an operation names, read in one statement. */
function requestLoader(ctx: Context) {
  return perRequest(
    ctx,
    "requests",
    () =>
      new DataLoader<string, RequestRow | null>(async (ids) => {
        const rows = await readRequests(ctx.deps.db, ids);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}

/** Reads one request's row, or null (bad ids included). */
export async function loadRequest(ctx: Context, id: string): Promise<RequestRow | null> {
  if (!isUuid(id)) return null;
  return requestLoader(ctx).load(id.toLowerCase());
}
