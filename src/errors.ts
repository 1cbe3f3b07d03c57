/**
 * Expected outcomes with a stable code. Services throw these; the GraphQL layer turns each class
 * into a member of a mutation's result union (every one implements `interface Error`). Codes
 * reuse the AI Horde `rc` names where one exists. Anything else thrown is unexpected and masked.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input breaks a rule (size, steps, names, lists, formats). */
export class ValidationError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(code, message);
  }
}

/** The thing named does not exist (or is not visible to the caller). */
export class NotFoundError extends DomainError {}

/** The caller may not do this (Anonymous, not the owner, flagged, maintenance…). */
export class ForbiddenError extends DomainError {}

/** The operation lost a race or repeats one already done (DuplicateGen, AbortedGen…). */
export class ConflictError extends DomainError {}

/** Not enough kudos, or a kudos rule forbids it (KudosUpfront, KudosTransferNotEnough…). */
export class KudosError extends DomainError {}

/** Too many at once: concurrency (TooManyPrompts) and similar per-user limits. */
export class LimitError extends DomainError {}
