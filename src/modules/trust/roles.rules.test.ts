import { describe, expect, it } from "vitest";
import { planRoles, type Roles } from "./roles.rules.ts";

const PLAIN: Roles = { moderator: false, trusted: false, flagged: false, customizer: false, workerInvited: 0 };

describe("planRoles", () => {
  it("records each change old → new", () => {
    const p = planRoles(PLAIN, { flagged: true, workerInvited: 5 }, { anonymous: false });
    expect(p).toMatchObject({
      ok: true,
      changes: [
        { role: "flagged", oldValue: "false", newValue: "true" },
        { role: "workerInvited", oldValue: "0", newValue: "5" },
      ],
    });
  });
  it("makes a new moderator trusted too", () => {
    const p = planRoles(PLAIN, { moderator: true }, { anonymous: false });
    expect(p.ok && p.next.trusted && p.becameTrusted).toBe(true);
    expect(p.ok && p.changes.map((c) => c.role)).toEqual(["moderator", "trusted"]);
  });
  it("gives Anonymous no role", () => {
    expect(planRoles(PLAIN, { trusted: true }, { anonymous: true })).toMatchObject({
      ok: false,
      code: "AnonymousRoles",
    });
  });
  it("refuses an empty change, a bad invite count and a flagged moderator", () => {
    expect(planRoles(PLAIN, {}, { anonymous: false })).toMatchObject({ ok: false, code: "NoUserModSelected" });
    expect(planRoles(PLAIN, { workerInvited: -1 }, { anonymous: false })).toMatchObject({
      ok: false,
      code: "InvalidWorkerInvited",
    });
    expect(planRoles(PLAIN, { workerInvited: 1.5 }, { anonymous: false })).toMatchObject({ ok: false });
    expect(
      planRoles({ ...PLAIN, moderator: true, trusted: true }, { flagged: true }, { anonymous: false }),
    ).toMatchObject({
      ok: false,
      code: "ModeratorFlagged",
    });
  });
  it("records nothing for a value set to what it already is", () => {
    const p = planRoles(PLAIN, { trusted: false }, { anonymous: false });
    expect(p.ok && p.changes).toEqual([]);
  });
});
