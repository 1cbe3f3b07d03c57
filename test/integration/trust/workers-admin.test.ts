import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../../support/app.ts";
import { createRequest, outcome, pop, resetQueue, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

const ctx = useTestApp();
beforeEach(() => resetQueue(ctx.db));

const SD = ["stable_diffusion"];

const UPDATE = `mutation($input: UpdateWorkerInput!) { updateWorker(input: $input) { __typename
  ... on UpdateWorkerPayload { worker { id name info maintenance team { id name } } }
  ... on Error { code message } } }`;
const PAUSE = `mutation($input: PauseWorkerInput!) { pauseWorker(input: $input) { __typename
  ... on PauseWorkerPayload { worker { id paused pausedReason } } ... on Error { code } } }`;
const DELETE = `mutation($id: ID!) { deleteWorker(id: $id) { __typename ... on DeleteWorkerPayload { id } ... on Error { code } } }`;
const SEND = `mutation($input: SendWorkerMessageInput!) { sendWorkerMessage(input: $input) { __typename
  ... on SendWorkerMessagePayload { id } ... on Error { code } } }`;
const DELETE_MSG = `mutation($id: ID!) { deleteWorkerMessage(id: $id) { __typename ... on Error { code } } }`;
const PRIVATE = `query($id: ID!) { worker(id: $id) { id name paused ipaddr suspicion pausedReason maintenanceMessage
  messages { id message origin } } }`;
const MESSAGES = "{ workerMessages { id message workerId origin } }";

async function ownedWorker() {
  const owner = await seedUser(ctx.db);
  const name = `adm-${owner.id}-${Math.random().toString(36).slice(2, 6)}`;
  await pop(ctx.t, owner.apiKey, { name, models: SD });
  const [w] = await ctx.db.query<{ id: string }>("SELECT id FROM workers WHERE name = $1", [name]);
  return { owner, name, id: w!.id };
}

async function update(apikey: string | undefined, input: Record<string, unknown>) {
  return (await ctx.t.gql(UPDATE, { input }, { apikey })).data.updateWorker;
}

describe("updateWorker", () => {
  it("lets the owner set maintenance with a message, the name, the info and the team", async () => {
    const w = await ownedWorker();
    const trusted = await seedUser(ctx.db, { trusted: true });
    const team = await ctx.t.gql(
      `mutation { createTeam(input: { name: "team-${w.id.slice(0, 8)}" }) { ... on CreateTeamPayload { team { id } } } }`,
      {},
      { apikey: trusted.apiKey },
    );
    const teamId = team.data.createTeam.team.id;
    const r = await update(w.owner.apiKey, {
      id: w.id,
      maintenance: true,
      maintenanceMessage: "new drivers",
      name: `${w.name}-renamed`,
      info: "a 3090",
      team: teamId,
    });
    expect(r).toMatchObject({
      __typename: "UpdateWorkerPayload",
      worker: { name: `${w.name}-renamed`, info: "a 3090", maintenance: true, team: { id: teamId } },
    });
    const seen = (await ctx.t.gql(PRIVATE, { id: w.id }, { apikey: w.owner.apiKey })).data.worker;
    expect(seen.maintenanceMessage).toBe("new drivers");
    // in maintenance, the worker gets only its owner's requests
    const other = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, other.apiKey, { prompt: "other's", models: SD });
    expect((await pop(ctx.t, w.owner.apiKey, { name: `${w.name}-renamed`, models: SD })).code).toBe(
      "WorkerMaintenance",
    );
    await createRequest(ctx.t, w.owner.apiKey, { prompt: "own", models: SD });
    expect((await pop(ctx.t, w.owner.apiKey, { name: `${w.name}-renamed`, models: SD })).jobs).toHaveLength(1);
    // "" leaves the team
    expect((await update(w.owner.apiKey, { id: w.id, team: "" })).worker.team).toBeNull();
  });

  it("refuses another user, Anonymous and a shared key; lets a moderator", async () => {
    const w = await ownedWorker();
    const stranger = await seedUser(ctx.db);
    expect(outcome(await update(stranger.apiKey, { id: w.id, info: "mine now" }))).toBe("WrongCredentials");
    expect(outcome(await update(undefined, { id: w.id, info: "anon" }))).toBe("AnonForbidden");
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    expect(outcome(await update(mod.apiKey, { id: w.id, info: "checked by a mod" }))).toBe("UpdateWorkerPayload");
    const [row] = await ctx.db.query<{ info: string }>("SELECT info FROM workers WHERE id = $1", [w.id]);
    expect(row!.info).toBe("checked by a mod");
  });

  it("refuses bad input with stable codes", async () => {
    const w = await ownedWorker();
    const other = await ownedWorker();
    const k = w.owner.apiKey;
    expect(outcome(await update(k, { id: w.id }))).toBe("NoWorkerModSelected");
    expect(outcome(await update(k, { id: w.id, name: "abc" }))).toBe("InvalidWorkerName");
    expect(outcome(await update(k, { id: w.id, name: other.name.toUpperCase() }))).toBe("WorkerNameTaken");
    expect(outcome(await update(k, { id: w.id, info: "x".repeat(1001) }))).toBe("InvalidWorkerInfo");
    expect(outcome(await update(k, { id: w.id, team: "00000000-0000-0000-0000-000000000000" }))).toBe("TeamNotFound");
    expect(outcome(await update(k, { id: "not-a-uuid", info: "x" }))).toBe("WorkerNotFound");
  });

  it("keeps a flagged owner's worker in maintenance", async () => {
    const w = await ownedWorker();
    await ctx.db.query("UPDATE users SET flagged = true WHERE id = $1", [w.owner.id]);
    expect(outcome(await update(w.owner.apiKey, { id: w.id, maintenance: false }))).toBe("WorkerFlaggedMaintenance");
  });
});

describe("pauseWorker", () => {
  it("is for moderators only; a paused worker gets no jobs", async () => {
    const w = await ownedWorker();
    const r = await ctx.t.gql(PAUSE, { input: { id: w.id, paused: true } }, { apikey: w.owner.apiKey });
    expect(outcome(r.data.pauseWorker)).toBe("NotModerator");
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const ok = await ctx.t.gql(PAUSE, { input: { id: w.id, paused: true } }, { apikey: mod.apiKey });
    expect(ok.data.pauseWorker.worker).toMatchObject({ paused: true, pausedReason: "moderator" });
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "p", models: SD });
    expect((await pop(ctx.t, w.owner.apiKey, { name: w.name, models: SD })).jobs).toHaveLength(0);
    await ctx.t.gql(PAUSE, { input: { id: w.id, paused: false } }, { apikey: mod.apiKey });
    expect((await pop(ctx.t, w.owner.apiKey, { name: w.name, models: SD })).jobs).toHaveLength(1);
  });
});

describe("a worker's private fields", () => {
  it("go to its owner and moderators only", async () => {
    const w = await ownedWorker();
    await ctx.db.query("UPDATE workers SET ipaddr = '10.1.2.3' WHERE id = $1", [w.id]);
    const stranger = await seedUser(ctx.db);
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    for (const apikey of [undefined, stranger.apiKey]) {
      const seen = (await ctx.t.gql(PRIVATE, { id: w.id }, { apikey })).data.worker;
      expect(seen).toMatchObject({ name: w.name, ipaddr: null, suspicion: null, messages: null });
    }
    for (const apikey of [w.owner.apiKey, mod.apiKey]) {
      const seen = (await ctx.t.gql(PRIVATE, { id: w.id }, { apikey })).data.worker;
      expect(seen).toMatchObject({ ipaddr: "10.1.2.3", suspicion: 0, messages: [] });
    }
  });
});

describe("worker messages", () => {
  it("a moderator writes to an owner, who reads it; others do not", async () => {
    const w = await ownedWorker();
    const stranger = await seedUser(ctx.db);
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    const sent = await ctx.t.gql(SEND, { input: { workerId: w.id, message: "please update" } }, { apikey: mod.apiKey });
    expect(outcome(sent.data.sendWorkerMessage)).toBe("SendWorkerMessagePayload");
    const mine = (await ctx.t.gql(MESSAGES, {}, { apikey: w.owner.apiKey })).data.workerMessages;
    expect(mine).toEqual([
      expect.objectContaining({ message: "please update", workerId: w.id, origin: "AI Horde Moderators" }),
    ]);
    expect((await ctx.t.gql(PRIVATE, { id: w.id }, { apikey: w.owner.apiKey })).data.worker.messages).toHaveLength(1);
    const theirs = (await ctx.t.gql(MESSAGES, {}, { apikey: stranger.apiKey })).data.workerMessages;
    expect(theirs.find((m: { workerId: string }) => m.workerId === w.id)).toBeUndefined();
    // a stranger cannot write to the worker, nor broadcast; nor delete the moderator's message
    const bad = await ctx.t.gql(SEND, { input: { workerId: w.id, message: "hi" } }, { apikey: stranger.apiKey });
    expect(outcome(bad.data.sendWorkerMessage)).toBe("WrongCredentials");
    const all = await ctx.t.gql(SEND, { input: { message: "to all" } }, { apikey: stranger.apiKey });
    expect(outcome(all.data.sendWorkerMessage)).toBe("WrongCredentials");
    const id = sent.data.sendWorkerMessage.id;
    const del = await ctx.t.gql(DELETE_MSG, { id }, { apikey: w.owner.apiKey });
    expect(outcome(del.data.deleteWorkerMessage)).toBe("WrongCredentials");
    expect(outcome((await ctx.t.gql(DELETE_MSG, { id }, { apikey: mod.apiKey })).data.deleteWorkerMessage)).toBe(
      "DeleteWorkerMessagePayload",
    );
  });

  it("an owner writes to their own worker under their id; bad input has stable codes", async () => {
    const w = await ownedWorker();
    const r = await ctx.t.gql(
      SEND,
      { input: { workerId: w.id, message: "note", origin: "x" } },
      { apikey: w.owner.apiKey },
    );
    expect(outcome(r.data.sendWorkerMessage)).toBe("SendWorkerMessagePayload");
    const [m] = await ctx.db.query<{ origin: string }>("SELECT origin FROM worker_messages WHERE id = $1", [
      r.data.sendWorkerMessage.id,
    ]);
    expect(m!.origin).toBe(String(w.owner.id));
    const k = { apikey: w.owner.apiKey };
    expect(outcome((await ctx.t.gql(SEND, { input: { workerId: w.id, message: "" } }, k)).data.sendWorkerMessage)).toBe(
      "InvalidWorkerMessage",
    );
    const long = await ctx.t.gql(SEND, { input: { workerId: w.id, message: "m", expiry: 721 } }, k);
    expect(outcome(long.data.sendWorkerMessage)).toBe("InvalidExpiry");
  });
});

describe("deleteWorker", () => {
  it("puts the jobs it holds back in the queue; only the owner or a moderator may", async () => {
    const w = await ownedWorker();
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "held", models: SD });
    const [job] = (await pop(ctx.t, w.owner.apiKey, { name: w.name, models: SD })).jobs;
    const stranger = await seedUser(ctx.db);
    expect(outcome((await ctx.t.gql(DELETE, { id: w.id }, { apikey: stranger.apiKey })).data.deleteWorker)).toBe(
      "WrongCredentials",
    );
    expect(outcome((await ctx.t.gql(DELETE, { id: w.id })).data.deleteWorker)).toBe("AnonForbidden");
    expect(outcome((await ctx.t.gql(DELETE, { id: w.id }, { apikey: w.owner.apiKey })).data.deleteWorker)).toBe(
      "DeleteWorkerPayload",
    );
    const [j] = await ctx.db.query<{ state: string; worker_id: string | null }>(
      "SELECT state, worker_id FROM jobs WHERE id = $1",
      [job!.id],
    );
    expect(j).toEqual({ state: "waiting", worker_id: null });
    expect(await ctx.db.query("SELECT 1 FROM workers WHERE id = $1", [w.id])).toHaveLength(0);
    // another worker takes the job (its first pop, which registers it)
    const next = await ownedWorker();
    const [again] = await ctx.db.query<{ worker_id: string }>("SELECT worker_id FROM jobs WHERE id = $1", [job!.id]);
    expect(again!.worker_id).toBe(next.id);
  });

  it("is WorkerLocked while a finished job names it; a moderator may delete", async () => {
    const w = await ownedWorker();
    const requester = await seedUser(ctx.db, { kudos: 100 });
    await createRequest(ctx.t, requester.apiKey, { prompt: "done", models: SD });
    const [job] = (await pop(ctx.t, w.owner.apiKey, { name: w.name, models: SD })).jobs;
    await submit(ctx.t, w.owner.apiKey, { id: job!.id });
    const mod = await seedUser(ctx.db, { moderator: true, trusted: true });
    expect(outcome((await ctx.t.gql(DELETE, { id: w.id }, { apikey: mod.apiKey })).data.deleteWorker)).toBe(
      "WorkerLocked",
    );
    const fresh = await ownedWorker();
    expect(outcome((await ctx.t.gql(DELETE, { id: fresh.id }, { apikey: mod.apiKey })).data.deleteWorker)).toBe(
      "DeleteWorkerPayload",
    );
  });
});
