import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../../support/app.ts";
import { outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// The IP-block cache is off so a mode change is seen at once.
const ctx = useTestApp({ env: { IP_BLOCK_CACHE_MS: "0" } });
beforeEach(async () => {
  await resetQueue(ctx.db);
  await ctx.db.query("UPDATE horde_settings SET raid = false, maintenance = false, invite_only = false");
  await ctx.db.query("DELETE FROM ip_blocks");
});

const SD = ["stable_diffusion"];
const REGISTER = `mutation($input: RegisterUserInput!) { registerUser(input: $input) { __typename
  ... on RegisterUserPayload { apiKey } ... on Error { code } } }`;
const MODES = `mutation($input: SetHordeModesInput!) { setHordeModes(input: $input) { __typename ... on Error { code } } }`;
const BLOCK = `mutation($input: BlockIpInput!) { blockIp(input: $input) { __typename ... on Error { code } } }`;
const CREATE = `mutation($input: CreateImageRequestInput!) { createImageRequest(input: $input) { __typename
  ... on CreateImageRequestPayload { request { id } warnings } ... on Error { code } } }`;
const WORKER = `query($id: ID!) { worker(id: $id) { maintenance suspicion } }`;

async function raid(on: boolean) {
  const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
  const r = await ctx.t.gql(MODES, { input: { raid: on } }, { apikey: mod.apiKey });
  expect(outcome(r.data.setHordeModes)).toBe("SetHordeModesPayload");
}

const register = async (username: string) =>
  outcome((await ctx.t.gql(REGISTER, { input: { username } })).data.registerUser);

describe("sign-up", () => {
  it("is closed in raid mode and open again after it", async () => {
    expect(await register(`before-${Date.now()}`)).toBe("RegisterUserPayload");
    await raid(true);
    expect(await register(`during-${Date.now()}`)).toBe("RaidMode");
    await raid(false);
    expect(await register(`after-${Date.now()}`)).toBe("RegisterUserPayload");
  });

  it("is refused from a blocked address", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const b = await ctx.t.gql(BLOCK, { input: { ipaddr: "127.0.0.0/8", hours: 1 } }, { apikey: mod.apiKey });
    expect(outcome(b.data.blockIp)).toBe("BlockIpPayload");
    expect(await register(`blocked-${Date.now()}`)).toBe("TimeoutIP");
  });
});

describe("requests in raid mode", () => {
  it("get no NoAvailableWorker warning (they do outside raid mode)", async () => {
    const user = await seedUser(ctx.db, { kudos: 100 });
    const input = { prompt: "nobody serves this", models: SD };
    const calm = (await ctx.t.gql(CREATE, { input }, { apikey: user.apiKey })).data.createImageRequest;
    expect(calm.warnings.join(" ")).toMatch(/NoAvailableWorker/);
    await raid(true);
    const during = (await ctx.t.gql(CREATE, { input }, { apikey: user.apiKey })).data.createImageRequest;
    expect(outcome(during)).toBe("CreateImageRequestPayload");
    expect(during.warnings.join(" ")).not.toMatch(/NoAvailableWorker/);
  });
});

describe("workers dropping jobs", () => {
  async function faultJobs(owner: { apiKey: string; id: number }, name: string, count: number): Promise<string> {
    const requester = await seedUser(ctx.db, { kudos: 10_000 });
    for (let i = 0; i < count; i++) {
      const c = await ctx.t.gql(CREATE, { input: { prompt: `drop ${i}`, models: SD } }, { apikey: requester.apiKey });
      expect(outcome(c.data.createImageRequest)).toBe("CreateImageRequestPayload");
      const p = await pop(ctx.t, owner.apiKey, { name, models: SD });
      expect(p.jobs, `pop ${i}: ${outcome(p)}`).toHaveLength(1);
      expect(outcome(await submit(ctx.t, owner.apiKey, { id: p.jobs[0]!.id, state: "FAULTED" }))).toBe(
        "SubmitImageJobPayload",
      );
      await resetQueue(ctx.db);
    }
    return (await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]))[0]!.id;
  }

  it("in raid mode: more than 10 in an hour raise suspicion, with no maintenance", async () => {
    await raid(true);
    const owner = await seedUser(ctx.db);
    const id = await faultJobs(owner, `raid-drop-${owner.id}`, 11);
    const w = (await ctx.t.gql(WORKER, { id }, { apikey: owner.apiKey })).data.worker;
    expect(w).toEqual({ maintenance: false, suspicion: 1 });
  });

  it("outside raid mode: 10 are tolerated; more than 20 put the worker in maintenance and raise suspicion", async () => {
    const owner = await seedUser(ctx.db);
    const name = `calm-drop-${owner.id}`;
    const id = await faultJobs(owner, name, 11);
    expect((await ctx.t.gql(WORKER, { id }, { apikey: owner.apiKey })).data.worker).toEqual({
      maintenance: false,
      suspicion: 0,
    });
    await faultJobs(owner, name, 10);
    expect((await ctx.t.gql(WORKER, { id }, { apikey: owner.apiKey })).data.worker).toEqual({
      maintenance: true,
      suspicion: 1,
    });
  });
});
