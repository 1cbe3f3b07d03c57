import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import type { Deps } from "../deps.ts";
import { NotFoundError } from "../errors.ts";
import { maskError, maskOperationErrors } from "./mask-errors.ts";

type Logged = { fields: Record<string, unknown>; msg: string };

function recordingLogger(): { logger: Deps["logger"]; lines: Logged[] } {
  const lines: Logged[] = [];
  const logger = { error: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }) };
  return { logger: logger as unknown as Deps["logger"], lines };
}

/** The plugin's subscribe-error hook for an operation whose context carries `requestId`. */
function subscribeErrorHook(logger: Deps["logger"], requestId: string) {
  const plugin = maskOperationErrors(logger);
  const hooks = (plugin.onSubscribe as any)({ args: { contextValue: { requestId } } });
  return (error: unknown) => {
    let set: unknown;
    hooks.onSubscribeError({ error, setError: (e: unknown) => (set = e) });
    return set;
  };
}

describe("maskError", () => {
  it("keeps GraphQL's and domain errors, masks anything else with the request id and logs it", () => {
    const { logger, lines } = recordingLogger();
    const own = new GraphQLError("Syntax Error", { extensions: { code: "GRAPHQL_PARSE_FAILED" } });
    expect(maskError(own, "r1", logger)).toBe(own);
    const domain = maskError(
      new GraphQLError("x", { originalError: new NotFoundError("JobNotFound", "No such job") }),
      "r1",
      logger,
    );
    expect(domain.message).toBe("No such job");
    expect(domain.extensions.code).toBe("JobNotFound");
    expect(lines).toHaveLength(0);

    const masked = maskError(
      new GraphQLError("x", { originalError: new Error("the database went away") }),
      "r2",
      logger,
    );
    expect(masked.message).toBe("Unexpected error.");
    expect(masked.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: "r2" });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields.requestId).toBe("r2");
  });
});

describe("maskOperationErrors", () => {
  it("masks an error thrown as a subscription starts, with the operation's request id", () => {
    const { logger, lines } = recordingLogger();
    const set = subscribeErrorHook(logger, "op-7")(new Error("boom")) as GraphQLError;
    expect(set.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: "op-7" });
    expect(lines[0]?.fields.requestId).toBe("op-7");
  });

  it("leaves an abort (the client left) to Yoga, unmasked and unlogged", () => {
    const { logger, lines } = recordingLogger();
    const hook = subscribeErrorHook(logger, "op-8");
    expect(hook(new DOMException("The operation was aborted", "AbortError"))).toBeUndefined();
    expect(hook(new DOMException("Timed out", "TimeoutError"))).toBeUndefined();
    expect(lines).toHaveLength(0);
  });
});
