import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonView, Schedule } from "../../src/protocol/automatons.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  type ErrorResponse,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  submitTx,
  waitFor,
} from "./helpers.js";

const ORG = "org-automatons";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

type Event = Record<string, unknown> & { type: string; tick?: number; outcome?: string };

async function createAutomaton(schedule: Schedule, agentId?: string): Promise<AutomatonView> {
  const json = { kind: "chat", schedule, ...(agentId === undefined ? {} : { agent_id: agentId }) };
  const response = await call("POST", "/automatons", { token, json });
  if (response.status !== 201)
    throw new Error(`create: ${response.status} ${await response.text()}`);
  return bodyOf<AutomatonView>(response);
}

async function statusOf(id: string): Promise<AutomatonView> {
  return bodyOf<AutomatonView>(await call("GET", `/automatons/${id}`, { token }));
}

/** The runtime's entries about one automaton, decoded. */
async function eventsOf(id: string): Promise<Event[]> {
  const response = await call("GET", `/automatons/${id}/record`, { token });
  return (await bodyOf<RecordEntry[]>(response)).map((e) => payloadJson(e) as Event);
}

const ticks = (events: Event[]) => events.filter((e) => e.type === "automaton_tick");
const dones = (events: Event[]) => events.filter((e) => e.type === "automaton_tick_done");

/** The agent's turn replies (an `agent_msg` the kernel wrote ends every turn). */
async function replies(agentId: string): Promise<RecordEntry[]> {
  const record = await getRecord(token, agentId);
  return record.filter((e) => e.tx.tx_type === "agent_msg" && e.proposals.trace !== undefined);
}

function waitForDone(id: string, count: number): Promise<Event[]> {
  return waitFor(`${count} finished ticks`, async () => {
    const events = await eventsOf(id);
    return dones(events).length >= count ? events : undefined;
  });
}

function prompt(agentId: string, text: string): Promise<string> {
  return submitTx(token, { agent_id: agentId, kind: "user_prompt", text });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe("automaton lifecycle", () => {
  it("records installing → running → paused → running → stopped, each as a system entry", async () => {
    const created = await createAutomaton({ type: "on_demand" });
    expect(created).toMatchObject({ kind: "chat", status: "running", ticks: 0 });
    expect(created.automaton_id.startsWith(created.agent_id)).toBe(true);
    const id = created.automaton_id;
    for (const [command, status] of [
      ["pause", "paused"],
      ["resume", "running"],
      ["stop", "stopped"],
    ]) {
      const response = await call("POST", `/automatons/${id}/${command}`, { token });
      expect(await bodyOf(response)).toEqual({ ok: true, automaton_id: id, status });
    }
    const lifecycle = (await eventsOf(id)).map((e) => [e.from, e.to]);
    expect(lifecycle).toEqual([
      [null, "installing"],
      ["installing", "running"],
      ["running", "paused"],
      ["paused", "running"],
      ["running", "stopped"],
    ]);
    expect(await statusOf(id)).toMatchObject({ status: "stopped", reason: "stopped by request" });
    expect((await getVerify(token, created.agent_id)).ok).toBe(true);
  });

  it("refuses an invalid transition with 409 conflict naming the allowed commands", async () => {
    const { automaton_id: id } = await createAutomaton({ type: "on_demand" });
    await call("POST", `/automatons/${id}/pause`, { token });
    const again = await call("POST", `/automatons/${id}/pause`, { token });
    expect(again.status).toBe(409);
    const body = await bodyOf<ErrorResponse>(again);
    expect(body.error.code).toBe("conflict");
    expect(body.error.message).toContain("allowed: resume, stop, fail");
    await call("POST", `/automatons/${id}/stop`, { token });
    const final = await call("POST", `/automatons/${id}/resume`, { token });
    expect(final.status).toBe(409);
    expect((await bodyOf<ErrorResponse>(final)).error.message).toContain("none (it is final)");
  });

  it("answers the reference's routes with the same shapes; /automaton/start of a missing project is 404", async () => {
    const { automaton_id: id } = await createAutomaton({ type: "on_demand" });
    const status = await bodyOf(await call("GET", `/automaton/${id}/status`, { token }));
    expect(status).toMatchObject({ ok: true, automaton_id: id, status: "running" });
    const paused = await bodyOf(await call("POST", `/automaton/${id}/pause`, { token }));
    expect(paused).toEqual({ ok: true, automaton_id: id, status: "paused" });
    const list = await bodyOf<AutomatonView[]>(await call("GET", "/automaton/list", { token }));
    expect(list.find((a) => a.automaton_id === id)?.status).toBe("paused");
    const start = await call("POST", "/automaton/start", {
      token,
      json: { project_id: "a".repeat(64) },
    });
    expect(start.status).toBe(404);
    expect((await bodyOf<ErrorResponse>(start)).error.code).toBe("not_found");
  });

  it("answers 404 to another org, which never reaches the automaton's agent", async () => {
    const { automaton_id: id } = await createAutomaton({ type: "on_demand" });
    const other = await mintToken({ org: "org-automatons-other" });
    for (const [method, path] of [
      ["GET", `/automatons/${id}`],
      ["POST", `/automatons/${id}/stop`],
      ["POST", `/automatons/${id}/tick`],
      ["GET", `/automaton/${id}/status`],
    ]) {
      const response = await call(method as string, path as string, { token: other });
      expect(response.status).toBe(404);
    }
    expect((await statusOf(id)).status).toBe("running");
  });

  it("refuses a malformed schedule and a cron expression the library cannot parse", async () => {
    const bad = await call("POST", "/automatons", {
      token,
      json: { kind: "chat", schedule: { type: "interval", seconds: 0 } },
    });
    expect(bad.status).toBe(400);
    const cron = await call("POST", "/automatons", {
      token,
      json: { kind: "chat", schedule: { type: "cron", expression: "61 * * * *" } },
    });
    expect(cron.status).toBe(400);
    const kind = await call("POST", "/automatons", {
      token,
      json: { kind: "dev-loop", schedule: { type: "on_demand" } },
    });
    expect(kind.status).toBe(400);
    expect((await bodyOf<ErrorResponse>(kind)).error.message).toContain("project_id");
  });
});

describe("chat built-in", () => {
  it("holds queued messages and answers one per tick, in one turn each", async () => {
    const { automaton_id: id, agent_id: agentId } = await createAutomaton({ type: "on_demand" });
    await prompt(agentId, "first");
    await prompt(agentId, "second");
    await settle();
    expect(await replies(agentId)).toHaveLength(0);
    expect((await call("POST", `/automatons/${id}/tick`, { token })).status).toBe(202);
    const after1 = await waitForDone(id, 1);
    expect(dones(after1)[0]).toMatchObject({ tick: 1, outcome: "answered" });
    expect(await replies(agentId)).toHaveLength(1);
    await call("POST", `/automatons/${id}/tick`, { token });
    await waitForDone(id, 2);
    const answered = await replies(agentId);
    expect(answered).toHaveLength(2);
    await call("POST", `/automatons/${id}/tick`, { token });
    expect(dones(await waitForDone(id, 3))[2]).toMatchObject({ tick: 3, outcome: "idle" });
    expect(await replies(agentId)).toHaveLength(2);
  });

  it("lets held messages through once the automaton stops", async () => {
    const { automaton_id: id, agent_id: agentId } = await createAutomaton({ type: "on_demand" });
    await prompt(agentId, "waiting");
    await settle();
    expect(await replies(agentId)).toHaveLength(0);
    await call("POST", `/automatons/${id}/stop`, { token });
    await waitFor("the held message's reply", async () =>
      (await replies(agentId)).length === 1 ? true : undefined,
    );
  });
});

describe("schedules", () => {
  it("ticks an interval when due and not before", async () => {
    const agentId = await createAgent(token);
    const created = await createAutomaton({ type: "interval", seconds: 2 }, agentId);
    await prompt(agentId, "on the interval");
    await runDurableObjectAlarm(agentStub(ORG, agentId));
    expect(ticks(await eventsOf(created.automaton_id))).toHaveLength(0);
    expect(created.next_due_ms).toBeGreaterThan(Date.now());
    const events = await waitFor("the first interval tick", async () => {
      if (Date.now() >= (created.next_due_ms ?? 0))
        await runDurableObjectAlarm(agentStub(ORG, agentId));
      const all = await eventsOf(created.automaton_id);
      return dones(all).length > 0 ? all : undefined;
    });
    const [tick] = ticks(events);
    expect(tick).toMatchObject({ tick: 1, due_ms: created.next_due_ms });
    expect(dones(events)[0]).toMatchObject({ outcome: "answered" });
  });

  it("waits for a yearly cron expression's next occurrence and ticks a per-second one", async () => {
    const yearly = await createAutomaton({
      type: "cron",
      expression: "0 0 1 1 *",
      timezone: "UTC",
    });
    const nextYear = new Date().getUTCFullYear() + 1;
    expect(yearly.next_due_ms).toBe(Date.UTC(nextYear, 0, 1));
    await runDurableObjectAlarm(agentStub(ORG, yearly.agent_id));
    expect(ticks(await eventsOf(yearly.automaton_id))).toHaveLength(0);
    const everySecond = await createAutomaton({ type: "cron", expression: "* * * * * *" });
    const events = await waitFor("a per-second cron tick", async () => {
      await runDurableObjectAlarm(agentStub(ORG, everySecond.agent_id));
      const all = await eventsOf(everySecond.automaton_id);
      return dones(all).length > 0 ? all : undefined;
    });
    expect(ticks(events)[0]?.due_ms).toBe(
      Math.floor((ticks(events)[0]?.due_ms as number) / 1000) * 1000,
    );
  });

  it("ticks a continuous schedule only when there is a message to answer", async () => {
    const { automaton_id: id, agent_id: agentId } = await createAutomaton({ type: "continuous" });
    await runDurableObjectAlarm(agentStub(ORG, agentId));
    await settle();
    expect(ticks(await eventsOf(id))).toHaveLength(0);
    await prompt(agentId, "continuous");
    const events = await waitForDone(id, 1);
    expect(dones(events)[0]).toMatchObject({ outcome: "answered" });
    await settle();
    expect(ticks(await eventsOf(id))).toHaveLength(1);
  });

  it("ticks an event-driven schedule on an agent_msg and not on a trigger", async () => {
    const schedule: Schedule = { type: "event_driven", event_filter: { tx_type: "agent_msg" } };
    const { automaton_id: id, agent_id: agentId } = await createAutomaton(schedule);
    await submitTx(token, { agent_id: agentId, kind: "trigger", text: "not an event" });
    await settle();
    expect(ticks(await eventsOf(id))).toHaveLength(0);
    await submitTx(token, { agent_id: agentId, kind: "agent_msg", text: "hello" });
    const events = await waitForDone(id, 1);
    expect(dones(events)[0]).toMatchObject({ outcome: "answered" });
    await settle();
    expect(ticks(await eventsOf(id))).toHaveLength(1);
    expect(await replies(agentId)).toHaveLength(1);
  });
});

describe("ticks are idempotent by record", () => {
  it("runs no tick twice when the alarm is delivered twice at once", async () => {
    const created = await createAutomaton({ type: "interval", seconds: 1 });
    const { automaton_id: id, agent_id: agentId } = created;
    await prompt(agentId, "one");
    await prompt(agentId, "two");
    // Until the first slot (one to two periods after the install, on the agent's grid).
    const wait = (created.next_due_ms ?? Date.now()) - Date.now() + 100;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    await runInDurableObject(agentStub(ORG, agentId), async (instance) => {
      await Promise.all([instance.alarm(), instance.alarm(), instance.alarm()]);
    });
    const events = await eventsOf(id);
    const numbers = ticks(events).map((e) => e.tick);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.length).toBeGreaterThanOrEqual(1);
    const answered = dones(events).filter((e) => e.outcome === "answered").length;
    expect(await replies(agentId)).toHaveLength(answered);
  });

  it("begins no tick while paused and ticks again after resume", async () => {
    const { automaton_id: id, agent_id: agentId } = await createAutomaton({
      type: "interval",
      seconds: 1,
    });
    await call("POST", `/automatons/${id}/pause`, { token });
    await prompt(agentId, "while paused");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await runInDurableObject(agentStub(ORG, agentId), (instance) => instance.alarm());
    expect(ticks(await eventsOf(id))).toHaveLength(0);
    expect((await statusOf(id)).next_due_ms).toBeUndefined();
    expect((await call("POST", `/automatons/${id}/tick`, { token })).status).toBe(409);
    await call("POST", `/automatons/${id}/resume`, { token });
    const events = await waitFor("a tick after resume", async () => {
      await runDurableObjectAlarm(agentStub(ORG, agentId));
      const all = await eventsOf(id);
      return dones(all).length > 0 ? all : undefined;
    });
    expect(dones(events)[0]).toMatchObject({ tick: 1, outcome: "answered" });
  });

  it("rebuilds status and next tick from the record after an eviction", async () => {
    const { automaton_id: id } = await createAutomaton({ type: "interval", seconds: 3600 });
    await call("POST", `/automatons/${id}/pause`, { token });
    await call("POST", `/automatons/${id}/resume`, { token });
    const before = await statusOf(id);
    await evictAgents();
    const after = await statusOf(id);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: "running", ticks: 0 });
  });

  it("finishes a tick begun before an eviction without opening a second turn", async () => {
    const { automaton_id: id, agent_id: agentId } = await createAutomaton({ type: "on_demand" });
    await prompt(agentId, "one");
    await prompt(agentId, "two");
    await call("POST", `/automatons/${id}/tick`, { token });
    await evictAgents();
    await waitFor("the begun tick to finish", async () => {
      await runInDurableObject(agentStub(ORG, agentId), (instance) => instance.alarm());
      return dones(await eventsOf(id)).length === 1 ? true : undefined;
    });
    await settle();
    expect(ticks(await eventsOf(id))).toHaveLength(1);
    expect(await replies(agentId)).toHaveLength(1);
  });
});
