import { beforeEach, describe, expect, it } from "vitest";
import { hashKey, newApiKey } from "../../../src/modules/users/users.rules.ts";
import { useTestApp } from "../../support/app.ts";
import { outcome, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// The test clients connect from loopback, which the operator's list calls unsafe here; user
// 990001 is the only admin. The IP-block cache is off so a mode change is seen at once.
const ADMIN_ID = 990001;
const ctx = useTestApp({
  env: { UNSAFE_IPS: "127.0.0.0/8,::1", HORDE_ADMINS: String(ADMIN_ID), IP_BLOCK_CACHE_MS: "0" },
});
beforeEach(async () => {
  await resetQueue(ctx.db);
  await ctx.db.query("UPDATE horde_settings SET raid = false, maintenance = false, invite_only = false");
});

const SD = ["stable_diffusion"];
const MODES = `mutation($input: SetHordeModesInput!) { setHordeModes(input: $input) { __typename ... on Error { code } } }`;
const CREATE = `mutation($input: CreateImageRequestInput!) { createImageRequest(input: $input) { __typename
  ... on Error { code } } }`;

async function setModes(apikey: string, input: Record<string, boolean>): Promise<string> {
  return outcome((await ctx.t.gql(MODES, { input }, { apikey })).data.setHordeModes);
}

async function raid(on: boolean) {
  const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
  expect(await setModes(mod.apiKey, { raid: on })).toBe("SetHordeModesPayload");
}

async function reasons(name: string): Promise<string[]> {
  const rows = await ctx.db.query<{ reason: string }>(
    "SELECT s.reason FROM worker_suspicions s JOIN workers w ON w.id = s.worker_id WHERE w.name = $1",
    [name],
  );
  return rows.map((r) => r.reason);
}

describe("unsafe addresses (operator list, UNSAFE_IPS)", () => {
  it("refuses an untrusted owner's worker outside raid mode (UnsafeIP), not a trusted owner's", async () => {
    const untrusted = await seedUser(ctx.db);
    expect((await pop(ctx.t, untrusted.apiKey, { name: `vpn-${untrusted.id}`, models: SD })).code).toBe("UnsafeIP");
    const trusted = await seedUser(ctx.db, { trusted: true });
    const ok = await pop(ctx.t, trusted.apiKey, { name: `vpn-${trusted.id}`, models: SD });
    expect(ok.__typename).toBe("PopImageJobPayload");
    expect(await reasons(`vpn-${trusted.id}`)).toEqual([]);
  });

  it("in raid mode accepts it silently and raises UNSAFE_IP against it", async () => {
    await raid(true);
    const untrusted = await seedUser(ctx.db);
    const name = `raidvpn-${untrusted.id}`;
    expect((await pop(ctx.t, untrusted.apiKey, { name, models: SD })).__typename).toBe("PopImageJobPayload");
    expect(await reasons(name)).toEqual(["UNSAFE_IP"]);
  });

  it("refuses an untrusted requester from an unsafe address in raid mode only; trusted ones pass", async () => {
    const untrusted = await seedUser(ctx.db, { kudos: 100 });
    const trusted = await seedUser(ctx.db, { kudos: 100, trusted: true });
    const input = { prompt: "from a vpn", models: SD };
    const create = async (apikey: string) =>
      outcome((await ctx.t.gql(CREATE, { input }, { apikey })).data.createImageRequest);
    expect(await create(untrusted.apiKey)).toBe("CreateImageRequestPayload");
    await raid(true);
    expect(await create(untrusted.apiKey)).toBe("UnsafeIP");
    expect(await create(trusted.apiKey)).toBe("CreateImageRequestPayload");
  });
});

describe("maintenance mode with HORDE_ADMINS", () => {
  it("only an admin sets it; moderators keep raid and invite-only", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    expect(await setModes(mod.apiKey, { maintenance: true })).toBe("NotAdmin");
    expect(await setModes(mod.apiKey, { inviteOnly: true })).toBe("SetHordeModesPayload");
    const apiKey = newApiKey();
    await ctx.db.query(
      `INSERT INTO users (id, username, api_key_hash, moderator, trusted) VALUES ($1, 'the-admin', $2, true, true)
       ON CONFLICT (id) DO UPDATE SET api_key_hash = excluded.api_key_hash`,
      [ADMIN_ID, hashKey(apiKey)],
    );
    expect(await setModes(apiKey, { maintenance: true })).toBe("SetHordeModesPayload");
    const [m] = await ctx.db.query<{ maintenance: boolean }>("SELECT maintenance FROM horde_settings WHERE id = 1");
    expect(m!.maintenance).toBe(true);
    // a plain user is still NotModerator
    const user = await seedUser(ctx.db);
    expect(await setModes(user.apiKey, { maintenance: false })).toBe("NotModerator");
  });
});
