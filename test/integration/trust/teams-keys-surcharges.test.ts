import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../../support/app.ts";
import { balance, CREATE_KEY, expectLedgerBalanced, fundedUser, ledgerOf, TRANSFER } from "../../support/kudos.ts";
import { createRequest, outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
const CREATE_TEAM = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { __typename
  ... on CreateTeamPayload { team { id name } } ... on Error { code } } }`;
const UPDATE_TEAM = `mutation($input: UpdateTeamInput!) { updateTeam(input: $input) { __typename
  ... on UpdateTeamPayload { team { id name info } } ... on Error { code } } }`;
const DELETE_TEAM = `mutation($id: ID!) { deleteTeam(id: $id) { __typename ... on Error { code } } }`;
const SET_TEAM = `mutation($input: UpdateWorkerInput!) { updateWorker(input: $input) { __typename ... on Error { code } } }`;
const TEAMS = `{ teams(first: 50) { edges { node { id name stats { workerCount contributions requestsFulfilled kudos uptime } } } } }`;

describe("teams", () => {
  it("trusted users create teams; the owner or a moderator changes and deletes them", async () => {
    const trusted = await seedUser(ctx.db, { trusted: true });
    const untrusted = await seedUser(ctx.db);
    const name = `Team ${trusted.id}`;
    const no = await ctx.t.gql(CREATE_TEAM, { input: { name } }, { apikey: untrusted.apiKey });
    expect(outcome(no.data.createTeam)).toBe("UntrustedTeamCreation");
    expect(outcome((await ctx.t.gql(CREATE_TEAM, { input: { name } })).data.createTeam)).toBe("AnonForbidden");
    const made = await ctx.t.gql(CREATE_TEAM, { input: { name, info: "hi" } }, { apikey: trusted.apiKey });
    const id = made.data.createTeam.team.id;
    const dup = await ctx.t.gql(CREATE_TEAM, { input: { name: name.toUpperCase() } }, { apikey: trusted.apiKey });
    expect(outcome(dup.data.createTeam)).toBe("TeamNameTaken");
    const other = await seedUser(ctx.db, { trusted: true });
    const foreign = await ctx.t.gql(UPDATE_TEAM, { input: { id, info: "mine" } }, { apikey: other.apiKey });
    expect(outcome(foreign.data.updateTeam)).toBe("WrongCredentials");
    const own = await ctx.t.gql(UPDATE_TEAM, { input: { id, info: "ours" } }, { apikey: trusted.apiKey });
    expect(own.data.updateTeam.team.info).toBe("ours");
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const modEdit = await ctx.t.gql(UPDATE_TEAM, { input: { id, name: `${name} x` } }, { apikey: mod.apiKey });
    expect(modEdit.data.updateTeam.team.name).toBe(`${name} x`);
    expect(outcome((await ctx.t.gql(DELETE_TEAM, { id }, { apikey: other.apiKey })).data.deleteTeam)).toBe(
      "WrongCredentials",
    );
    expect(outcome((await ctx.t.gql(DELETE_TEAM, { id }, { apikey: trusted.apiKey })).data.deleteTeam)).toBe(
      "DeleteTeamPayload",
    );
  });

  it("sums its workers' statistics in one grouped statement per page; deleting it frees the workers", async () => {
    const trusted = await seedUser(ctx.db, { trusted: true });
    const teamIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await ctx.t.gql(CREATE_TEAM, { input: { name: `S${trusted.id}-${i}` } }, { apikey: trusted.apiKey });
      teamIds.push(r.data.createTeam.team.id);
    }
    const requester = await fundedUser(ctx.db, 500);
    const owner = await seedUser(ctx.db);
    for (let i = 0; i < 2; i++) {
      const name = `tw-${owner.id}-${i}`;
      await pop(ctx.t, owner.apiKey, { name, models: SD });
      const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
      await ctx.t.gql(SET_TEAM, { input: { id: w!.id, team: teamIds[0] } }, { apikey: owner.apiKey });
      await createRequest(ctx.t, requester.apiKey, { prompt: "team", models: SD, params: { steps: 30 } });
      const [job] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
      await submit(ctx.t, owner.apiKey, { id: job!.id });
    }
    const statements: string[] = [];
    const db = ctx.t.deps.db as unknown as { query: (...a: unknown[]) => Promise<unknown> };
    const original = db.query.bind(db);
    db.query = (...a: unknown[]) => {
      statements.push(String(a[0]));
      return original(...a);
    };
    const teams = (await ctx.t.gql(TEAMS)).data.teams.edges.map((e: { node: unknown }) => e.node);
    db.query = original;
    expect(statements.filter((s) => s.includes("GROUP BY team_id"))).toHaveLength(1);
    const first = teams.find((t: { id: string }) => t.id === teamIds[0]);
    expect(first.stats).toMatchObject({ workerCount: 2, requestsFulfilled: 2, kudos: 13 });
    expect(teams.find((t: { id: string }) => t.id === teamIds[1]).stats.workerCount).toBe(0);
    await ctx.t.gql(DELETE_TEAM, { id: teamIds[0] }, { apikey: trusted.apiKey });
    const left = await ctx.db.query("SELECT 1 FROM workers WHERE user_id = $1 AND team_id IS NULL", [owner.id]);
    expect(left).toHaveLength(2);
  });
});

describe("shared keys", () => {
  it("a transfer to a shared key's id pays its owner and tops its budget up", async () => {
    const owner = await fundedUser(ctx.db, 100);
    const key = await ctx.t.gql(CREATE_KEY, { input: { name: "topped", kudos: 10 } }, { apikey: owner.apiKey });
    const keyId = key.data.createSharedKey.sharedKey.id;
    const friend = await fundedUser(ctx.db, 500);
    const r = await ctx.t.gql(
      TRANSFER,
      { input: { username: keyId, amount: 40, idempotencyKey: `k-${keyId}` } },
      { apikey: friend.apiKey },
    );
    expect(outcome(r.data.transferKudos)).toBe("TransferKudosPayload");
    expect(await balance(ctx.db, owner.id)).toBe(140);
    const [k] = await ctx.db.query<{ kudos: string }>("SELECT kudos::text FROM shared_keys WHERE id = $1", [keyId]);
    expect(Number(k!.kudos)).toBe(50);
    await expectLedgerBalanced(ctx.db);
  });

  it("an exhausted key with allowDowngrade runs the request at priority −50 instead of refusing it", async () => {
    const owner = await fundedUser(ctx.db, 1000);
    const key = await ctx.t.gql(CREATE_KEY, { input: { name: "empty", kudos: 0 } }, { apikey: owner.apiKey });
    const secret = key.data.createSharedKey.key;
    const refused = await ctx.t.gql(
      `mutation($input: CreateImageRequestInput!) { createImageRequest(input: $input) { __typename ... on Error { code } } }`,
      { input: { prompt: "p", models: SD } },
      { apikey: secret },
    );
    expect(outcome(refused.data.createImageRequest)).toBe("SharedKeyEmpty");
    const id = await createRequest(ctx.t, secret, { prompt: "p", models: SD, allowDowngrade: true });
    const [row] = await ctx.db.query<{ priority: string }>("SELECT priority::text FROM requests WHERE id = $1", [id]);
    expect(Number(row!.priority)).toBe(-50);
  });
});

describe("surcharges the AI Horde burns", () => {
  it("fast workers only pay × 1.2 and a blacklist × 1.1; the worker earns the price and the rest is burned", async () => {
    const requester = await fundedUser(ctx.db, 500);
    const owner = await seedUser(ctx.db, { trusted: true }); // trusted: no escrow, the balance shows the reward
    const name = `sur-${owner.id}`;
    await pop(ctx.t, owner.apiKey, { name, models: SD });
    await ctx.db.query("UPDATE workers SET speed = 2000000 WHERE name = $1", [name]);
    const other = await seedUser(ctx.db);
    await pop(ctx.t, other.apiKey, { name: `other-${other.id}`, models: SD });
    const [o] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE user_id = $1", [other.id]);
    await createRequest(ctx.t, requester.apiKey, {
      prompt: "fast",
      models: SD,
      params: { steps: 30 },
      slowWorkers: false,
      workers: [o!.id],
      workerBlacklist: true,
    });
    const [job] = (await pop(ctx.t, owner.apiKey, { name, models: SD })).jobs;
    expect((await submit(ctx.t, owner.apiKey, { id: job!.id })).reward).toBe(6.5);
    const rows = (await ledgerOf(ctx.db, requester.id)).filter((r) => r.job_id === job!.id);
    expect(rows.map((r) => [r.kind, r.amount])).toEqual([
      ["request_charge", "-6.50"],
      ["surcharge_burn", "-2.08"],
    ]);
    expect(await balance(ctx.db, owner.id)).toBe(6.5);
    const r = await expectLedgerBalanced(ctx.db);
    expect(Number(r.burned)).toBeGreaterThan(0);
  });
});
