/**
 * Worker rules: what a worker may declare when it pops or subscribes, and when it counts as
 * online. Pure.
 */

import { canonicalName, invisibleCharacter, isProfane, truncateName } from "../../lib/names.ts";
import { customModelNameProblem } from "../models/models.rules.ts";

/** A worker is online while it checked in within this many seconds (or holds a live feed). */
export const ONLINE_SECONDS = 300;

/** The oldest check-in that still counts a worker online at `now` ({@link ONLINE_SECONDS}). */
export function onlineSince(now: Date): Date {
  return new Date(now.getTime() - ONLINE_SECONDS * 1000);
}

/** How many workers an owner may run: untrusted 3, trusted 20 (or their invite count). */
export function maxWorkers(owner: { trusted: boolean; workerInvited: number }): number {
  return Math.max(owner.trusted ? 20 : 3, owner.workerInvited);
}

/** The columns of a workers row that a check-in may write (besides its name, owner and time). */
export const WORKER_COLUMNS = [
  "models",
  "nsfw",
  "threads",
  "bridge_agent",
  "blacklist",
  "blacklist_pattern",
  "max_pixels",
  "allow_img2img",
  "allow_painting",
  "allow_post_processing",
  "allow_controlnet",
  "allow_lora",
  "extra_slow",
  "limit_max_steps",
  "require_upfront_kudos",
  "allow_sdxl_controlnet",
  "priority_user_ids",
  "max_length",
  "max_context_length",
  "softprompts",
  "max_tiles",
  "fast_speed",
] as const;

export type WorkerColumn = (typeof WORKER_COLUMNS)[number];

/** A check-in's values for the workers row, by column. */
export type WorkerColumns = Partial<Record<WorkerColumn, unknown>>;

/** An image worker's declaration as workers-row columns. */
export function imageWorkerColumns(d: ImageWorkerDeclaration): WorkerColumns {
  return {
    models: d.models,
    nsfw: d.nsfw,
    threads: d.threads,
    bridge_agent: d.bridgeAgent,
    blacklist: d.blacklist,
    blacklist_pattern: blacklistPattern(d.blacklist),
    max_pixels: d.maxPixels,
    allow_img2img: d.allowImg2img,
    allow_painting: d.allowPainting,
    allow_post_processing: d.allowPostProcessing,
    allow_controlnet: d.allowControlnet,
    allow_lora: d.allowLora,
    extra_slow: d.extraSlowWorker,
    limit_max_steps: d.limitMaxSteps,
    require_upfront_kudos: d.requireUpfrontKudos,
    allow_sdxl_controlnet: d.allowSdxlControlnet,
    priority_user_ids: d.priorityUserIds,
  };
}

/** What an image worker declares (the pop / subscription input, defaults applied). */
export interface ImageWorkerDeclaration {
  kind: "image";
  name: string;
  models: string[];
  maxPixels: number;
  nsfw: boolean;
  blacklist: string[];
  allowImg2img: boolean;
  allowPainting: boolean;
  allowPostProcessing: boolean;
  allowControlnet: boolean;
  allowLora: boolean;
  amount: number;
  threads: number;
  bridgeAgent: string;
  maxConcurrentJobs: number;
  /** Takes only requests that allow extra-slow workers; its jobs get 3× the TTL. */
  extraSlowWorker: boolean;
  /** Skips requests whose accurate steps exceed their model's average of min and max steps. */
  limitMaxSteps: boolean;
  /** Skips requests whose untrusted requester could not pay a job now. */
  requireUpfrontKudos: boolean;
  allowSdxlControlnet: boolean;
  /** Users (ids from `name#id`) whose requests it serves first, like its owner's. */
  priorityUserIds: number[];
}

export interface PopInput {
  name: string;
  models: string[];
  maxPixels?: number | null;
  nsfw?: boolean | null;
  blacklist?: string[] | null;
  allowImg2img?: boolean | null;
  allowPainting?: boolean | null;
  allowPostProcessing?: boolean | null;
  allowControlnet?: boolean | null;
  allowLora?: boolean | null;
  amount?: number | null;
  threads?: number | null;
  bridgeAgent?: string | null;
  maxConcurrentJobs?: number | null;
  extraSlowWorker?: boolean | null;
  limitMaxSteps?: boolean | null;
  requireUpfrontKudos?: boolean | null;
  allowSdxlControlnet?: boolean | null;
  priorityUsernames?: string[] | null;
}

export type DeclarationResult =
  | { ok: true; value: ImageWorkerDeclaration; unknownModels: string[] }
  | { ok: false; code: string; message: string; field: string };

export const WORKER_LIMITS = {
  maxNameLength: 100,
  maxModels: 300,
  maxBlacklistWords: 200,
  maxBlacklistWordLength: 15,
  maxMaxPixels: 4096 * 4096,
  maxAmount: 20,
  maxThreads: 100,
  maxConcurrentJobs: 20,
  maxBridgeAgentLength: 200,
  maxPriorityUsernames: 100,
  maxPriorityUsernameLength: 200,
} as const;

/** A refused declaration: a stable code, a message, the input field. */
export type DeclarationFailure = Extract<DeclarationResult, { ok: false }>;

function fail(code: string, message: string, field: string): DeclarationFailure {
  return { ok: false, code, message, field };
}

function intIn(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Why a worker's canonical name (NFKC; names are unique by their key, src/lib/names.ts) is
 * refused, or null when it is fine: empty, control, invisible or bidi characters, too long, or
 * one that names Colab, TPU or Google (the AI Horde refuses those).
 */
export function refuseWorkerName(name: string): DeclarationResult | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (name.length === 0 || /[\u0000-\u001f\u007f]/.test(name)) {
    return fail("InvalidWorkerName", "A worker name must be non-empty printable text", "name");
  }
  const invisible = invisibleCharacter(name);
  if (invisible) {
    return fail(
      "InvisibleCharacters",
      `A worker name may not contain invisible or text-direction characters (${invisible})`,
      "name",
    );
  }
  if ([...name].length > WORKER_LIMITS.maxNameLength) {
    return fail(
      "InvalidWorkerName",
      `A worker name may have at most ${WORKER_LIMITS.maxNameLength} characters`,
      "name",
    );
  }
  if (/colab|tpu|google/i.test(name)) {
    return fail("InvalidWorkerName", "A worker name may not mention colab, tpu or google", "name");
  }
  return null;
}

/**
 * The user ids behind a worker's `priorityUsernames` (`name#id`, as the AI Horde shows users):
 * each must contain `#` followed by a user id, else `InvalidPriorityUsername`. Only the id
 * counts (names change; ids do not); an id nobody has simply matches no request. Duplicates
 * are dropped.
 */
export function parsePriorityUsernames(list: readonly string[]): { ok: true; ids: number[] } | DeclarationFailure {
  if (list.length > WORKER_LIMITS.maxPriorityUsernames) {
    return fail(
      "InvalidPriorityUsername",
      `At most ${WORKER_LIMITS.maxPriorityUsernames} priority usernames`,
      "priorityUsernames",
    );
  }
  const ids = new Set<number>();
  for (const raw of list) {
    const at = raw.lastIndexOf("#");
    const id = raw.slice(at + 1);
    if (
      at < 0 ||
      raw.length > WORKER_LIMITS.maxPriorityUsernameLength ||
      !/^\d{1,10}$/.test(id) ||
      Number(id) > 2 ** 31 - 1
    ) {
      const shown = JSON.stringify(raw.slice(0, 100));
      return fail(
        "InvalidPriorityUsername",
        `A priority username is name#id, as users are shown (got ${shown})`,
        "priorityUsernames",
      );
    }
    ids.add(Number(id));
  }
  return { ok: true, ids: [...ids] };
}

/**
 * Which declared models a worker serves: those in the reference, and, when its owner has the
 * customizer role, models outside it too (custom models; their names must be well formed, else
 * `InvalidModelName`). Anyone else's unknown models are dropped and reported, as the AI Horde
 * does; nothing left is `NoValidModels`.
 */
function declaredModels(
  list: readonly string[],
  known: ReadonlyMap<string, unknown>,
  customizer: boolean,
): { ok: true; models: string[]; dropped: string[] } | DeclarationFailure {
  if (list.length > WORKER_LIMITS.maxModels) {
    return fail("TooManyModels", `A worker may serve at most ${WORKER_LIMITS.maxModels} models`, "models");
  }
  const unique = [...new Set(list)];
  if (customizer) {
    for (const m of unique) {
      const problem = known.has(m) ? null : customModelNameProblem(m);
      if (problem) return fail("InvalidModelName", `${problem}: ${JSON.stringify(m.slice(0, 100))}`, "models");
    }
    if (unique.length > 0) return { ok: true, models: unique, dropped: [] };
  }
  const models = unique.filter((m) => known.has(m));
  if (models.length === 0) {
    return fail(
      "NoValidModels",
      customizer
        ? "The worker declares no model"
        : "None of the declared models is in the model reference (serving other models needs the customizer role)",
      "models",
    );
  }
  return { ok: true, models, dropped: unique.filter((m) => !known.has(m)) };
}

/**
 * Validates a worker's declaration and applies the AI Horde defaults (max pixels 512², img2img,
 * painting and post-processing allowed; ControlNet, SDXL ControlNet, LoRA, extra-slow, step
 * limit and upfront kudos not). Models outside the reference are kept for a customizer's
 * worker, otherwise dropped and reported (`unknownModels`); see `declaredModels`. A name over
 * 100 characters is truncated to 100 (the AI Horde's rule; the check-in gate raises the
 * suspicion); a profane one is refused.
 */
export function checkDeclaration(
  input: PopInput,
  known: ReadonlyMap<string, unknown>,
  owner: { customizer: boolean } = { customizer: false },
): DeclarationResult {
  // trust (issue 11): an overlong name is truncated, not refused; the gate raises its suspicion
  const name = truncateName(canonicalName(input.name), WORKER_LIMITS.maxNameLength);
  const badName = refuseWorkerName(name);
  if (badName) return badName;
  if (isProfane(name)) return fail("ProfaneWorkerName", "That worker name is not allowed", "name");
  const declared = declaredModels(input.models, known, owner.customizer);
  if (!declared.ok) return declared;
  const { models, dropped: unknownModels } = declared;
  const priority = parsePriorityUsernames(input.priorityUsernames ?? []);
  if (!priority.ok) return priority;
  const maxPixels = input.maxPixels ?? 512 * 512;
  if (!intIn(maxPixels, 64 * 64, WORKER_LIMITS.maxMaxPixels)) {
    return fail("InvalidMaxPixels", `maxPixels must be between 4096 and ${WORKER_LIMITS.maxMaxPixels}`, "maxPixels");
  }
  const blacklist = (input.blacklist ?? []).map((w) => w.trim()).filter((w) => w.length > 0);
  if (blacklist.length > WORKER_LIMITS.maxBlacklistWords) {
    return fail("TooManyBlacklistWords", `At most ${WORKER_LIMITS.maxBlacklistWords} blacklist words`, "blacklist");
  }
  if (blacklist.some((w) => w.length > WORKER_LIMITS.maxBlacklistWordLength)) {
    return fail(
      "InvalidBlacklistWord",
      `A blacklist word may have at most ${WORKER_LIMITS.maxBlacklistWordLength} characters`,
      "blacklist",
    );
  }
  const amount = input.amount ?? 1;
  if (!intIn(amount, 1, WORKER_LIMITS.maxAmount)) {
    return fail("InvalidAmount", `amount must be between 1 and ${WORKER_LIMITS.maxAmount}`, "amount");
  }
  const threads = input.threads ?? 1;
  if (!intIn(threads, 1, WORKER_LIMITS.maxThreads)) {
    return fail("InvalidThreads", `threads must be between 1 and ${WORKER_LIMITS.maxThreads}`, "threads");
  }
  const maxConcurrentJobs = input.maxConcurrentJobs ?? 1;
  if (!intIn(maxConcurrentJobs, 1, WORKER_LIMITS.maxConcurrentJobs)) {
    return fail(
      "InvalidMaxConcurrentJobs",
      `maxConcurrentJobs must be between 1 and ${WORKER_LIMITS.maxConcurrentJobs}`,
      "maxConcurrentJobs",
    );
  }
  const bridgeAgent = (input.bridgeAgent ?? "unknown:0:unknown").slice(0, WORKER_LIMITS.maxBridgeAgentLength);
  return {
    ok: true,
    unknownModels,
    value: {
      kind: "image",
      name,
      models,
      maxPixels,
      nsfw: input.nsfw ?? false,
      blacklist,
      allowImg2img: input.allowImg2img ?? true,
      allowPainting: input.allowPainting ?? true,
      allowPostProcessing: input.allowPostProcessing ?? true,
      allowControlnet: input.allowControlnet ?? false,
      allowLora: input.allowLora ?? false,
      amount,
      threads,
      bridgeAgent,
      maxConcurrentJobs,
      extraSlowWorker: input.extraSlowWorker ?? false,
      limitMaxSteps: input.limitMaxSteps ?? false,
      requireUpfrontKudos: input.requireUpfrontKudos ?? false,
      allowSdxlControlnet: input.allowSdxlControlnet ?? false,
      priorityUserIds: priority.ids,
    },
  };
}

/**
 * The blacklist as one regular expression for Postgres's case-insensitive match (`~*`): the
 * words, regex characters escaped, joined by `|`; null for an empty list.
 */
export function blacklistPattern(words: readonly string[]): string | null {
  if (words.length === 0) return null;
  return words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

/**
 * The AI Horde's `log_aborted_job` (§3.6): a worker that drops more than this many jobs (TTL
 * expiries, and here FAULTED submits too) with less than an hour between one drop and the next
 * is put in maintenance, and its count starts over. An hour without a drop starts it over too.
 */
export const MAX_ABORTED_JOBS_PER_HOUR = 20;

/** The same threshold in raid mode, where crossing it raises suspicion but no maintenance. */
export const MAX_ABORTED_JOBS_PER_HOUR_IN_RAID = 10;

/** A drop this long after the previous one starts the count over. */
export const ABORTED_JOBS_WINDOW_SECONDS = 3600;

/** The maintenance message a worker gets for dropping too many jobs (the AI Horde's wording). */
export const TOO_MANY_ABORTED_MESSAGE =
  "This worker has been put into maintenance mode for dropping too many jobs " +
  "(timed out or FAULTED); it now only receives its owner's requests. " +
  "Fix it, then take it out with setWorkerMaintenance.";

/** The longest maintenance message a worker's owner may set. */
export const MAX_MAINTENANCE_MESSAGE = 500;

/** A maintenance message: trimmed, printable (newlines and tabs allowed), at most 500 characters; null when empty. */
export function checkMaintenanceMessage(
  input: string | null | undefined,
): { ok: true; value: string | null } | { ok: false; message: string } {
  const text = (input ?? "").trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) {
    return { ok: false, message: "The message may not contain control characters" };
  }
  if (text.length > MAX_MAINTENANCE_MESSAGE) {
    return { ok: false, message: `The message may have at most ${MAX_MAINTENANCE_MESSAGE} characters` };
  }
  return { ok: true, value: text.length > 0 ? text : null };
}
