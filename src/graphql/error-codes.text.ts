import { GUARD, WORKER_CHECK_IN_FORBIDDEN } from "./error-codes.shared.ts";
import type { ErrorSpec } from "./error-codes.ts";

/**
 * The text kind's mutations and their expected errors (issue 12), kept in their own file so the
 * kinds built at once do not all edit one object; error-codes.ts spreads them into
 * MUTATION_ERRORS.
 */

/** What a text worker's declaration may be refused for (pop and feed alike). */
export const TEXT_DECLARATION_CODES = [
  "InvalidWorkerName",
  "InvisibleCharacters",
  "TooManyModels",
  "InvalidModelName",
  "NoValidModels",
  "TooManySoftprompts",
  "InvalidSoftprompt",
  "InvalidMaxLength",
  "InvalidMaxContextLength",
  "InvalidAmount",
  "InvalidThreads",
  "InvalidMaxConcurrentJobs",
] as const;

export const TEXT_MUTATION_ERRORS: Readonly<Record<string, ErrorSpec>> = {
  createTextRequest: {
    ValidationError: [
      ...GUARD,
      "MissingPrompt",
      "InvalidPromptSize",
      "InvalidAmount",
      "InvalidMaxLength",
      "InvalidMaxContextLength",
      "TokenOverflow",
      "InvalidSamplingParameter",
      "NotEnoughSamplers",
      "TooManyStopSequences",
      "ExcessiveStopSequence",
      "TooManyModels",
      "InvalidModelName",
      "DuplicateModel",
      "InvalidSoftprompt",
      "TooManyWorkers",
      "DuplicateWorker",
      "WorkerNotFound",
      "SharedKeyMaxTextTokens",
    ],
    ForbiddenError: ["InvalidAPIKey", "SharedKeyExpired", "TimeoutIP", "MaintenanceMode"],
    KudosError: ["KudosUpfront", "SharedKeyEmpty", "SharedKeyInsufficientKudos"],
    LimitError: ["TooManyPrompts"],
  },
  cancelTextRequest: {
    ValidationError: [...GUARD],
    NotFoundError: ["NotFound"],
    ForbiddenError: ["WrongCredentials"],
  },
  popTextJob: {
    ValidationError: [...GUARD, ...TEXT_DECLARATION_CODES],
    ForbiddenError: [...WORKER_CHECK_IN_FORBIDDEN],
  },
  submitTextJob: {
    ValidationError: [
      ...GUARD,
      "MissingText",
      "TextTooLong",
      "InvalidSeed",
      "TooManyGenMetadata",
      "InvalidGenMetadata",
    ],
    NotFoundError: ["InvalidJobID"],
    ForbiddenError: ["AnonForbidden", "SharedKeyForbidden", "WrongCredentials"],
    ConflictError: ["AbortedGen", "DuplicateGen", "WrongKind"],
  },
};
