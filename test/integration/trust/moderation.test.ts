import { beforeEach, describe, expect, it } from "vitest";
import { useTestApps } from "../../support/app.ts";
import { outcome, pop, resetQueue } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

// Two instances on one database; the IP-block cache is off so a change is seen at once.
const ctx = useTestApps(2, { env: { IP_BLOCK_CACHE_MS: "0" } });
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];
const CREATE = `mutation($input: CreateImageRequestInput!) { createImageRequest(input: $input) { __typename
  ... on CreateImageRequestPayload { request { id } } ... on Error { code message } } }`;
const BLOCK = `mutation($input: BlockIpInput!) { blockIp(input: $input) { __typename ... on BlockIpPayload { ipaddr } ... on Error { code } } }`;
const UNBLOCK = `mutation($ip: String!) { unblockIp(ipaddr: $ip) { __typename ... on Error { code } } }`;
const ADD_FILTER = `mutation($input: AddPromptFilterInput!) { addPromptFilter(input: $input) { __typename
  ... on AddPromptFilterPayload { id } ... on Error { code } } }`;
const DELETE_FILTER = `mutation($id: ID!) { deletePromptFilter(id: $id) { __typename ... on Error { code } } }`;
const MODES = `mutation($input: SetHordeModesInput!) { setHordeModes(input: $input) { __typename
  ... on SetHordeModesPayload { withdrawnRequests modes { maintenance inviteOnly raid } } ... on Error { code } } }`;

const a = () => ctx.apps[0]!;
const b = () => ctx.apps[1]!;

async function create(app: ReturnType<typeof a>, apikey: string | undefined, prompt: string) {
  return (await app.gql(CREATE, { input: { prompt, models: SD } }, { apikey })).data.createImageRequest;
}

describe("IP blocks", () => {
  it("a moderator's block on one instance is honoured by the other, for requests and pops, until lifted", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db, { kudos: 100 });
    const refused = await a().gql(BLOCK, { input: { ipaddr: "127.0.0.0/8", hours: 1 } }, { apikey: user.apiKey });
    expect(outcome(refused.data.blockIp)).toBe("NotModerator");
    const r = await a().gql(BLOCK, { input: { ipaddr: "127.0.0.0/8", hours: 1 } }, { apikey: mod.apiKey });
    expect(r.data.blockIp).toMatchObject({ __typename: "BlockIpPayload", ipaddr: "127.0.0.0/8" });
    expect(outcome(await create(b(), user.apiKey, "blocked"))).toBe("TimeoutIP");
    expect(outcome(await pop(b(), user.apiKey, { name: `ip-${user.id}`, models: SD }))).toBe("TimeoutIP");
    // moderators can still lift it (their requests are not refused by the block check alone)
    const lifted = await b().gql(UNBLOCK, { ip: "127.0.0.0/8" }, { apikey: mod.apiKey });
    expect(outcome(lifted.data.unblockIp)).toBe("UnblockIpPayload");
    expect(outcome(await create(a(), user.apiKey, "free again"))).toBe("CreateImageRequestPayload");
  });

  it("refuses a malformed address with a stable code, and lists blocks only for moderators", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const r = await a().gql(BLOCK, { input: { ipaddr: "10.0.0.0/99" } }, { apikey: mod.apiKey });
    expect(outcome(r.data.blockIp)).toBe("InvalidIPAddress");
    const user = await seedUser(ctx.db);
    expect((await a().gql("{ ipBlocks { ipaddr } }", {}, { apikey: user.apiKey })).data.ipBlocks).toBeNull();
    expect((await a().gql("{ ipBlocks { ipaddr } }", {}, { apikey: mod.apiKey })).data.ipBlocks).toEqual([]);
  });
});

describe("prompt filters", () => {
  it("only moderators manage them; a block filter refuses with CorruptPrompt, raises suspicion and times the IP out", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db, { kudos: 100 });
    const input = { regex: "forbidd?en\\s+thing", kind: "block" };
    expect(outcome((await a().gql(ADD_FILTER, { input }, { apikey: user.apiKey })).data.addPromptFilter)).toBe(
      "NotModerator",
    );
    const bad = await a().gql(ADD_FILTER, { input: { regex: "(", kind: "block" } }, { apikey: mod.apiKey });
    expect(outcome(bad.data.addPromptFilter)).toBe("InvalidRegex");
    const kind = await a().gql(ADD_FILTER, { input: { regex: "x", kind: "maybe" } }, { apikey: mod.apiKey });
    expect(outcome(kind.data.addPromptFilter)).toBe("InvalidFilterKind");
    const added = await a().gql(ADD_FILTER, { input }, { apikey: mod.apiKey });
    const id = added.data.addPromptFilter.id;
    // the same expression and kind returns the same filter
    expect((await a().gql(ADD_FILTER, { input }, { apikey: mod.apiKey })).data.addPromptFilter.id).toBe(id);
    expect(outcome(await create(b(), user.apiKey, "a Forbidden   thing"))).toBe("CorruptPrompt");
    const [s] = await ctx.db.query<{ reason: string }>("SELECT reason FROM user_suspicions WHERE user_id = $1", [
      user.id,
    ]);
    expect(s!.reason).toBe("CORRUPT_PROMPT");
    const [t] = await ctx.db.query<{ strikes: number; minutes: number }>(
      `SELECT strikes, round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes
         FROM ip_blocks WHERE reason = 'CorruptPrompt'`,
    );
    expect(t).toEqual({ strikes: 1, minutes: 3 });
    expect(outcome(await create(a(), user.apiKey, "a harmless thing"))).toBe("TimeoutIP");
    await a().gql(UNBLOCK, { ip: "127.0.0.1" }, { apikey: mod.apiKey });
    expect(outcome((await a().gql(DELETE_FILTER, { id }, { apikey: user.apiKey })).data.deletePromptFilter)).toBe(
      "NotModerator",
    );
    expect(outcome((await a().gql(DELETE_FILTER, { id }, { apikey: mod.apiKey })).data.deletePromptFilter)).toBe(
      "DeletePromptFilterPayload",
    );
    expect(outcome(await create(b(), user.apiKey, "a forbidden thing"))).toBe("CreateImageRequestPayload");
  });

  it("a replace filter rewrites the stored prompt and guards the negative prompt", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db, { kudos: 100 });
    const input = { regex: "\\bkitten\\b", kind: "replace", replacement: "cat" };
    const id = (await a().gql(ADD_FILTER, { input }, { apikey: mod.apiKey })).data.addPromptFilter.id;
    const r = await create(b(), user.apiKey, "a kitten");
    const [row] = await ctx.db.query<{ prompt: string }>("SELECT prompt FROM requests WHERE id = $1", [r.request.id]);
    expect(row!.prompt).toBe("a cat###child, infant, underage, immature, teenager, tween");
    await a().gql(DELETE_FILTER, { id }, { apikey: mod.apiKey });
  });
});

describe("horde modes", () => {
  it("only moderators set them; maintenance refuses new requests and withdraws waiting jobs", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db, { kudos: 100 });
    expect(
      outcome((await a().gql(MODES, { input: { maintenance: true } }, { apikey: user.apiKey })).data.setHordeModes),
    ).toBe("NotModerator");
    const queued = await create(a(), user.apiKey, "queued before");
    const on = await a().gql(MODES, { input: { maintenance: true } }, { apikey: mod.apiKey });
    expect(on.data.setHordeModes).toMatchObject({ withdrawnRequests: 1, modes: { maintenance: true } });
    const [j] = await ctx.db.query<{ state: string }>("SELECT state FROM jobs WHERE request_id = $1", [
      queued.request.id,
    ]);
    expect(j!.state).toBe("cancelled");
    expect(outcome(await create(b(), user.apiKey, "during"))).toBe("MaintenanceMode");
    // the public sees maintenance and invite-only, not raid
    const seen = (await b().gql("{ hordeModes { maintenance inviteOnly raid } }", {}, { apikey: user.apiKey })).data;
    expect(seen.hordeModes).toEqual({ maintenance: true, inviteOnly: false, raid: null });
    await a().gql(MODES, { input: { maintenance: false } }, { apikey: mod.apiKey });
    expect(outcome(await create(b(), user.apiKey, "after"))).toBe("CreateImageRequestPayload");
  });

  it("invite-only mode needs an invite for a new worker, not for a known one", async () => {
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const user = await seedUser(ctx.db);
    expect(outcome(await pop(a(), user.apiKey, { name: `inv-${user.id}-0`, models: SD }))).toBe("PopImageJobPayload");
    await a().gql(MODES, { input: { inviteOnly: true } }, { apikey: mod.apiKey });
    expect(outcome(await pop(b(), user.apiKey, { name: `inv-${user.id}-1`, models: SD }))).toBe("WorkerInviteOnly");
    expect(outcome(await pop(b(), user.apiKey, { name: `inv-${user.id}-0`, models: SD }))).toBe("PopImageJobPayload");
    await ctx.db.query("UPDATE users SET worker_invited = 2 WHERE id = $1", [user.id]);
    expect(outcome(await pop(b(), user.apiKey, { name: `inv-${user.id}-1`, models: SD }))).toBe("PopImageJobPayload");
    await a().gql(MODES, { input: { inviteOnly: false } }, { apikey: mod.apiKey });
  });
});
