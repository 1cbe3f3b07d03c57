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
import { type ErrorClassName, type ErrorSpec, MUTATION_ERRORS } from "./error-codes.ts";

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

const ERROR_CLASSES: Record<ErrorClassName, typeof DomainError> = {
  ValidationError,
  NotFoundError,
  ForbiddenError,
  ConflictError,
  KudosError,
  LimitError,
};

/** The union's description: each error type with the codes it comes with. */
export function describeErrors(spec: ErrorSpec): string {
  const lines = Object.entries(spec).map(([cls, codes]) => `- ${cls}: ${[...new Set(codes)].join(", ")}`);
  return `The payload, or one of these errors (type: codes):\n${lines.join("\n")}`;
}

/**
 * Options for a mutation field returning `<Name>Payload | <errors>` as the union `<Name>Result`:
 * only the error types {@link MUTATION_ERRORS} declares for it, described with their codes.
 */
export function resultOf(name: string) {
  const mutation = name[0]!.toLowerCase() + name.slice(1);
  const spec = MUTATION_ERRORS[mutation];
  if (!spec) throw new Error(`No declared errors for the mutation ${mutation} (MUTATION_ERRORS in errors.ts)`);
  return {
    types: Object.keys(spec).map((cls) => ERROR_CLASSES[cls as ErrorClassName]),
    directResult: true as const,
    union: { name: `${name}Result`, description: describeErrors(spec) },
  };
}
