import { describe, expect, it } from "vitest";
import { RegisterUserDocument } from "../../generated/graphql.ts";
import { useTestApp } from "../../support/app.ts";
import { pop } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
const SD = ["stable_diffusion"];

async function workerReasons(workerId: string): Promise<string[]> {
  const rows = await ctx.db.query<{ reason: string }>(
    "SELECT reason FROM worker_suspicions WHERE worker_id = $1 ORDER BY id",
    [workerId],
  );
  return rows.map((r) => r.reason);
}

async function userReasons(userId: number): Promise<string[]> {
  const rows = await ctx.db.query<{ reason: string }>(
    "SELECT reason FROM user_suspicions WHERE user_id = $1 ORDER BY id",
    [userId],
  );
  return rows.map((r) => r.reason);
}

describe("worker names (reference §3.3 step 2)", () => {
  it("truncates a name over 100 characters to 100 and raises WORKER_NAME_LONG against the worker and its owner", async () => {
    const owner = await seedUser(ctx.db);
    const sent = `long${owner.id}-${"n".repeat(140)}`;
    const r = await pop(ctx.t, owner.apiKey, { name: sent, models: SD });
    expect(r.__typename).toBe("PopImageJobPayload");
    const [w] = await ctx.db.query<{ id: string; name: string }>("SELECT id, name FROM workers WHERE user_id = $1", [
      owner.id,
    ]);
    expect(w!.name).toBe(sent.slice(0, 100));
    expect(await workerReasons(w!.id)).toEqual(["WORKER_NAME_LONG"]);
    expect(await userReasons(owner.id)).toEqual(["WORKER_NAME_LONG"]);
  });

  it("adds WORKER_NAME_EXTREME above 200 characters, and a second check-in raises nothing more", async () => {
    const owner = await seedUser(ctx.db);
    const sent = `xtrm${owner.id}-${"e".repeat(240)}`;
    await pop(ctx.t, owner.apiKey, { name: sent, models: SD });
    // another declaration, so the check-in is not debounced
    await pop(ctx.t, owner.apiKey, { name: sent, models: SD, nsfw: true });
    const ws = await ctx.db.query<{ id: string; name: string }>("SELECT id, name FROM workers WHERE user_id = $1", [
      owner.id,
    ]);
    expect(ws).toHaveLength(1);
    expect([...ws[0]!.name]).toHaveLength(100);
    expect(await workerReasons(ws[0]!.id)).toEqual(["WORKER_NAME_LONG", "WORKER_NAME_EXTREME"]);
  });

  it("a name of exactly 100 characters raises nothing", async () => {
    const owner = await seedUser(ctx.db);
    const sent = `ok${owner.id}-`.padEnd(100, "k");
    await pop(ctx.t, owner.apiKey, { name: sent, models: SD });
    const [w] = await ctx.db.query<{ id: string; name: string }>("SELECT id, name FROM workers WHERE user_id = $1", [
      owner.id,
    ]);
    expect(w!.name).toBe(sent);
    expect(await workerReasons(w!.id)).toEqual([]);
  });

  it("refuses a profane name (ProfaneWorkerName) and raises WORKER_PROFANITY against the owner, once", async () => {
    const owner = await seedUser(ctx.db);
    const first = await pop(ctx.t, owner.apiKey, { name: `ShitBox-${owner.id}`, models: SD });
    expect(first.code).toBe("ProfaneWorkerName");
    const again = await pop(ctx.t, owner.apiKey, { name: `fuckbox-${owner.id}`, models: SD });
    expect(again.code).toBe("ProfaneWorkerName");
    expect(await ctx.db.query("SELECT 1 FROM workers WHERE user_id = $1", [owner.id])).toHaveLength(0);
    expect(await userReasons(owner.id)).toEqual(["WORKER_PROFANITY"]);
  });
});

describe("sign-up usernames (reference §2.1)", () => {
  it("truncates a username over 30 characters to 30 and raises USERNAME_LONG", async () => {
    const sent = `longname${Date.now()}${"u".repeat(30)}`;
    const r = (await ctx.t.gql(RegisterUserDocument, { username: sent })).data.registerUser;
    expect(r.__typename).toBe("RegisterUserPayload");
    const [u] = await ctx.db.query<{ id: number; username: string }>(
      "SELECT id, username FROM users WHERE username = $1",
      [sent.slice(0, 30)],
    );
    expect(u).toBeTruthy();
    expect(await userReasons(u!.id)).toEqual(["USERNAME_LONG"]);
  });

  it("a username of 30 characters raises nothing", async () => {
    const sent = `short${Date.now()}`.padEnd(30, "s");
    await ctx.t.gql(RegisterUserDocument, { username: sent });
    const [u] = await ctx.db.query<{ id: number }>("SELECT id FROM users WHERE username = $1", [sent]);
    expect(await userReasons(u!.id)).toEqual([]);
  });
});
