import type { DomainError } from "../errors.ts";
import { GUARD, WORKER_CHECK_IN_FORBIDDEN } from "./error-codes.shared.ts";
import { TEXT_MUTATION_ERRORS } from "./error-codes.text.ts";

/**
 * The error types and codes each mutation can return, kept apart from the types themselves so
 * that the guard (guard.ts, loaded by the builder) can read them without a cycle.
 */

/** The error classes a mutation's union may list. */
export type ErrorClassName =
  | "ValidationError"
  | "NotFoundError"
  | "ForbiddenError"
  | "ConflictError"
  | "KudosError"
  | "LimitError";

/** What one mutation can return besides its payload: error class name → the codes it uses. */
export type ErrorSpec = Partial<Record<ErrorClassName, readonly string[]>>;

const SHARED_KEY_LIMITS = ["SharedKeyMaxPixels", "SharedKeyMaxSteps"] as const;

/**
 * Every mutation's expected errors, read from its service path. The union `<Name>Result` lists
 * exactly these classes and its description these codes; guard.ts checks at run time that a
 * mutation returns nothing else (in tests, an undeclared code fails the operation), so a new
 * code thrown by a service must be added here.
 */
export const MUTATION_ERRORS: Readonly<Record<string, ErrorSpec>> = {
  registerUser: {
    ValidationError: [...GUARD, "InvalidUsername", "InvisibleCharacters", "ProfaneUsername", "UsernameTaken"],
    ForbiddenError: ["TimeoutIP", "RaidMode"],
  },
  transferKudos: {
    ValidationError: [...GUARD, "InvalidIdempotencyKey", "InvalidKudosTransferAmount", "NegativeKudosTransfer"],
    NotFoundError: ["InvalidTargetUsername"],
    ForbiddenError: [
      "SharedKeyForbidden",
      "SharedKeyExpired",
      "SourceAccountFlagged",
      "TargetAccountFlagged",
      "FaultWhenKudosSending",
      "FaultWhenKudosReceiving",
    ],
    ConflictError: ["IdempotencyKeyConflict"],
    KudosError: [
      "KudosTransferFromAnon",
      "KudosTransferToAnon",
      "KudosTransferToSelf",
      "KudosTransferNotEnough",
      "TooFastKudosTransfers",
    ],
  },
  awardKudos: {
    ValidationError: [...GUARD, "InvalidKudosAwardAmount"],
    NotFoundError: ["InvalidTargetUsername"],
    ForbiddenError: ["SharedKeyForbidden", "NotAllowedAwards", "TargetAccountFlagged"],
    KudosError: ["KudosAwardToAnon"],
  },
  createSharedKey: {
    ValidationError: [
      ...GUARD,
      "InvalidSharedKeyName",
      "InvalidSharedKeyKudos",
      "InvalidSharedKeyExpiry",
      "InvalidSharedKeyLimit",
    ],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden"],
    LimitError: ["TooManySharedKeys"],
  },
  updateSharedKey: {
    ValidationError: [
      ...GUARD,
      "InvalidSharedKeyName",
      "InvalidSharedKeyKudos",
      "InvalidSharedKeyExpiry",
      "InvalidSharedKeyLimit",
    ],
    NotFoundError: ["SharedKeyNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden"],
  },
  deleteSharedKey: {
    ValidationError: [...GUARD],
    NotFoundError: ["SharedKeyNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden"],
  },
  createImageRequest: {
    ValidationError: [
      ...GUARD,
      ...SHARED_KEY_LIMITS,
      "ControlNetInpaintingMismatch",
      "ControlNetMismatch",
      "ControlNetSourceMissing",
      "DuplicateLora",
      "DuplicateModel",
      "DuplicatePostProcessor",
      "DuplicateWorker",
      "HiResFixMismatch",
      "InvalidAmount",
      "InvalidCfgScale",
      "InvalidClipSkip",
      "InvalidControlType",
      "InvalidDenoisingStrength",
      "InvalidLora",
      "InvalidPromptSize",
      "InvalidSeed",
      "InvalidSize",
      "InvalidSourceImage",
      "InvalidSourceMask",
      "InvalidSourceProcessing",
      "InvalidSteps",
      "MissingPrompt",
      "SourceImageTooLarge",
      "SourceMaskUnnecessary",
      "TooFewSteps",
      "TooManyLoras",
      "TooManyModels",
      "TooManyPostProcessors",
      "TooManySteps",
      "TooManyUpscalers",
      "TooManyWorkers",
      "UnexpectedModelName",
      "InvalidModelName",
      "UnknownPostProcessor",
      "UnknownSampler",
      "WorkerNotFound",
      "CorruptPrompt",
    ],
    ForbiddenError: ["InvalidAPIKey", "SharedKeyExpired", "TimeoutIP", "MaintenanceMode", "UnsafeIP"],
    KudosError: ["KudosUpfront", "SharedKeyEmpty", "SharedKeyInsufficientKudos"],
    LimitError: ["TooManyPrompts"],
  },
  createAlchemyRequest: {
    ValidationError: [
      ...GUARD,
      "MissingForms",
      "TooManyForms",
      "UnknownForm",
      "InvalidFormPayload",
      "MissingSourceImage",
      "SourceImageConflict",
      "InvalidSourceImage",
      "InvalidSourceImageUrl",
      "SourceImageDownloadFailed",
      "SourceImageTooLarge",
      "SourceImageResolutionExceeded",
    ],
    ForbiddenError: ["SharedKeyForbidden", "TimeoutIP", "MaintenanceMode"],
    LimitError: ["TooManyPrompts"],
  },
  cancelAlchemyRequest: {
    ValidationError: [...GUARD],
    NotFoundError: ["NotFound"],
    ForbiddenError: ["WrongCredentials"],
  },
  popAlchemyJob: {
    ValidationError: [
      ...GUARD,
      "InvalidWorkerName",
      "InvisibleCharacters",
      "TooManyForms",
      "NoValidForms",
      "InvalidMaxTiles",
      "InvalidPriorityUsername",
      "InvalidAmount",
      "InvalidThreads",
      "InvalidMaxConcurrentJobs",
    ],
    ForbiddenError: [...WORKER_CHECK_IN_FORBIDDEN],
  },
  submitAlchemyJob: {
    ValidationError: [...GUARD, "MissingAlchemyResult", "InvalidAlchemyResult", "InvalidImage", "ImageTooLarge"],
    NotFoundError: ["InvalidJobID"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
    ConflictError: ["AbortedGen", "DuplicateGen", "WrongKind"],
  },
  cancelImageRequest: {
    ValidationError: [...GUARD],
    NotFoundError: ["NotFound"],
    ForbiddenError: ["WrongCredentials"],
  },
  setWorkerMaintenance: {
    ValidationError: [...GUARD, "InvalidMaintenanceMessage"],
    NotFoundError: ["WorkerNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WorkerFlaggedMaintenance", "WrongCredentials"],
  },
  updateWorker: {
    ValidationError: [
      ...GUARD,
      "InvalidMaintenanceMessage",
      "InvalidWorkerName",
      "InvisibleCharacters",
      "ProfaneWorkerName",
      "WorkerNameTaken",
      "InvalidWorkerInfo",
      "NoWorkerModSelected",
    ],
    NotFoundError: ["WorkerNotFound", "TeamNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WorkerFlaggedMaintenance", "WrongCredentials"],
  },
  pauseWorker: {
    ValidationError: [...GUARD],
    NotFoundError: ["WorkerNotFound"],
    ForbiddenError: ["NotModerator"],
  },
  deleteWorker: {
    ValidationError: [...GUARD],
    NotFoundError: ["WorkerNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
    ConflictError: ["WorkerLocked"],
  },
  sendWorkerMessage: {
    ValidationError: [...GUARD, "InvalidWorkerMessage", "InvalidExpiry"],
    NotFoundError: ["WorkerNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
  },
  deleteWorkerMessage: {
    ValidationError: [...GUARD],
    NotFoundError: ["WorkerMessageNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
  },
  createTeam: {
    ValidationError: [...GUARD, "InvalidTeamName", "ProfaneTeamName", "InvalidTeamInfo", "TeamNameTaken"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "UntrustedTeamCreation"],
  },
  updateTeam: {
    ValidationError: [
      ...GUARD,
      "InvalidTeamName",
      "ProfaneTeamName",
      "InvalidTeamInfo",
      "TeamNameTaken",
      "NoTeamModSelected",
    ],
    NotFoundError: ["TeamNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
  },
  deleteTeam: {
    ValidationError: [...GUARD],
    NotFoundError: ["TeamNotFound"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
  },
  blockIp: {
    ValidationError: [...GUARD, "InvalidIPAddress", "InvalidTimeout"],
    ForbiddenError: ["NotModerator"],
  },
  unblockIp: {
    ValidationError: [...GUARD, "InvalidIPAddress"],
    NotFoundError: ["NotFound"],
    ForbiddenError: ["NotModerator"],
  },
  blockWorkerIp: {
    ValidationError: [...GUARD, "InvalidIPAddress", "InvalidTimeout"],
    NotFoundError: ["WorkerNotFound"],
    ForbiddenError: ["NotModerator"],
  },
  addPromptFilter: {
    ValidationError: [...GUARD, "InvalidRegex", "InvalidFilterKind"],
    ForbiddenError: ["NotModerator"],
  },
  updatePromptFilter: {
    ValidationError: [...GUARD, "InvalidRegex", "InvalidFilterKind"],
    NotFoundError: ["FilterNotFound"],
    ForbiddenError: ["NotModerator"],
  },
  deletePromptFilter: {
    ValidationError: [...GUARD],
    NotFoundError: ["FilterNotFound"],
    ForbiddenError: ["NotModerator"],
  },
  setHordeModes: {
    ValidationError: [...GUARD],
    ForbiddenError: ["NotModerator", "NotAdmin"],
  },
  setUserRoles: {
    ValidationError: [...GUARD, "NoUserModSelected", "InvalidWorkerInvited", "AnonymousRoles", "ModeratorFlagged"],
    NotFoundError: ["UserNotFound"],
    ForbiddenError: ["NotModerator"],
  },
  popImageJob: {
    ValidationError: [
      ...GUARD,
      "InvalidWorkerName",
      "InvisibleCharacters",
      "ProfaneWorkerName",
      "TooManyModels",
      "NoValidModels",
      "InvalidMaxPixels",
      "TooManyBlacklistWords",
      "InvalidBlacklistWord",
      "InvalidAmount",
      "InvalidThreads",
      "InvalidMaxConcurrentJobs",
      "InvalidModelName",
      "InvalidPriorityUsername",
    ],
    ForbiddenError: [...WORKER_CHECK_IN_FORBIDDEN, "UnsafeIP"],
  },
  rateImage: {
    ValidationError: [...GUARD, "InvalidAesthetic", "InvalidArtifacts"],
    NotFoundError: ["GenerationNotFound"],
    ForbiddenError: [
      "AnonForbidden",
      "SharedKeyForbidden",
      "RequestNotShared",
      "RequestNotFinished",
      "RatingWindowClosed",
    ],
    ConflictError: ["AlreadyRated"],
  },
  rateImageRequest: {
    ValidationError: [
      ...GUARD,
      "InvalidAesthetic",
      "InvalidArtifacts",
      "NothingToRate",
      "TooManyRatings",
      "DuplicateRating",
    ],
    NotFoundError: ["RequestNotFound", "GenerationNotFound"],
    ForbiddenError: [
      "AnonForbidden",
      "SharedKeyForbidden",
      "RequestNotShared",
      "RequestNotFinished",
      "RatingWindowClosed",
    ],
    ConflictError: ["AlreadyRated"],
  },
  submitImageJob: {
    ValidationError: [
      ...GUARD,
      "InvalidSeed",
      "MissingImage",
      "InvalidImage",
      "ImageTooLarge",
      "TooManyGenMetadata",
      "InvalidGenMetadata",
    ],
    NotFoundError: ["InvalidJobID"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
    // WrongKind: the job is a text or alchemy job (the engine settles each kind's own only)
    ConflictError: ["AbortedGen", "DuplicateGen", "WrongKind"],
  },
  ...TEXT_MUTATION_ERRORS,
};

/** A mutation's declared errors as class name → codes, for guard.ts; undefined if undeclared. */
export function declaredErrorsOf(mutation: string): DeclaredErrors | undefined {
  const spec = MUTATION_ERRORS[mutation];
  if (!spec) return undefined;
  let declared = declaredCache.get(mutation);
  if (!declared) {
    declared = new Map(Object.entries(spec).map(([cls, codes]) => [cls, new Set(codes)]));
    declaredCache.set(mutation, declared);
  }
  return declared;
}

export type DeclaredErrors = ReadonlyMap<string, ReadonlySet<string>>;

const declaredCache = new Map<string, DeclaredErrors>();

/** The class name a thrown error is declared under (its own class's name). */
export function errorClassOf(e: DomainError): string {
  return e.constructor.name;
}

/**
 * Codes that only query arguments raise (a bad cursor, page size or filter). A query has no
 * result union: these arrive in `errors[].extensions.code`, with the argument in `field`.
 */
export const QUERY_ERRORS: Readonly<Partial<Record<ErrorClassName, readonly string[]>>> = {
  ValidationError: ["InvalidCursor", "InvalidPageSize", "InvalidFilter"],
  NotFoundError: ["NotFound"],
};
