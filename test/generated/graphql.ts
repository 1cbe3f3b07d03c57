/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AlchemyFormInput = {
  /** caption, interrogation, nsfw, vectorize, palette, describe, aesthetic, or a post-processor */
  name: string;
  /** A JSON object passed to the worker, at most 4 KB */
  payload?: unknown;
};

export type AwardKudosInput = {
  /** Whole kudos, above 0 */
  amount: number;
  /** `name#id` (only the id counts) or a plain username */
  username: string;
};

export type CreateAlchemyRequestInput = {
  /** Price it and create nothing */
  dryRun?: boolean | null | undefined;
  /** A repeated name is ignored */
  forms: Array<AlchemyFormInput>;
  /** Accept slow workers (default true; each form then costs 1 more) */
  slowWorkers?: boolean | null | undefined;
  /** Base64 PNG, WEBP or JPEG, at most 5 MB; or give sourceImageUrl */
  sourceImage?: string | null | undefined;
  /** An http(s) URL of the image, at most 5 MB; or give sourceImage */
  sourceImageUrl?: string | null | undefined;
  /** Only workers of trusted users (default false) */
  trustedWorkers?: boolean | null | undefined;
};

export type CreateImageRequestInput = {
  /** Scale it down to the free size instead of asking for kudos upfront */
  allowDowngrade?: boolean | null | undefined;
  /** Have NSFW output censored even when nsfw is true (default false); a request that is not nsfw is always censored */
  censorNsfw?: boolean | null | undefined;
  /** Price it and create nothing */
  dryRun?: boolean | null | undefined;
  /** Let extra-slow workers (extraSlowWorker on their pop) take it (default false) */
  extraSlowWorkers?: boolean | null | undefined;
  /** Empty: any model */
  models?: Array<string> | null | undefined;
  nsfw?: boolean | null | undefined;
  params?: ImageParamsInput | null | undefined;
  prompt: string;
  shared?: boolean | null | undefined;
  slowWorkers?: boolean | null | undefined;
  /** Base64 PNG, WEBP or JPEG */
  sourceImage?: string | null | undefined;
  sourceMask?: string | null | undefined;
  /** img2img | inpainting | outpainting */
  sourceProcessing?: string | null | undefined;
  trustedWorkers?: boolean | null | undefined;
  workerBlacklist?: boolean | null | undefined;
  /** At most 5 worker ids: an allow list, or a deny list with workerBlacklist */
  workers?: Array<string | number> | null | undefined;
};

export type CreateSharedKeyInput = {
  /** Days until it stops working (1 to 36,500), or -1 for never; default never */
  expiry?: number | null | undefined;
  /** Budget in kudos: 0 to 50,000,000, or -1 for no limit; default 5000 */
  kudos?: number | null | undefined;
  /** Largest image it may ask for (width × height, up to 4,194,304), or -1 for no limit; default -1 */
  maxImagePixels?: number | null | undefined;
  /** Most steps it may ask for (up to 500), or -1 for no limit; default -1 */
  maxImageSteps?: number | null | undefined;
  /** Most text tokens it may ask for (up to 500), or -1 for no limit; default -1 */
  maxTextTokens?: number | null | undefined;
  /** 3 to 255 characters */
  name: string;
};

export type CreateTextRequestInput = {
  /** Shorten it to the free length instead of asking for kudos upfront */
  allowDowngrade?: boolean | null | undefined;
  /** Price it and create nothing */
  dryRun?: boolean | null | undefined;
  /** At most 20; empty: any model */
  models?: Array<string> | null | undefined;
  /** Default false */
  nsfw?: boolean | null | undefined;
  params?: TextParamsInput | null | undefined;
  prompt: string;
  /** Default true; false excludes slow workers and needs kudos upfront */
  slowWorkers?: boolean | null | undefined;
  /** A softprompt the worker must have; empty: none */
  softprompt?: string | null | undefined;
  /** Only workers of trusted owners (default false) */
  trustedWorkers?: boolean | null | undefined;
  /** Only workers running a validated backend (default false) */
  validatedBackends?: boolean | null | undefined;
  workerBlacklist?: boolean | null | undefined;
  /** At most 5 text worker ids: an allow list, or a deny list with workerBlacklist */
  workers?: Array<string | number> | null | undefined;
};

export type GenMetadataInput = {
  /** What it concerns (a LoRA or TI name, a detail), at most 256 characters */
  ref?: string | null | undefined;
  type: GenMetadataType;
  value: GenMetadataValue;
};

/** What a generation metadata entry is about (the AI Horde's gen_metadata types) */
export type GenMetadataType =
  | 'AESTHETIC_SCORE'
  | 'BATCH_INDEX'
  | 'CENSORSHIP'
  | 'EXTRA_SOURCE_IMAGES'
  | 'INFORMATION'
  | 'LORA'
  | 'SOURCE_IMAGE'
  | 'SOURCE_MASK'
  | 'TI';

/** What happened (SEE_REF: the detail is in ref) */
export type GenMetadataValue =
  | 'BASELINE_MISMATCH'
  | 'CSAM'
  | 'DOWNLOAD_FAILED'
  | 'NSFW'
  | 'PARSE_FAILED'
  | 'SEE_REF';

export type GenerationState =
  | 'CENSORED'
  | 'CSAM'
  | 'FAULTED'
  | 'OK';

export type ImageParamsInput = {
  /** 0–100, at most 2 decimals (default 7.5) */
  cfgScale?: number | null | undefined;
  /** 1–12 (default 1) */
  clipSkip?: number | null | undefined;
  controlType?: string | null | undefined;
  /** 0.01–1, for img2img */
  denoisingStrength?: number | null | undefined;
  /** Multiple of 64, 64–3072 (default 512) */
  height?: number | null | undefined;
  hiresFix?: boolean | null | undefined;
  karras?: boolean | null | undefined;
  loras?: Array<LoraInput> | null | undefined;
  /** Images, 1–20 (default 1) */
  n?: number | null | undefined;
  postProcessing?: Array<string> | null | undefined;
  returnControlMap?: boolean | null | undefined;
  /** Default k_euler_a */
  samplerName?: string | null | undefined;
  seed?: string | null | undefined;
  /** 1–500 (default 30) */
  steps?: number | null | undefined;
  tiling?: boolean | null | undefined;
  /** Multiple of 64, 64–3072 (default 512) */
  width?: number | null | undefined;
};

/** What moved kudos. Rewards and awards bring kudos in, charges and taxes take them out. */
export type KudosLedgerKind =
  /** Half an untrusted owner's job reward, parked in escrow */
  | 'ESCROW_HOLD'
  /** The escrow paid out when the owner became trusted */
  | 'ESCROW_RELEASE'
  /** Reserved; never written (balances are not clamped) */
  | 'FLOOR_ADJUSTMENT'
  /** Earned by one of the user's workers for a job */
  | 'GENERATION_REWARD'
  /** Paid once when a request was accepted */
  | 'HORDE_TAX'
  /** Awarded by a moderator */
  | 'MODERATOR_AWARD'
  /** Earned for rating images */
  | 'RATING_REWARD'
  /** Paid for one finished job of the user's request */
  | 'REQUEST_CHARGE'
  /** What a job cost above its price for excluding slow workers or blacklisting workers: burned */
  | 'SURCHARGE_BURN'
  /** Received from another user */
  | 'TRANSFER_IN'
  /** Sent to another user */
  | 'TRANSFER_OUT'
  /** Earned by one of the user's workers for 10 minutes online */
  | 'UPTIME_REWARD';

export type LoraInput = {
  clip?: number | null | undefined;
  isVersion?: boolean | null | undefined;
  model?: number | null | undefined;
  name: string;
};

/** Which models a statistics list holds: those of the model reference, the others, or all */
export type ModelState =
  | 'all'
  | 'custom'
  | 'known';

export type PopAlchemyJobInput = {
  /** Forms a pop may return, 1–20 (default 1) */
  amount?: number | null | undefined;
  bridgeAgent?: string | null | undefined;
  /** The forms it does; unknown names are ignored */
  forms: Array<string>;
  /** Subscription only: forms out unsubmitted at a time, 1–20 (default 1) */
  maxConcurrentJobs?: number | null | undefined;
  /** Largest image in 512×512 tiles, 1–255 (default 80) */
  maxTiles?: number | null | undefined;
  /** The worker's name; first use by a user registers it as an alchemist */
  name: string;
  /** alias#id names; checked, then unused, as in the AI Horde (its interrogation pop never applies them) */
  priorityUsernames?: Array<string> | null | undefined;
  threads?: number | null | undefined;
};

export type PopImageJobInput = {
  allowControlnet?: boolean | null | undefined;
  allowImg2img?: boolean | null | undefined;
  allowLora?: boolean | null | undefined;
  allowPainting?: boolean | null | undefined;
  allowPostProcessing?: boolean | null | undefined;
  /** Default false. Stored and shown; no request needs it yet */
  allowSdxlControlnet?: boolean | null | undefined;
  /** How many jobs of one request a pop may return (batching), 1–20 */
  amount?: number | null | undefined;
  /** Words: requests whose prompt contains one are skipped */
  blacklist?: Array<string> | null | undefined;
  bridgeAgent?: string | null | undefined;
  /** Default false. An extra-slow worker only gets requests that set extraSlowWorkers; its jobs get 3× the TTL and each pop keeps the request from expiring for 60 minutes */
  extraSlowWorker?: boolean | null | undefined;
  /** Default false. Skip requests whose accurate steps exceed the average of their model's min and max steps (20 and 40 when the reference gives none) */
  limitMaxSteps?: boolean | null | undefined;
  /** Subscription only: jobs out unsubmitted at a time, 1–20 (default 1) */
  maxConcurrentJobs?: number | null | undefined;
  /** Default 262144 (512×512) */
  maxPixels?: number | null | undefined;
  models: Array<string>;
  /** The worker's name; first use by a user registers it */
  name: string;
  nsfw?: boolean | null | undefined;
  /** Users (name#id, at most 100) whose requests this worker serves first, like its owner's; an entry without # is InvalidPriorityUsername */
  priorityUsernames?: Array<string> | null | undefined;
  /** Default false. Skip requests whose requester could not pay a job now (kudos minus their floor); trusted requesters are always served */
  requireUpfrontKudos?: boolean | null | undefined;
  threads?: number | null | undefined;
};

export type PopTextJobInput = {
  /** Jobs one pop may return, 1–20 (default 1) */
  amount?: number | null | undefined;
  /** name:version:url of the bridge */
  bridgeAgent?: string | null | undefined;
  /** Subscription only: jobs out unsubmitted at a time, 1–20 (default 1) */
  maxConcurrentJobs?: number | null | undefined;
  /** The longest context it takes, tokens (default 2048) */
  maxContextLength?: number | null | undefined;
  /** The longest generation it takes, tokens (default 512) */
  maxLength?: number | null | undefined;
  /** 1–200 model names; a size tag in a name (13B, 8x7B, 350M) prices its tokens */
  models: Array<string>;
  /** The worker's name; first use by a user registers it as a text worker */
  name: string;
  /** Default false */
  nsfw?: boolean | null | undefined;
  /** Softprompts it has loaded, at most 100 */
  softprompts?: Array<string> | null | undefined;
  /** 1–100 (default 1) */
  threads?: number | null | undefined;
};

export type RateImageInput = {
  /** How good it looks, 1 (worst) to 10 (best) */
  aesthetic: number;
  /** How flawed it is, 0 (none) to 5 (ruined); rating it earns 5 kudos more */
  artifacts?: number | null | undefined;
  /** The generation (image) to rate */
  generationId: string | number;
};

export type RegisterUserInput = {
  username: string;
};

export type SetWorkerMaintenanceInput = {
  /** The worker */
  id: string | number;
  /** In maintenance a worker only receives its owner's requests */
  maintenance: boolean;
  /** Why, shown to the worker's pops (at most 500 characters) */
  message?: string | null | undefined;
};

export type SubmitAlchemyJobInput = {
  /** The form's job id */
  id: string | number;
  /** {caption}, {nsfw}, {interrogation: {<category>: [{text, confidence}]}}, … or {image: base64} for a post-processor; omitted only when FAULTED */
  result?: unknown;
  /** OK (default) or FAULTED */
  state?: GenerationState | null | undefined;
};

export type SubmitImageJobInput = {
  /** What happened to the request's inputs and output, at most 20 entries (the AI Horde's gen_metadata) */
  genMetadata?: Array<GenMetadataInput> | null | undefined;
  /** The job */
  id: string | number;
  /** Base64 WEBP, PNG or JPEG; omitted only when the state is FAULTED */
  image?: string | null | undefined;
  seed: string;
  /** Default OK */
  state?: GenerationState | null | undefined;
};

export type SubmitTextJobInput = {
  /** At most 20 entries (the AI Horde's gen_metadata) */
  genMetadata?: Array<GenMetadataInput> | null | undefined;
  /** The job */
  id: string | number;
  /** The seed the backend used (default 0) */
  seed?: string | null | undefined;
  /** Default OK */
  state?: GenerationState | null | undefined;
  /** The generated text, at most 262,144 characters; omitted only when FAULTED */
  text?: string | null | undefined;
};

/** The KoboldAI generation parameters (the AI Horde's names in camelCase). Sampling knobs left out are left to the worker's backend */
export type TextParamsInput = {
  /** 0–5 */
  dynatempExponent?: number | null | undefined;
  /** 0–5 */
  dynatempRange?: number | null | undefined;
  frmtadsnsp?: boolean | null | undefined;
  frmtrmblln?: boolean | null | undefined;
  frmtrmspch?: boolean | null | undefined;
  frmttriminc?: boolean | null | undefined;
  /** Tokens of context, 80–1048576, at least maxLength (default 1024) */
  maxContextLength?: number | null | undefined;
  /** Tokens to generate, 16–4096 (default 80) */
  maxLength?: number | null | undefined;
  /** 0–1 */
  minP?: number | null | undefined;
  /** Texts, 1–20 (default 1) */
  n?: number | null | undefined;
  /** Repetition penalty, 1–3 */
  repPen?: number | null | undefined;
  /** 0–4096 */
  repPenRange?: number | null | undefined;
  /** 0–10 */
  repPenSlope?: number | null | undefined;
  /** All 7 samplers (0–6), each once */
  samplerOrder?: Array<number> | null | undefined;
  singleline?: boolean | null | undefined;
  /** 0–10 */
  smoothingFactor?: number | null | undefined;
  /** At most 128, totalling at most 2000 characters */
  stopSequence?: Array<string> | null | undefined;
  /** 0–5 */
  temperature?: number | null | undefined;
  /** 0–1 */
  tfs?: number | null | undefined;
  /** 0–1 */
  topA?: number | null | undefined;
  /** 0–200 */
  topK?: number | null | undefined;
  /** 0.001–1 */
  topP?: number | null | undefined;
  /** 0–1 */
  typical?: number | null | undefined;
  useDefaultBadwordsids?: boolean | null | undefined;
};

export type TransferKudosInput = {
  /** Whole kudos, above 0 */
  amount: number;
  /** Any string unique to this transfer; retrying with it never transfers twice */
  idempotencyKey: string;
  /** `name#id` (only the id counts) or a plain username */
  username: string;
};

/** Omitted fields keep their value */
export type UpdateSharedKeyInput = {
  /** Days until it stops working (1 to 36,500), or -1 for never; counted from now */
  expiry?: number | null | undefined;
  id: string | number;
  /** Budget in kudos: 0 to 50,000,000, or -1 for no limit (sets what is left, e.g. to top it up) */
  kudos?: number | null | undefined;
  /** Largest image it may ask for (width × height, up to 4,194,304), or -1 for no limit */
  maxImagePixels?: number | null | undefined;
  /** Most steps it may ask for (up to 500), or -1 for no limit */
  maxImageSteps?: number | null | undefined;
  /** Most text tokens it may ask for (up to 500), or -1 for no limit */
  maxTextTokens?: number | null | undefined;
  /** 3 to 255 characters */
  name?: string | null | undefined;
};

export type UserRanking =
  /** Megapixelsteps generated by the user's workers */
  | 'CONTRIBUTIONS'
  /** The user's kudos balance */
  | 'KUDOS';

/** Every field given must match (AND); an absent field filters nothing */
export type WorkerFilter = {
  kind?: WorkerKind | null | undefined;
  /** Serves this model (exact name) */
  model?: string | null | undefined;
  /** Its name contains this text, ignoring case */
  name?: string | null | undefined;
  /** Checked in within 300 s (true) or not (false) */
  online?: boolean | null | undefined;
  /** Owned by this user */
  owner?: string | number | null | undefined;
};

export type WorkerKind =
  | 'alchemy'
  | 'image'
  | 'text';

export type WorkerOrder =
  /** Most stats.megapixelsteps first */
  | 'CONTRIBUTIONS'
  /** Registered last first */
  | 'NEWEST'
  /** Registered first first */
  | 'OLDEST'
  /** Highest stats.performance first */
  | 'PERFORMANCE';

export type WorkerRanking =
  /** stats.requestsFulfilled */
  | 'JOBS'
  /** stats.megapixelsteps */
  | 'MEGAPIXELSTEPS';

export type AlchemyRequestFieldsFragment = { id: string, done: boolean, state: string, width: number, height: number, imageTiles: number, sourceImageUrl: string, trustedWorkers: boolean, slowWorkers: boolean, cancelled: boolean, kudos: number, forms: Array<{ id: string, name: string, state: string, result: unknown, workerId: string | null, workerName: string | null, kudos: number | null }> };

export type CreateAlchemyRequestMutationVariables = Exact<{
  input: CreateAlchemyRequestInput;
}>;


export type CreateAlchemyRequestMutation = { createAlchemyRequest:
    | { __typename: 'CreateAlchemyRequestPayload', kudos: number, request: { id: string, done: boolean, state: string, width: number, height: number, imageTiles: number, sourceImageUrl: string, trustedWorkers: boolean, slowWorkers: boolean, cancelled: boolean, kudos: number, forms: Array<{ id: string, name: string, state: string, result: unknown, workerId: string | null, workerName: string | null, kudos: number | null }> } | null }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'LimitError', code: string, message: string }
    | { __typename: 'ValidationError', field: string | null, code: string, message: string }
   };

export type AlchemyRequestQueryVariables = Exact<{
  id: string | number;
}>;


export type AlchemyRequestQuery = { alchemyRequest: { id: string, done: boolean, state: string, width: number, height: number, imageTiles: number, sourceImageUrl: string, trustedWorkers: boolean, slowWorkers: boolean, cancelled: boolean, kudos: number, forms: Array<{ id: string, name: string, state: string, result: unknown, workerId: string | null, workerName: string | null, kudos: number | null }> } | null };

export type AlchemyJobFieldsFragment = { id: string, form: string, payload: unknown, sourceImageUrl: string, imageTiles: number, width: number, height: number, ttl: number, deadline: string };

export type PopAlchemyJobMutationVariables = Exact<{
  input: PopAlchemyJobInput;
}>;


export type PopAlchemyJobMutation = { popAlchemyJob:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'PopAlchemyJobPayload', jobs: Array<{ id: string, form: string, payload: unknown, sourceImageUrl: string, imageTiles: number, width: number, height: number, ttl: number, deadline: string }> }
    | { __typename: 'ValidationError', field: string | null, code: string, message: string }
   };

export type SubmitAlchemyJobMutationVariables = Exact<{
  input: SubmitAlchemyJobInput;
}>;


export type SubmitAlchemyJobMutation = { submitAlchemyJob:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'SubmitAlchemyJobPayload', reward: number }
    | { __typename: 'ValidationError', field: string | null, code: string, message: string }
   };

export type CancelAlchemyRequestMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelAlchemyRequestMutation = { cancelAlchemyRequest:
    | { __typename: 'CancelAlchemyRequestPayload', request: { id: string, done: boolean, state: string, width: number, height: number, imageTiles: number, sourceImageUrl: string, trustedWorkers: boolean, slowWorkers: boolean, cancelled: boolean, kudos: number, forms: Array<{ id: string, name: string, state: string, result: unknown, workerId: string | null, workerName: string | null, kudos: number | null }> } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type AlchemyRequestUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type AlchemyRequestUpdatedSubscription = { alchemyRequestUpdated: { id: string, done: boolean, state: string, width: number, height: number, imageTiles: number, sourceImageUrl: string, trustedWorkers: boolean, slowWorkers: boolean, cancelled: boolean, kudos: number, forms: Array<{ id: string, name: string, state: string, result: unknown, workerId: string | null, workerName: string | null, kudos: number | null }> } };

export type AlchemyJobAssignedSubscriptionVariables = Exact<{
  input: PopAlchemyJobInput;
}>;


export type AlchemyJobAssignedSubscription = { alchemyJobAssigned: { id: string, form: string, payload: unknown, sourceImageUrl: string, imageTiles: number, width: number, height: number, ttl: number, deadline: string } };

export type AllWorkerStatsFragment = { requestsFulfilled: number, kudosRewarded: number, megapixelsteps: number, uptime: number, performance: number, uncompletedJobs: number, faultedJobs: number, timedOutJobs: number, kudosDetails: { generated: number, uptime: number }, lastHour: { jobs: number, megapixelsteps: number }, lastDay: { jobs: number, megapixelsteps: number }, lastMonth: { jobs: number, megapixelsteps: number }, recentPerformance: { jobs: number, megapixelstepsPerSecond: number } | null, topModels: Array<{ model: string, jobs: number }> };

export type WorkersWithStatsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: WorkerFilter | null | undefined;
  orderBy?: WorkerOrder | null | undefined;
}>;


export type WorkersWithStatsQuery = { workers: { edges: Array<{ cursor: string, node: { id: string, name: string, owner: { id: string }, stats: { requestsFulfilled: number, kudosRewarded: number, megapixelsteps: number, uptime: number, performance: number, uncompletedJobs: number, faultedJobs: number, timedOutJobs: number, kudosDetails: { generated: number, uptime: number }, lastHour: { jobs: number, megapixelsteps: number }, lastDay: { jobs: number, megapixelsteps: number }, lastMonth: { jobs: number, megapixelsteps: number }, recentPerformance: { jobs: number, megapixelstepsPerSecond: number } | null, topModels: Array<{ model: string, jobs: number }> } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WorkerWithStatsQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkerWithStatsQuery = { worker: { id: string, stats: { requestsFulfilled: number, kudosRewarded: number, megapixelsteps: number, uptime: number, performance: number, uncompletedJobs: number, faultedJobs: number, timedOutJobs: number, kudosDetails: { generated: number, uptime: number }, lastHour: { jobs: number, megapixelsteps: number }, lastDay: { jobs: number, megapixelsteps: number }, lastMonth: { jobs: number, megapixelsteps: number }, recentPerformance: { jobs: number, megapixelstepsPerSecond: number } | null, topModels: Array<{ model: string, jobs: number }> } } | null };

export type AllUserStatsFragment = { id: string, username: string, kudos: number, kudosDetails: { generated: number, uptime: number, received: number, given: number, spent: number, awarded: number }, stats: { contributions: number, requestsFulfilled: number, requestsMade: number, imagesGenerated: number, megapixelstepsReceived: number } };

export type UsersWithStatsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type UsersWithStatsQuery = { users: { edges: Array<{ node: { id: string, username: string, kudos: number, kudosDetails: { generated: number, uptime: number, received: number, given: number, spent: number, awarded: number }, stats: { contributions: number, requestsFulfilled: number, requestsMade: number, imagesGenerated: number, megapixelstepsReceived: number } } }> } };

export type UserWithStatsQueryVariables = Exact<{
  id: string | number;
}>;


export type UserWithStatsQuery = { user: { id: string, username: string, kudos: number, kudosDetails: { generated: number, uptime: number, received: number, given: number, spent: number, awarded: number }, stats: { contributions: number, requestsFulfilled: number, requestsMade: number, imagesGenerated: number, megapixelstepsReceived: number } } | null };

export type TopUsersQueryVariables = Exact<{
  by?: UserRanking | null | undefined;
  first?: number | null | undefined;
}>;


export type TopUsersQuery = { topUsers: Array<{ rank: number, value: number, user: { id: string, username: string, kudos: number, kudosDetails: { generated: number, uptime: number, received: number, given: number, spent: number, awarded: number }, stats: { contributions: number, requestsFulfilled: number, requestsMade: number, imagesGenerated: number, megapixelstepsReceived: number } } | null }> };

export type TopWorkersQueryVariables = Exact<{
  by?: WorkerRanking | null | undefined;
  first?: number | null | undefined;
}>;


export type TopWorkersQuery = { topWorkers: Array<{ rank: number, value: number, worker: { id: string, name: string, stats: { requestsFulfilled: number, kudosRewarded: number, megapixelsteps: number, uptime: number, performance: number, uncompletedJobs: number, faultedJobs: number, timedOutJobs: number, kudosDetails: { generated: number, uptime: number }, lastHour: { jobs: number, megapixelsteps: number }, lastDay: { jobs: number, megapixelsteps: number }, lastMonth: { jobs: number, megapixelsteps: number }, recentPerformance: { jobs: number, megapixelstepsPerSecond: number } | null, topModels: Array<{ model: string, jobs: number }> } } | null }> };

export type MyRequestsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type MyRequestsQuery = { me: { id: string, requests: { edges: Array<{ cursor: string, node: { id: string, n: number, finished: number, done: boolean, queuePosition: number, waitTime: number, isPossible: boolean, createdAt: string, generations: Array<{ id: string, model: string }> } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, endCursor: string | null, startCursor: string | null } } | null } };

export type UserRequestsQueryVariables = Exact<{
  id: string | number;
}>;


export type UserRequestsQuery = { user: { id: string, requests: { edges: Array<{ node: { id: string } }> } | null } | null };

export type HordeStatusFieldsFragment = { queuedRequests: number, queuedJobs: number, queuedMegapixelsteps: number, processingJobs: number, workersOnline: number, threadsOnline: number, textWorkersOnline: number, textThreadsOnline: number, interrogatorsOnline: number, interrogatorThreadsOnline: number, pastMinuteImages: number, pastMinuteMegapixelsteps: number, maintenance: boolean, inviteOnly: boolean, raid: boolean | null, at: string };

export type HordeStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type HordeStatusQuery = { hordeStatus: { queuedRequests: number, queuedJobs: number, queuedMegapixelsteps: number, processingJobs: number, workersOnline: number, threadsOnline: number, textWorkersOnline: number, textThreadsOnline: number, interrogatorsOnline: number, interrogatorThreadsOnline: number, pastMinuteImages: number, pastMinuteMegapixelsteps: number, maintenance: boolean, inviteOnly: boolean, raid: boolean | null, at: string } };

export type HordeStatusUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type HordeStatusUpdatedSubscription = { hordeStatusUpdated: { queuedRequests: number, queuedJobs: number, queuedMegapixelsteps: number, processingJobs: number, workersOnline: number, threadsOnline: number, textWorkersOnline: number, textThreadsOnline: number, interrogatorsOnline: number, interrogatorThreadsOnline: number, pastMinuteImages: number, pastMinuteMegapixelsteps: number, maintenance: boolean, inviteOnly: boolean, raid: boolean | null, at: string } };

export type ImageStatsQueryVariables = Exact<{
  state?: ModelState | null | undefined;
}>;


export type ImageStatsQuery = { imageStats: { rolledUpTo: string | null, minute: { images: number, pixelsteps: number }, hour: { images: number, pixelsteps: number }, day: { images: number, pixelsteps: number }, month: { images: number, pixelsteps: number }, total: { images: number, pixelsteps: number }, models: Array<{ name: string, day: number, month: number, total: number }> } };

export type ModelFieldsFragment = { name: string, type: WorkerKind, baseline: string, workerCount: number, count: number, jobs: number, queued: number, eta: number | null, performance: number | null, generations: { day: number, month: number, total: number } };

export type ModelStatsQueryVariables = Exact<{
  kind?: WorkerKind | null | undefined;
}>;


export type ModelStatsQuery = { models: Array<{ name: string, type: WorkerKind, baseline: string, workerCount: number, count: number, jobs: number, queued: number, eta: number | null, performance: number | null, generations: { day: number, month: number, total: number } }> };

export type OneModelQueryVariables = Exact<{
  name: string;
}>;


export type OneModelQuery = { model: { name: string, type: WorkerKind, baseline: string, workerCount: number, count: number, jobs: number, queued: number, eta: number | null, performance: number | null, generations: { day: number, month: number, total: number } } | null };

export type LorasQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type LorasQuery = { imageStats: { loras: Array<{ name: string, day: number, month: number, total: number }> } };

export type TransferKudosMutationVariables = Exact<{
  input: TransferKudosInput;
}>;


export type TransferKudosMutation = { transferKudos:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'KudosError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'TransferKudosPayload', transferred: number, replayed: boolean, transfer: { id: string, amount: number, source: { id: string }, destination: { id: string } } }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type AwardKudosMutationVariables = Exact<{
  input: AwardKudosInput;
}>;


export type AwardKudosMutation = { awardKudos:
    | { __typename: 'AwardKudosPayload', awarded: number, user: { id: string, kudos: number } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'KudosError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type CreateSharedKeyMutationVariables = Exact<{
  input: CreateSharedKeyInput;
}>;


export type CreateSharedKeyMutation = { createSharedKey:
    | { __typename: 'CreateSharedKeyPayload', key: string, sharedKey: { id: string, name: string, kudos: number, utilized: number, expiresAt: string | null, expired: boolean, maxImagePixels: number, maxImageSteps: number, maxTextTokens: number, owner: { id: string } } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'LimitError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type UpdateSharedKeyMutationVariables = Exact<{
  input: UpdateSharedKeyInput;
}>;


export type UpdateSharedKeyMutation = { updateSharedKey:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'UpdateSharedKeyPayload', sharedKey: { id: string, name: string, kudos: number, utilized: number, expiresAt: string | null, expired: boolean, maxImagePixels: number, maxImageSteps: number, maxTextTokens: number } }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type DeleteSharedKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteSharedKeyMutation = { deleteSharedKey:
    | { __typename: 'DeleteSharedKeyPayload', id: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type UserKudosQueryVariables = Exact<{
  id: string | number;
}>;


export type UserKudosQuery = { user: { kudos: number, concurrency: number, workerCount: number, kudosDetails: { generated: number, uptime: number, received: number, given: number, spent: number, sharedKeySpent: number, awarded: number } } | null };

export type UserKudosHistoryQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type UserKudosHistoryQuery = { user: { kudosHistory: { edges: Array<{ cursor: string, node: { kind: KudosLedgerKind, amount: number } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, endCursor: string | null, startCursor: string | null } } | null } | null };

export type UsersAwardedQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type UsersAwardedQuery = { users: { edges: Array<{ node: { id: string, kudosDetails: { awarded: number } } }> } };

export type MyLatestKudosQueryVariables = Exact<{ [key: string]: never; }>;


export type MyLatestKudosQuery = { me: { kudosHistory: { edges: Array<{ node: { kind: KudosLedgerKind, amount: number, transferId: string | null, counterpart: { id: string } | null } }> } | null } };

export type CreateImageRequestMutationVariables = Exact<{
  input: CreateImageRequestInput;
}>;


export type CreateImageRequestMutation = { createImageRequest:
    | { __typename: 'CreateImageRequestPayload', kudos: number, warnings: Array<string>, request: { id: string, n: number, waiting: number, processing: number, finished: number, done: boolean } | null }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'KudosError', code: string, message: string }
    | { __typename: 'LimitError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type SubmitImageJobMutationVariables = Exact<{
  input: SubmitImageJobInput;
}>;


export type SubmitImageJobMutation = { submitImageJob:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'SubmitImageJobPayload', reward: number }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type ImageRequestStatusQueryVariables = Exact<{
  id: string | number;
}>;


export type ImageRequestStatusQuery = { imageRequest: { id: string, n: number, waiting: number, processing: number, finished: number, restarted: number, faulted: boolean, done: boolean, cancelled: boolean, expired: boolean, kudos: number, queuePosition: number, waitTime: number, isPossible: boolean, generations: Array<{ id: string, imageUrl: string, seed: string, model: string, workerId: string, workerName: string, censored: boolean, state: GenerationState }> } | null };

export type ImageRequestUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ImageRequestUpdatedSubscription = { imageRequestUpdated: { id: string, waiting: number, processing: number, finished: number, done: boolean, cancelled: boolean, generations: Array<{ id: string, imageUrl: string, state: GenerationState }> } };

export type PopImageJobMutationVariables = Exact<{
  input: PopImageJobInput;
}>;


export type PopImageJobMutation = { popImageJob:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'PopImageJobPayload', jobs: Array<{ id: string, prompt: string, model: string, ttl: number, sourceImageUrl: string | null, sourceProcessing: string | null, params: { width: number, height: number, steps: number, seed: string, samplerName: string } }> }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type ImageJobAssignedSubscriptionVariables = Exact<{
  input: PopImageJobInput;
}>;


export type ImageJobAssignedSubscription = { imageJobAssigned: { id: string, prompt: string, model: string, ttl: number, params: { width: number, height: number, steps: number, seed: string } } };

export type CancelImageRequestMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelImageRequestMutation = { cancelImageRequest:
    | { __typename: 'CancelImageRequestPayload', request: { id: string, cancelled: boolean, done: boolean, waiting: number, processing: number, finished: number } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type RateImageMutationVariables = Exact<{
  input: RateImageInput;
}>;


export type RateImageMutation = { rateImage:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'RateImagePayload', reward: number }
    | { __typename: 'ValidationError', code: string, message: string, field: string | null }
   };

export type ImagesToRateQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type ImagesToRateQuery = { imagesToRate: Array<{ id: string, imageUrl: string, prompt: string, model: string, width: number, height: number }> };

export type RequestSharingQueryVariables = Exact<{
  id: string | number;
}>;


export type RequestSharingQuery = { imageRequest: { id: string, shared: boolean, done: boolean, generations: Array<{ id: string, imageUrl: string, state: GenerationState }> } | null };

export type UsersWithKeysAndHistoryQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type UsersWithKeysAndHistoryQuery = { users: { edges: Array<{ node: { id: string, username: string, sharedKeys: Array<{ id: string, name: string, owner: { id: string } }> | null, kudosHistory: { edges: Array<{ node: { id: string, amount: number, counterpart: { id: string, username: string } | null } }> } | null } }> } };

export type MyLedgerCounterpartsQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type MyLedgerCounterpartsQuery = { me: { kudosHistory: { edges: Array<{ node: { id: string, kind: KudosLedgerKind, counterpart: { id: string, username: string, alias: string } | null } }> } | null } };

export type RegisterUserFieldMutationVariables = Exact<{
  input: RegisterUserInput;
}>;


export type RegisterUserFieldMutation = { registerUser:
    | { __typename: 'ForbiddenError', code: string }
    | { __typename: 'RegisterUserPayload', user: { username: string } }
    | { __typename: 'ValidationError', code: string, field: string | null }
   };

export type PopImageJobFieldMutationVariables = Exact<{
  input: PopImageJobInput;
}>;


export type PopImageJobFieldMutation = { popImageJob:
    | { __typename: 'ForbiddenError', code: string }
    | { __typename: 'PopImageJobPayload' }
    | { __typename: 'ValidationError', code: string, field: string | null }
   };

export type CreateImageRequestFieldMutationVariables = Exact<{
  input: CreateImageRequestInput;
}>;


export type CreateImageRequestFieldMutation = { createImageRequest:
    | { __typename: 'CreateImageRequestPayload', kudos: number }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'KudosError', code: string, message: string }
    | { __typename: 'LimitError', code: string, message: string }
    | { __typename: 'ValidationError', field: string | null, code: string, message: string }
   };

export type TextRequestFieldsFragment = { id: string, n: number, models: Array<string>, maxLength: number, maxContextLength: number, softprompt: string, waiting: number, processing: number, finished: number, restarted: number, faulted: boolean, done: boolean, cancelled: boolean, kudos: number, generations: Array<{ id: string, text: string, model: string, seed: string, workerId: string, workerName: string, state: GenerationState, tokens: number, kudos: number }> };

export type CreateTextRequestMutationVariables = Exact<{
  input: CreateTextRequestInput;
}>;


export type CreateTextRequestMutation = { createTextRequest:
    | { __typename: 'CreateTextRequestPayload', kudos: number, warnings: Array<string>, request: { id: string, n: number, models: Array<string>, maxLength: number, maxContextLength: number, softprompt: string, waiting: number, processing: number, finished: number, restarted: number, faulted: boolean, done: boolean, cancelled: boolean, kudos: number, generations: Array<{ id: string, text: string, model: string, seed: string, workerId: string, workerName: string, state: GenerationState, tokens: number, kudos: number }> } | null }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'KudosError', code: string, message: string }
    | { __typename: 'LimitError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string, field: string | null }
   };

export type CancelTextRequestMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelTextRequestMutation = { cancelTextRequest:
    | { __typename: 'CancelTextRequestPayload', request: { id: string, n: number, models: Array<string>, maxLength: number, maxContextLength: number, softprompt: string, waiting: number, processing: number, finished: number, restarted: number, faulted: boolean, done: boolean, cancelled: boolean, kudos: number, generations: Array<{ id: string, text: string, model: string, seed: string, workerId: string, workerName: string, state: GenerationState, tokens: number, kudos: number }> } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type TextRequestStatusQueryVariables = Exact<{
  id: string | number;
}>;


export type TextRequestStatusQuery = { textRequest: { id: string, n: number, models: Array<string>, maxLength: number, maxContextLength: number, softprompt: string, waiting: number, processing: number, finished: number, restarted: number, faulted: boolean, done: boolean, cancelled: boolean, kudos: number, generations: Array<{ id: string, text: string, model: string, seed: string, workerId: string, workerName: string, state: GenerationState, tokens: number, kudos: number }> } | null };

export type TextRequestUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type TextRequestUpdatedSubscription = { textRequestUpdated: { id: string, n: number, models: Array<string>, maxLength: number, maxContextLength: number, softprompt: string, waiting: number, processing: number, finished: number, restarted: number, faulted: boolean, done: boolean, cancelled: boolean, kudos: number, generations: Array<{ id: string, text: string, model: string, seed: string, workerId: string, workerName: string, state: GenerationState, tokens: number, kudos: number }> } };

export type TextJobFieldsFragment = { id: string, prompt: string, model: string, softprompt: string, ttl: number, deadline: string, params: { n: number, maxLength: number, maxContextLength: number, temperature: number | null, topK: number | null, samplerOrder: Array<number> | null, stopSequence: Array<string> | null, singleline: boolean | null } };

export type PopTextJobMutationVariables = Exact<{
  input: PopTextJobInput;
}>;


export type PopTextJobMutation = { popTextJob:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'PopTextJobPayload', jobs: Array<{ id: string, prompt: string, model: string, softprompt: string, ttl: number, deadline: string, params: { n: number, maxLength: number, maxContextLength: number, temperature: number | null, topK: number | null, samplerOrder: Array<number> | null, stopSequence: Array<string> | null, singleline: boolean | null } }> }
    | { __typename: 'ValidationError', code: string, message: string, field: string | null }
   };

export type SubmitTextJobMutationVariables = Exact<{
  input: SubmitTextJobInput;
}>;


export type SubmitTextJobMutation = { submitTextJob:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'SubmitTextJobPayload', reward: number }
    | { __typename: 'ValidationError', code: string, message: string, field: string | null }
   };

export type TextJobAssignedSubscriptionVariables = Exact<{
  input: PopTextJobInput;
}>;


export type TextJobAssignedSubscription = { textJobAssigned: { id: string, prompt: string, model: string, softprompt: string, ttl: number, deadline: string, params: { n: number, maxLength: number, maxContextLength: number, temperature: number | null, topK: number | null, samplerOrder: Array<number> | null, stopSequence: Array<string> | null, singleline: boolean | null } } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, username: string, anonymous: boolean } };

export type RegisterUserMutationVariables = Exact<{
  username: string;
}>;


export type RegisterUserMutation = { registerUser:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'RegisterUserPayload', apiKey: string, user: { id: string, username: string, alias: string, kudos: number } }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type UserQueryVariables = Exact<{
  id: string | number;
}>;


export type UserQuery = { user: { id: string, username: string } | null };

export type UsersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type UsersQuery = { users: { edges: Array<{ cursor: string, node: { id: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type MyKudosQueryVariables = Exact<{ [key: string]: never; }>;


export type MyKudosQuery = { me: { id: string, kudos: number, kudosDetails: { uptime: number, awarded: number, spent: number, sharedKeySpent: number } } };

export type MySharedKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type MySharedKeysQuery = { me: { sharedKeys: Array<{ id: string, name: string, kudos: number, expired: boolean }> | null } };

export type UserSharedKeysQueryVariables = Exact<{
  id: string | number;
}>;


export type UserSharedKeysQuery = { user: { sharedKeys: Array<{ name: string }> | null } | null };

export type PopImageJobProtocolMutationVariables = Exact<{
  input: PopImageJobInput;
}>;


export type PopImageJobProtocolMutation = { popImageJob:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'PopImageJobPayload', jobs: Array<{ id: string, useNsfwCensor: boolean, params: { seed: string } }> }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type SubmitImageJobProtocolMutationVariables = Exact<{
  input: SubmitImageJobInput;
}>;


export type SubmitImageJobProtocolMutation = { submitImageJob:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'SubmitImageJobPayload', reward: number }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type GenerationMetadataQueryVariables = Exact<{
  id: string | number;
}>;


export type GenerationMetadataQuery = { imageRequest: { generations: Array<{ id: string, state: GenerationState, censored: boolean, genMetadata: Array<{ type: GenMetadataType, value: GenMetadataValue, ref: string | null }> }> } | null };

export type SkippedCountsFragment = { requests: number, models: number, workerId: number, maxPixels: number, img2img: number, painting: number, nsfw: number, lora: number, postProcessing: number, controlnet: number, performance: number, untrusted: number, blacklist: number, stepCount: number, kudos: number, extraSlowWorker: number };

export type PopWithSkippedMutationVariables = Exact<{
  input: PopImageJobInput;
}>;


export type PopWithSkippedMutation = { popImageJob:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'PopImageJobPayload', jobs: Array<{ id: string, model: string, ttl: number }>, skipped: { requests: number, models: number, workerId: number, maxPixels: number, img2img: number, painting: number, nsfw: number, lora: number, postProcessing: number, controlnet: number, performance: number, untrusted: number, blacklist: number, stepCount: number, kudos: number, extraSlowWorker: number } | null }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type WorkerDeclaredQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkerDeclaredQuery = { worker: { id: string, models: Array<string>, sdxlControlnet: boolean, extraSlowWorker: boolean, limitMaxSteps: boolean, skipped: { requests: number, models: number, workerId: number, maxPixels: number, img2img: number, painting: number, nsfw: number, lora: number, postProcessing: number, controlnet: number, performance: number, untrusted: number, blacklist: number, stepCount: number, kudos: number, extraSlowWorker: number } | null } | null };

export type WorkerQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkerQuery = { worker: { id: string, name: string, online: boolean, models: Array<string>, trusted: boolean, maintenance: boolean, paused: boolean, owner: { id: string }, stats: { uptime: number, kudosRewarded: number } } | null };

export type SetWorkerMaintenanceMutationVariables = Exact<{
  input: SetWorkerMaintenanceInput;
}>;


export type SetWorkerMaintenanceMutation = { setWorkerMaintenance:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'SetWorkerMaintenancePayload', worker: { id: string, maintenance: boolean } }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type ModelsQueryVariables = Exact<{ [key: string]: never; }>;


export type ModelsQuery = { models: Array<{ name: string, baseline: string, nsfw: boolean, inpainting: boolean, workerCount: number, queued: number }> };

export type WorkersQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkersQuery = { workers: { edges: Array<{ node: { id: string, name: string, online: boolean, models: Array<string> } }> } };

export const AlchemyRequestFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"trustedWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"slowWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"forms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"result"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<AlchemyRequestFieldsFragment, unknown>;
export const AlchemyJobFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"form"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}}]}}]} as unknown as DocumentNode<AlchemyJobFieldsFragment, unknown>;
export const AllWorkerStatsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllWorkerStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"kudosRewarded"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}}]}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"uncompletedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"faultedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"timedOutJobs"}},{"kind":"Field","name":{"kind":"Name","value":"lastHour"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastDay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastMonth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recentPerformance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsPerSecond"}}]}},{"kind":"Field","name":{"kind":"Name","value":"topModels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"jobs"}}]}}]}}]} as unknown as DocumentNode<AllWorkerStatsFragment, unknown>;
export const AllUserStatsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllUserStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"given"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"awarded"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contributions"}},{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"requestsMade"}},{"kind":"Field","name":{"kind":"Name","value":"imagesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsReceived"}}]}}]}}]} as unknown as DocumentNode<AllUserStatsFragment, unknown>;
export const HordeStatusFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HordeStatusFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"HordeStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"queuedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"queuedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"queuedMegapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"processingJobs"}},{"kind":"Field","name":{"kind":"Name","value":"workersOnline"}},{"kind":"Field","name":{"kind":"Name","value":"threadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"textWorkersOnline"}},{"kind":"Field","name":{"kind":"Name","value":"textThreadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"interrogatorsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"interrogatorThreadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"pastMinuteImages"}},{"kind":"Field","name":{"kind":"Name","value":"pastMinuteMegapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"maintenance"}},{"kind":"Field","name":{"kind":"Name","value":"inviteOnly"}},{"kind":"Field","name":{"kind":"Name","value":"raid"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]} as unknown as DocumentNode<HordeStatusFieldsFragment, unknown>;
export const ModelFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ModelFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Model"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"workerCount"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"queued"}},{"kind":"Field","name":{"kind":"Name","value":"eta"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<ModelFieldsFragment, unknown>;
export const TextRequestFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"restarted"}},{"kind":"Field","name":{"kind":"Name","value":"faulted"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<TextRequestFieldsFragment, unknown>;
export const TextJobFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"temperature"}},{"kind":"Field","name":{"kind":"Name","value":"topK"}},{"kind":"Field","name":{"kind":"Name","value":"samplerOrder"}},{"kind":"Field","name":{"kind":"Name","value":"stopSequence"}},{"kind":"Field","name":{"kind":"Name","value":"singleline"}}]}}]}}]} as unknown as DocumentNode<TextJobFieldsFragment, unknown>;
export const SkippedCountsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SkippedCounts"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopSkipped"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"maxPixels"}},{"kind":"Field","name":{"kind":"Name","value":"img2img"}},{"kind":"Field","name":{"kind":"Name","value":"painting"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}},{"kind":"Field","name":{"kind":"Name","value":"lora"}},{"kind":"Field","name":{"kind":"Name","value":"postProcessing"}},{"kind":"Field","name":{"kind":"Name","value":"controlnet"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"untrusted"}},{"kind":"Field","name":{"kind":"Name","value":"blacklist"}},{"kind":"Field","name":{"kind":"Name","value":"stepCount"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"extraSlowWorker"}}]}}]} as unknown as DocumentNode<SkippedCountsFragment, unknown>;
export const CreateAlchemyRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAlchemyRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAlchemyRequestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAlchemyRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAlchemyRequestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlchemyRequestFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"trustedWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"slowWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"forms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"result"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<CreateAlchemyRequestMutation, CreateAlchemyRequestMutationVariables>;
export const AlchemyRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AlchemyRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alchemyRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlchemyRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"trustedWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"slowWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"forms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"result"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<AlchemyRequestQuery, AlchemyRequestQueryVariables>;
export const PopAlchemyJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PopAlchemyJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopAlchemyJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"popAlchemyJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopAlchemyJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlchemyJobFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"form"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}}]}}]} as unknown as DocumentNode<PopAlchemyJobMutation, PopAlchemyJobMutationVariables>;
export const SubmitAlchemyJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitAlchemyJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitAlchemyJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitAlchemyJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitAlchemyJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reward"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SubmitAlchemyJobMutation, SubmitAlchemyJobMutationVariables>;
export const CancelAlchemyRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelAlchemyRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelAlchemyRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CancelAlchemyRequestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlchemyRequestFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"trustedWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"slowWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"forms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"result"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<CancelAlchemyRequestMutation, CancelAlchemyRequestMutationVariables>;
export const AlchemyRequestUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AlchemyRequestUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alchemyRequestUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlchemyRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"trustedWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"slowWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"forms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"result"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<AlchemyRequestUpdatedSubscription, AlchemyRequestUpdatedSubscriptionVariables>;
export const AlchemyJobAssignedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AlchemyJobAssigned"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopAlchemyJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alchemyJobAssigned"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlchemyJobFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlchemyJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlchemyJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"form"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"imageTiles"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}}]}}]} as unknown as DocumentNode<AlchemyJobAssignedSubscription, AlchemyJobAssignedSubscriptionVariables>;
export const WorkersWithStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WorkersWithStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerOrder"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AllWorkerStats"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllWorkerStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"kudosRewarded"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}}]}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"uncompletedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"faultedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"timedOutJobs"}},{"kind":"Field","name":{"kind":"Name","value":"lastHour"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastDay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastMonth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recentPerformance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsPerSecond"}}]}},{"kind":"Field","name":{"kind":"Name","value":"topModels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"jobs"}}]}}]}}]} as unknown as DocumentNode<WorkersWithStatsQuery, WorkersWithStatsQueryVariables>;
export const WorkerWithStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WorkerWithStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"worker"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AllWorkerStats"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllWorkerStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"kudosRewarded"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}}]}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"uncompletedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"faultedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"timedOutJobs"}},{"kind":"Field","name":{"kind":"Name","value":"lastHour"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastDay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastMonth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recentPerformance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsPerSecond"}}]}},{"kind":"Field","name":{"kind":"Name","value":"topModels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"jobs"}}]}}]}}]} as unknown as DocumentNode<WorkerWithStatsQuery, WorkerWithStatsQueryVariables>;
export const UsersWithStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsersWithStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AllUserStats"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllUserStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"given"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"awarded"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contributions"}},{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"requestsMade"}},{"kind":"Field","name":{"kind":"Name","value":"imagesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsReceived"}}]}}]}}]} as unknown as DocumentNode<UsersWithStatsQuery, UsersWithStatsQueryVariables>;
export const UserWithStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserWithStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AllUserStats"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllUserStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"given"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"awarded"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contributions"}},{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"requestsMade"}},{"kind":"Field","name":{"kind":"Name","value":"imagesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsReceived"}}]}}]}}]} as unknown as DocumentNode<UserWithStatsQuery, UserWithStatsQueryVariables>;
export const TopUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TopUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"by"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"UserRanking"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"topUsers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"Variable","name":{"kind":"Name","value":"by"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AllUserStats"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllUserStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"given"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"awarded"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contributions"}},{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"requestsMade"}},{"kind":"Field","name":{"kind":"Name","value":"imagesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsReceived"}}]}}]}}]} as unknown as DocumentNode<TopUsersQuery, TopUsersQueryVariables>;
export const TopWorkersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TopWorkers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"by"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerRanking"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"topWorkers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"Variable","name":{"kind":"Name","value":"by"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"worker"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AllWorkerStats"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AllWorkerStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestsFulfilled"}},{"kind":"Field","name":{"kind":"Name","value":"kudosRewarded"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}}]}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"uncompletedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"faultedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"timedOutJobs"}},{"kind":"Field","name":{"kind":"Name","value":"lastHour"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastDay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastMonth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recentPerformance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"megapixelstepsPerSecond"}}]}},{"kind":"Field","name":{"kind":"Name","value":"topModels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"jobs"}}]}}]}}]} as unknown as DocumentNode<TopWorkersQuery, TopWorkersQueryVariables>;
export const MyRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyRequests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"requests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"waitTime"}},{"kind":"Field","name":{"kind":"Name","value":"isPossible"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"model"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyRequestsQuery, MyRequestsQueryVariables>;
export const UserRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserRequests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"requests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<UserRequestsQuery, UserRequestsQueryVariables>;
export const HordeStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HordeStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hordeStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HordeStatusFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HordeStatusFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"HordeStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"queuedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"queuedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"queuedMegapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"processingJobs"}},{"kind":"Field","name":{"kind":"Name","value":"workersOnline"}},{"kind":"Field","name":{"kind":"Name","value":"threadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"textWorkersOnline"}},{"kind":"Field","name":{"kind":"Name","value":"textThreadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"interrogatorsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"interrogatorThreadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"pastMinuteImages"}},{"kind":"Field","name":{"kind":"Name","value":"pastMinuteMegapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"maintenance"}},{"kind":"Field","name":{"kind":"Name","value":"inviteOnly"}},{"kind":"Field","name":{"kind":"Name","value":"raid"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]} as unknown as DocumentNode<HordeStatusQuery, HordeStatusQueryVariables>;
export const HordeStatusUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"HordeStatusUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hordeStatusUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HordeStatusFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HordeStatusFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"HordeStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"queuedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"queuedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"queuedMegapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"processingJobs"}},{"kind":"Field","name":{"kind":"Name","value":"workersOnline"}},{"kind":"Field","name":{"kind":"Name","value":"threadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"textWorkersOnline"}},{"kind":"Field","name":{"kind":"Name","value":"textThreadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"interrogatorsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"interrogatorThreadsOnline"}},{"kind":"Field","name":{"kind":"Name","value":"pastMinuteImages"}},{"kind":"Field","name":{"kind":"Name","value":"pastMinuteMegapixelsteps"}},{"kind":"Field","name":{"kind":"Name","value":"maintenance"}},{"kind":"Field","name":{"kind":"Name","value":"inviteOnly"}},{"kind":"Field","name":{"kind":"Name","value":"raid"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]} as unknown as DocumentNode<HordeStatusUpdatedSubscription, HordeStatusUpdatedSubscriptionVariables>;
export const ImageStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImageStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"state"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ModelState"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"minute"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"images"}},{"kind":"Field","name":{"kind":"Name","value":"pixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hour"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"images"}},{"kind":"Field","name":{"kind":"Name","value":"pixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"day"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"images"}},{"kind":"Field","name":{"kind":"Name","value":"pixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"month"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"images"}},{"kind":"Field","name":{"kind":"Name","value":"pixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"images"}},{"kind":"Field","name":{"kind":"Name","value":"pixelsteps"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rolledUpTo"}},{"kind":"Field","name":{"kind":"Name","value":"models"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"state"},"value":{"kind":"Variable","name":{"kind":"Name","value":"state"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]}}]} as unknown as DocumentNode<ImageStatsQuery, ImageStatsQueryVariables>;
export const ModelStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerKind"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"models"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ModelFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ModelFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Model"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"workerCount"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"queued"}},{"kind":"Field","name":{"kind":"Name","value":"eta"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<ModelStatsQuery, ModelStatsQueryVariables>;
export const OneModelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OneModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ModelFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ModelFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Model"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"workerCount"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"jobs"}},{"kind":"Field","name":{"kind":"Name","value":"queued"}},{"kind":"Field","name":{"kind":"Name","value":"eta"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<OneModelQuery, OneModelQueryVariables>;
export const LorasDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Loras"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"loras"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]}}]} as unknown as DocumentNode<LorasQuery, LorasQueryVariables>;
export const TransferKudosDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TransferKudos"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TransferKudosInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transferKudos"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TransferKudosPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transferred"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}},{"kind":"Field","name":{"kind":"Name","value":"transfer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"destination"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<TransferKudosMutation, TransferKudosMutationVariables>;
export const AwardKudosDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AwardKudos"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AwardKudosInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"awardKudos"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AwardKudosPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"awarded"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AwardKudosMutation, AwardKudosMutationVariables>;
export const CreateSharedKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateSharedKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSharedKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSharedKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSharedKeyPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"sharedKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"utilized"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}},{"kind":"Field","name":{"kind":"Name","value":"maxImagePixels"}},{"kind":"Field","name":{"kind":"Name","value":"maxImageSteps"}},{"kind":"Field","name":{"kind":"Name","value":"maxTextTokens"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateSharedKeyMutation, CreateSharedKeyMutationVariables>;
export const UpdateSharedKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateSharedKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateSharedKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateSharedKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateSharedKeyPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sharedKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"utilized"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}},{"kind":"Field","name":{"kind":"Name","value":"maxImagePixels"}},{"kind":"Field","name":{"kind":"Name","value":"maxImageSteps"}},{"kind":"Field","name":{"kind":"Name","value":"maxTextTokens"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateSharedKeyMutation, UpdateSharedKeyMutationVariables>;
export const DeleteSharedKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteSharedKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteSharedKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteSharedKeyPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteSharedKeyMutation, DeleteSharedKeyMutationVariables>;
export const UserKudosDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserKudos"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"concurrency"}},{"kind":"Field","name":{"kind":"Name","value":"workerCount"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generated"}},{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"given"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"sharedKeySpent"}},{"kind":"Field","name":{"kind":"Name","value":"awarded"}}]}}]}}]}}]} as unknown as DocumentNode<UserKudosQuery, UserKudosQueryVariables>;
export const UserKudosHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserKudosHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudosHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UserKudosHistoryQuery, UserKudosHistoryQueryVariables>;
export const UsersAwardedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsersAwarded"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"awarded"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<UsersAwardedQuery, UsersAwardedQueryVariables>;
export const MyLatestKudosDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyLatestKudos"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudosHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"transferId"}},{"kind":"Field","name":{"kind":"Name","value":"counterpart"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyLatestKudosQuery, MyLatestKudosQueryVariables>;
export const CreateImageRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateImageRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateImageRequestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createImageRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateImageRequestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"done"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateImageRequestMutation, CreateImageRequestMutationVariables>;
export const SubmitImageJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitImageJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitImageJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitImageJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitImageJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reward"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SubmitImageJobMutation, SubmitImageJobMutationVariables>;
export const ImageRequestStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImageRequestStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"restarted"}},{"kind":"Field","name":{"kind":"Name","value":"faulted"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"waitTime"}},{"kind":"Field","name":{"kind":"Name","value":"isPossible"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"imageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"censored"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<ImageRequestStatusQuery, ImageRequestStatusQueryVariables>;
export const ImageRequestUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ImageRequestUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageRequestUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"imageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<ImageRequestUpdatedSubscription, ImageRequestUpdatedSubscriptionVariables>;
export const PopImageJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PopImageJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"popImageJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"samplerName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sourceImageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"sourceProcessing"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PopImageJobMutation, PopImageJobMutationVariables>;
export const ImageJobAssignedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ImageJobAssigned"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageJobAssigned"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}}]}}]}}]}}]} as unknown as DocumentNode<ImageJobAssignedSubscription, ImageJobAssignedSubscriptionVariables>;
export const CancelImageRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelImageRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelImageRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CancelImageRequestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CancelImageRequestMutation, CancelImageRequestMutationVariables>;
export const RateImageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RateImage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RateImageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rateImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RateImagePayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reward"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<RateImageMutation, RateImageMutationVariables>;
export const ImagesToRateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImagesToRate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imagesToRate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"imageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}}]}}]}}]} as unknown as DocumentNode<ImagesToRateQuery, ImagesToRateQueryVariables>;
export const RequestSharingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RequestSharing"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"shared"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"imageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<RequestSharingQuery, RequestSharingQueryVariables>;
export const UsersWithKeysAndHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsersWithKeysAndHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"sharedKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"kudosHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"counterpart"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<UsersWithKeysAndHistoryQuery, UsersWithKeysAndHistoryQueryVariables>;
export const MyLedgerCounterpartsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyLedgerCounterparts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudosHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"counterpart"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"alias"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyLedgerCounterpartsQuery, MyLedgerCounterpartsQueryVariables>;
export const RegisterUserFieldDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterUserField"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterUserPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterUserFieldMutation, RegisterUserFieldMutationVariables>;
export const PopImageJobFieldDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PopImageJobField"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"popImageJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<PopImageJobFieldMutation, PopImageJobFieldMutationVariables>;
export const CreateImageRequestFieldDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateImageRequestField"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateImageRequestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createImageRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateImageRequestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateImageRequestFieldMutation, CreateImageRequestFieldMutationVariables>;
export const CreateTextRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateTextRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateTextRequestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createTextRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateTextRequestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TextRequestFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"restarted"}},{"kind":"Field","name":{"kind":"Name","value":"faulted"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<CreateTextRequestMutation, CreateTextRequestMutationVariables>;
export const CancelTextRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelTextRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelTextRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CancelTextRequestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TextRequestFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"restarted"}},{"kind":"Field","name":{"kind":"Name","value":"faulted"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<CancelTextRequestMutation, CancelTextRequestMutationVariables>;
export const TextRequestStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TextRequestStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"textRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TextRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"restarted"}},{"kind":"Field","name":{"kind":"Name","value":"faulted"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<TextRequestStatusQuery, TextRequestStatusQueryVariables>;
export const TextRequestUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"TextRequestUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"textRequestUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TextRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"finished"}},{"kind":"Field","name":{"kind":"Name","value":"restarted"}},{"kind":"Field","name":{"kind":"Name","value":"faulted"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"workerName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}}]} as unknown as DocumentNode<TextRequestUpdatedSubscription, TextRequestUpdatedSubscriptionVariables>;
export const PopTextJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PopTextJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopTextJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"popTextJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopTextJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TextJobFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"temperature"}},{"kind":"Field","name":{"kind":"Name","value":"topK"}},{"kind":"Field","name":{"kind":"Name","value":"samplerOrder"}},{"kind":"Field","name":{"kind":"Name","value":"stopSequence"}},{"kind":"Field","name":{"kind":"Name","value":"singleline"}}]}}]}}]} as unknown as DocumentNode<PopTextJobMutation, PopTextJobMutationVariables>;
export const SubmitTextJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitTextJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitTextJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitTextJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitTextJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reward"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<SubmitTextJobMutation, SubmitTextJobMutationVariables>;
export const TextJobAssignedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"TextJobAssigned"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopTextJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"textJobAssigned"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TextJobFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TextJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TextJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"softprompt"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxContextLength"}},{"kind":"Field","name":{"kind":"Name","value":"temperature"}},{"kind":"Field","name":{"kind":"Name","value":"topK"}},{"kind":"Field","name":{"kind":"Name","value":"samplerOrder"}},{"kind":"Field","name":{"kind":"Name","value":"stopSequence"}},{"kind":"Field","name":{"kind":"Name","value":"singleline"}}]}}]}}]} as unknown as DocumentNode<TextJobAssignedSubscription, TextJobAssignedSubscriptionVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"anonymous"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const RegisterUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterUserPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKey"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"alias"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterUserMutation, RegisterUserMutationVariables>;
export const UserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"User"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}}]}}]}}]} as unknown as DocumentNode<UserQuery, UserQueryVariables>;
export const UsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Users"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<UsersQuery, UsersQueryVariables>;
export const MyKudosDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyKudos"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"kudosDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"awarded"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"sharedKeySpent"}}]}}]}}]}}]} as unknown as DocumentNode<MyKudosQuery, MyKudosQueryVariables>;
export const MySharedKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MySharedKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sharedKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}}]}}]}}]}}]} as unknown as DocumentNode<MySharedKeysQuery, MySharedKeysQueryVariables>;
export const UserSharedKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserSharedKeys"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sharedKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<UserSharedKeysQuery, UserSharedKeysQueryVariables>;
export const PopImageJobProtocolDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PopImageJobProtocol"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"popImageJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"useNsfwCensor"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seed"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PopImageJobProtocolMutation, PopImageJobProtocolMutationVariables>;
export const SubmitImageJobProtocolDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitImageJobProtocol"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitImageJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitImageJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitImageJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reward"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SubmitImageJobProtocolMutation, SubmitImageJobProtocolMutationVariables>;
export const GenerationMetadataDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GenerationMetadata"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"censored"}},{"kind":"Field","name":{"kind":"Name","value":"genMetadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"ref"}}]}}]}}]}}]}}]} as unknown as DocumentNode<GenerationMetadataQuery, GenerationMetadataQueryVariables>;
export const PopWithSkippedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PopWithSkipped"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"popImageJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopImageJobPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"ttl"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skipped"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SkippedCounts"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SkippedCounts"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopSkipped"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"maxPixels"}},{"kind":"Field","name":{"kind":"Name","value":"img2img"}},{"kind":"Field","name":{"kind":"Name","value":"painting"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}},{"kind":"Field","name":{"kind":"Name","value":"lora"}},{"kind":"Field","name":{"kind":"Name","value":"postProcessing"}},{"kind":"Field","name":{"kind":"Name","value":"controlnet"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"untrusted"}},{"kind":"Field","name":{"kind":"Name","value":"blacklist"}},{"kind":"Field","name":{"kind":"Name","value":"stepCount"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"extraSlowWorker"}}]}}]} as unknown as DocumentNode<PopWithSkippedMutation, PopWithSkippedMutationVariables>;
export const WorkerDeclaredDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WorkerDeclared"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"worker"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"sdxlControlnet"}},{"kind":"Field","name":{"kind":"Name","value":"extraSlowWorker"}},{"kind":"Field","name":{"kind":"Name","value":"limitMaxSteps"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SkippedCounts"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SkippedCounts"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PopSkipped"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"maxPixels"}},{"kind":"Field","name":{"kind":"Name","value":"img2img"}},{"kind":"Field","name":{"kind":"Name","value":"painting"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}},{"kind":"Field","name":{"kind":"Name","value":"lora"}},{"kind":"Field","name":{"kind":"Name","value":"postProcessing"}},{"kind":"Field","name":{"kind":"Name","value":"controlnet"}},{"kind":"Field","name":{"kind":"Name","value":"performance"}},{"kind":"Field","name":{"kind":"Name","value":"untrusted"}},{"kind":"Field","name":{"kind":"Name","value":"blacklist"}},{"kind":"Field","name":{"kind":"Name","value":"stepCount"}},{"kind":"Field","name":{"kind":"Name","value":"kudos"}},{"kind":"Field","name":{"kind":"Name","value":"extraSlowWorker"}}]}}]} as unknown as DocumentNode<WorkerDeclaredQuery, WorkerDeclaredQueryVariables>;
export const WorkerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Worker"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"worker"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"models"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"trusted"}},{"kind":"Field","name":{"kind":"Name","value":"maintenance"}},{"kind":"Field","name":{"kind":"Name","value":"paused"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uptime"}},{"kind":"Field","name":{"kind":"Name","value":"kudosRewarded"}}]}}]}}]}}]} as unknown as DocumentNode<WorkerQuery, WorkerQueryVariables>;
export const SetWorkerMaintenanceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetWorkerMaintenance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetWorkerMaintenanceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setWorkerMaintenance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SetWorkerMaintenancePayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"worker"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"maintenance"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SetWorkerMaintenanceMutation, SetWorkerMaintenanceMutationVariables>;
export const ModelsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}},{"kind":"Field","name":{"kind":"Name","value":"inpainting"}},{"kind":"Field","name":{"kind":"Name","value":"workerCount"}},{"kind":"Field","name":{"kind":"Name","value":"queued"}}]}}]}}]} as unknown as DocumentNode<ModelsQuery, ModelsQueryVariables>;
export const WorkersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Workers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"models"}}]}}]}}]}}]}}]} as unknown as DocumentNode<WorkersQuery, WorkersQueryVariables>;