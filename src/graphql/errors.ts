import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  KudosError,
  LimitError,
  NotFoundError,
  ValidationError,
} from "../errors.ts";
import { builder } from "./builder.ts";

/** `interface Error { code message }`: every expected failure a mutation can return. */
export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  description: "An expected failure, with a stable code (the AI Horde `rc` name where one exists)",
  fields: (t) => ({
    code: t.exposeString("code"),
    message: t.exposeString("message"),
  }),
});

function errorType(cls: typeof DomainError, name: string, description: string) {
  return builder.objectType(cls, {
    name,
    description,
    interfaces: [ErrorInterface],
    isTypeOf: (o) => o instanceof cls,
  });
}

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "The input breaks a rule; `field` names the input field when there is one",
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof ValidationError,
  fields: (t) => ({ field: t.exposeString("field", { nullable: true }) }),
});
errorType(NotFoundError, "NotFoundError", "The thing named does not exist");
errorType(ForbiddenError, "ForbiddenError", "The caller may not do this");
errorType(ConflictError, "ConflictError", "The operation repeats or lost a race with another");
errorType(KudosError, "KudosError", "A kudos rule forbids it");
errorType(LimitError, "LimitError", "A per-user limit is reached");

/** The error classes a mutation can return, for `errors: { types }`. */
export const ALL_ERRORS = [ValidationError, NotFoundError, ForbiddenError, ConflictError, KudosError, LimitError];

/** Options for a mutation field returning `<Name>Payload | <errors>` as the union `<Name>Result`. */
export function resultOf(name: string) {
  return {
    types: ALL_ERRORS,
    directResult: true as const,
    union: { name: `${name}Result` },
  };
}
