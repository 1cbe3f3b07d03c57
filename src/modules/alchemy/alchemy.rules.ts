/**
 * Alchemy (the AI Horde's "interrogation"): the pure rules. A request carries one source image
 * and a list of forms; each form is one job a worker does on that image (reference §1.3, §2.7).
 *
 * Form state machine (one job per form; the engine's job states in brackets):
 *
 *   WAITING [waiting] ──pop──▶ PROCESSING [processing] ──submit──▶ DONE [ok]
 *      ▲                            │
 *      └── TTL ran out, or FAULTED ─┤  (the engine's per-job fault policy, jobs.settle.sql.ts
 *          (a form dropped 3 times  │   afterJobFault: the AI Horde's abort_count > 2 test
 *          so far goes back)        └─▶ FAULTED [faulted] on the 4th drop)
 *   WAITING ──cancel──▶ CANCELLED [cancelled]
 *   PROCESSING ──cancel──▶ paid as if delivered, shown CANCELLED (no result) [ok]
 *
 * A form's fault never faults its siblings: the request is done when every form is DONE,
 * CANCELLED or FAULTED.
 */
import { type Cents, toCents } from "../../lib/money.ts";
import { canonicalName } from "../../lib/names.ts";
import { POST_PROCESSORS } from "../models/models.rules.ts";
import { refuseWorkerName, WORKER_LIMITS } from "../workers/workers.rules.ts";

// ───────────────────────────── forms ─────────────────────────────

/** Forms that read the image and answer with data (reference §1.3). */
export const INTERROGATION_FORMS = [
  "caption",
  "interrogation",
  "nsfw",
  "vectorize",
  "palette",
  "describe",
  "aesthetic",
] as const;

/** Every form name a request may list: the data forms, then every post-processor. */
export const ALCHEMY_FORMS: readonly string[] = [...INTERROGATION_FORMS, ...POST_PROCESSORS];

/** What a form's worker returns: data, or a processed image. */
export type FormKind = "data" | "image";

/** Whether `name` is a form a request may ask for (names are case-sensitive, as the AI Horde's). */
export function isAlchemyForm(name: string): boolean {
  return ALCHEMY_FORMS.includes(name);
}

/** Post-processor forms return an image; the others return data. */
export function formKind(name: string): FormKind {
  return POST_PROCESSORS.includes(name) ? "image" : "data";
}

// ───────────────────────────── limits ─────────────────────────────

/** What a request's image and forms may be. */
export const ALCHEMY_LIMITS = {
  /** A 512×512 tile; an image is measured in these (§2.7). */
  tileSide: 512,
  /** More tiles than this is `SourceImageResolutionExceeded` (§1.3). */
  maxTiles: 255,
  /** A source image's largest file, downloaded or uploaded (the URL limit of §1.3). */
  maxSourceBytes: 5 * 1024 * 1024,
  /** The largest side the decoder reads (a WEBP's own limit is 16383). */
  maxSourceSide: 16384,
  /** A form's payload, as JSON text. */
  maxPayloadBytes: 4096,
  /** Forms in one request, before duplicates are dropped (there are fewer distinct names). */
  maxForms: 50,
  /** A worker's pop: max_tiles when it declares none (the AI Horde parser's default, §1.3). */
  defaultMaxTiles: 80,
  /** A form's TTL after pop (§2.7). */
  formTtlSeconds: 180,
  /** A worker slower than this many seconds per form is "slow" (§3.3). */
  slowSecondsPerForm: 10,
  /** `count + forms > concurrency × this` refuses a request (§3.7). */
  concurrencyFactor: 10,
} as const;

/** How many 512×512 tiles cover an image: ceil(w/512) × ceil(h/512). */
export function imageTiles(width: number, height: number): number {
  const side = ALCHEMY_LIMITS.tileSide;
  return Math.ceil(width / side) * Math.ceil(height / side);
}

// ───────────────────────────── results of a check ─────────────────────────────

/** A refusal with a stable code and, for inputs, the field it is about. */
export interface AlchemyFailure {
  ok: false;
  code: string;
  message: string;
  field: string | null;
}

export type AlchemyResult<T> = { ok: true; value: T } | AlchemyFailure;

function fail(code: string, message: string, field: string | null): AlchemyFailure {
  return { ok: false, code, message, field };
}

function quoted(text: string): string {
  return JSON.stringify(text.slice(0, 100));
}

// ───────────────────────────── request forms ─────────────────────────────

/** A form as a request names it. */
export interface FormInput {
  name: string;
  payload?: unknown;
}

/** A form after validation: a known name and a payload object (empty when none was sent). */
export interface CheckedForm {
  name: string;
  payload: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkPayload(payload: unknown, at: string): AlchemyResult<Record<string, unknown>> {
  if (payload === undefined || payload === null) return { ok: true, value: {} };
  if (!isRecord(payload)) return fail("InvalidFormPayload", "A form's payload must be a JSON object.", at);
  const size = new TextEncoder().encode(JSON.stringify(payload)).length;
  if (size > ALCHEMY_LIMITS.maxPayloadBytes) {
    return fail(
      "InvalidFormPayload",
      `A form's payload is at most ${ALCHEMY_LIMITS.maxPayloadBytes} bytes of JSON; this one is ${size}.`,
      at,
    );
  }
  return { ok: true, value: payload };
}

/**
 * The request's forms: at least one, every name known (`UnknownForm`), payloads JSON objects of
 * at most 4 KB; a repeated name is dropped (its first occurrence is kept), as the AI Horde does.
 */
export function checkForms(forms: readonly FormInput[]): AlchemyResult<CheckedForm[]> {
  if (forms.length === 0) return fail("MissingForms", "List at least one form.", "forms");
  if (forms.length > ALCHEMY_LIMITS.maxForms) {
    return fail("TooManyForms", `At most ${ALCHEMY_LIMITS.maxForms} forms may be listed.`, "forms");
  }
  const out: CheckedForm[] = [];
  for (const [i, form] of forms.entries()) {
    if (!isAlchemyForm(form.name)) {
      return fail(
        "UnknownForm",
        `Unknown form ${quoted(form.name)}; known: ${ALCHEMY_FORMS.join(", ")}.`,
        `forms.${i}.name`,
      );
    }
    const payload = checkPayload(form.payload, `forms.${i}.payload`);
    if (!payload.ok) return payload;
    if (out.some((f) => f.name === form.name)) continue;
    out.push({ name: form.name, payload: payload.value });
  }
  return { ok: true, value: out };
}

// ───────────────────────────── prices ─────────────────────────────

/**
 * What a worker earns for a form (§4.4): 1 for the data forms, 3 for `interrogation`, 3 per
 * tile for a post-processor.
 */
export function formReward(name: string, tiles: number): Cents {
  if (formKind(name) === "image") return toCents(3 * tiles);
  return toCents(name === "interrogation" ? 3 : 1);
}

/**
 * What the requester pays for a delivered form (§3.8, §4.4): the worker's reward + 1, and +1
 * more when the request accepts slow workers. That last part is the AI Horde's inverted burn,
 * pinned by its tests (reference §6): kept as is so the two hordes price a form alike.
 */
export function formCharge(name: string, tiles: number, slowWorkers: boolean): Cents {
  return formReward(name, tiles) + toCents(slowWorkers ? 2 : 1);
}

/** The price the requester would pay if every form is delivered: the sum of the charges. */
export function requestPrice(forms: readonly { name: string }[], tiles: number, slowWorkers: boolean): Cents {
  return forms.reduce((sum, f) => sum + formCharge(f.name, tiles, slowWorkers), 0);
}

/** The concurrency rule (§3.7): forms waiting or processing, plus these, at most concurrency × 10. */
export function withinConcurrency(active: number, adding: number, concurrency: number): boolean {
  return active + adding <= concurrency * ALCHEMY_LIMITS.concurrencyFactor;
}

// ───────────────────────────── worker side ─────────────────────────────

/** What an alchemist declares on pop or feed (the engine's common fields, plus its max tiles). */
export interface AlchemyWorkerDeclaration {
  kind: "alchemy";
  name: string;
  /** the forms it does (the engine keeps them in the workers row's `models`) */
  models: string[];
  maxTiles: number;
  nsfw: boolean;
  amount: number;
  threads: number;
  bridgeAgent: string;
  maxConcurrentJobs: number;
}

/** `popAlchemyJob` / `alchemyJobAssigned` input. */
export interface PopAlchemyInput {
  name: string;
  forms: readonly string[];
  maxTiles?: number | null;
  amount?: number | null;
  threads?: number | null;
  bridgeAgent?: string | null;
  maxConcurrentJobs?: number | null;
  /** Checked (`alias#id`) and then unused: the AI Horde builds this filter and never applies it (§3.3). */
  priorityUsernames?: readonly string[] | null;
}

/** At most this many priority usernames (the image pop's limit). */
const MAX_PRIORITY_USERNAMES = 100;

function intIn(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/**
 * A pop's declaration: the name by the workers rules; at least one known form (unknown names are
 * dropped, so a newer worker can list forms this server does not have; none left is
 * `NoValidForms`), duplicates dropped; `maxTiles` 1–255, default 80 (the AI Horde's parser);
 * `amount` 1–20 (forms per pop), `threads` 1–100, `maxConcurrentJobs` 1–20.
 */
export function checkDeclaration(input: PopAlchemyInput): AlchemyResult<AlchemyWorkerDeclaration> {
  const name = canonicalName(input.name);
  const badName = refuseWorkerName(name);
  if (badName && !badName.ok) return fail(badName.code, badName.message, "name");
  if (input.forms.length > ALCHEMY_LIMITS.maxForms) {
    return fail("TooManyForms", `A worker may list at most ${ALCHEMY_LIMITS.maxForms} forms.`, "forms");
  }
  const models = [...new Set(input.forms.filter(isAlchemyForm))];
  if (models.length === 0) {
    return fail("NoValidForms", `None of the forms listed is known; known: ${ALCHEMY_FORMS.join(", ")}.`, "forms");
  }
  const maxTiles = input.maxTiles ?? ALCHEMY_LIMITS.defaultMaxTiles;
  if (!intIn(maxTiles, 1, ALCHEMY_LIMITS.maxTiles)) {
    return fail("InvalidMaxTiles", `maxTiles must be an integer from 1 to ${ALCHEMY_LIMITS.maxTiles}.`, "maxTiles");
  }
  const amount = input.amount ?? 1;
  if (!intIn(amount, 1, WORKER_LIMITS.maxAmount)) {
    return fail("InvalidAmount", `amount must be between 1 and ${WORKER_LIMITS.maxAmount}.`, "amount");
  }
  const threads = input.threads ?? 1;
  if (!intIn(threads, 1, WORKER_LIMITS.maxThreads)) {
    return fail("InvalidThreads", `threads must be between 1 and ${WORKER_LIMITS.maxThreads}.`, "threads");
  }
  const maxConcurrentJobs = input.maxConcurrentJobs ?? 1;
  if (!intIn(maxConcurrentJobs, 1, WORKER_LIMITS.maxConcurrentJobs)) {
    const message = `maxConcurrentJobs must be between 1 and ${WORKER_LIMITS.maxConcurrentJobs}.`;
    return fail("InvalidMaxConcurrentJobs", message, "maxConcurrentJobs");
  }
  const priority = input.priorityUsernames ?? [];
  if (priority.length > MAX_PRIORITY_USERNAMES || priority.some((u) => !/^.{1,100}#\d{1,10}$/.test(u))) {
    const message = `priorityUsernames lists at most ${MAX_PRIORITY_USERNAMES} names like alias#id.`;
    return fail("InvalidPriorityUsername", message, "priorityUsernames");
  }
  const bridgeAgent = (input.bridgeAgent ?? "unknown:0:unknown").slice(0, WORKER_LIMITS.maxBridgeAgentLength);
  const value: AlchemyWorkerDeclaration = {
    kind: "alchemy",
    name,
    models,
    maxTiles,
    nsfw: false,
    amount,
    threads,
    bridgeAgent,
    maxConcurrentJobs,
  };
  return { ok: true, value };
}

/** The facts eligibility reads about one form and one worker (the SQL says the same, §3.3). */
export interface EligibilityFacts {
  form: string;
  imageTiles: number;
  trustedWorkers: boolean;
  slowWorkers: boolean;
  workerForms: readonly string[];
  workerMaxTiles: number;
  ownerTrusted: boolean;
  /** The worker's average seconds per form. */
  secondsPerForm: number;
  /** A paused worker gets nothing (alchemy_eligible: `NOT w.paused`). */
  paused: boolean;
  maintenance: boolean;
  /** Whether the request's requester owns the worker (maintenance then still serves it). */
  ownRequest: boolean;
}

/** Whether a worker may take a form, by §3.3's interrogation pop. Documents alchemy_eligible. */
export function mayTakeForm(f: EligibilityFacts): boolean {
  if (!f.workerForms.includes(f.form)) return false;
  if (f.imageTiles > f.workerMaxTiles) return false;
  if (f.trustedWorkers && !f.ownerTrusted) return false;
  if (isSlowAlchemist(f.secondsPerForm) && !f.slowWorkers) return false;
  if (f.paused) return false;
  if (f.maintenance && !f.ownRequest) return false;
  return true;
}

/** A worker is slow at ≥ 10 seconds per form (§3.3). */
export function isSlowAlchemist(secondsPerForm: number): boolean {
  return secondsPerForm >= ALCHEMY_LIMITS.slowSecondsPerForm;
}

// ───────────────────────────── request status ─────────────────────────────

/** A form's state as the API shows it. */
export type FormState = "WAITING" | "PROCESSING" | "DONE" | "CANCELLED" | "FAULTED";

/** The request's aggregate state (§1.3): waiting, processing, partial, done or faulted. */
export type AlchemyRequestState = "waiting" | "processing" | "partial" | "done" | "faulted";

/** A job state of the engine as a form's state. */
export function formStateOf(jobState: string): FormState {
  switch (jobState) {
    case "waiting":
      return "WAITING";
    case "processing":
      return "PROCESSING";
    case "cancelled":
      return "CANCELLED";
    case "faulted":
    case "csam":
      return "FAULTED";
    default:
      return "DONE";
  }
}

/**
 * The request's state from its forms': done when none is waiting or processing (faulted if
 * every form faulted); partial when some are done and others still open; processing when one
 * is being worked on; else waiting.
 */
export function aggregateState(forms: readonly FormState[]): AlchemyRequestState {
  const open = forms.filter((s) => s === "WAITING" || s === "PROCESSING").length;
  if (open === 0) return forms.length > 0 && forms.every((s) => s === "FAULTED") ? "faulted" : "done";
  if (forms.some((s) => s === "DONE")) return "partial";
  return forms.some((s) => s === "PROCESSING") ? "processing" : "waiting";
}
