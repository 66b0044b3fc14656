import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonView, Schedule } from "../../src/protocol/automatons.js";
import { type RuntimeEvent, runtimeEvents } from "./dev-loop-helpers.js";
import { agentStub, bodyOf, call, getRecord, mintToken, submitTx, waitFor } from "./helpers.js";
import { done, finalOf, plan, runTask, write } from "./task-run-helpers.js";

const ORG = "org-automaton-schedules";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function createChat(schedule: Schedule): Promise<AutomatonView> {
  const response = await call("POST", "/automatons", { token, json: { kind: "chat", schedule } });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  return bodyOf<AutomatonView>(response);
}

const ticksOf = (events: RuntimeEvent[]) => events.filter((e) => e.type === "automaton_tick");
const donesOf = (events: RuntimeEvent[]) => events.filter((e) => e.type === "automaton_tick_done");
const lifecycleOf = (events: RuntimeEvent[]) =>
  events
    .filter((e) => e.type === "automaton_lifecycle")
    .map((e) => ({
      from: e.from,
      to: e.to,
      ...(e.reason === undefined ? {} : { reason: e.reason }),
    }));

/** Delivers the agent's alarm (it must be armed) and lets the pump it starts finish. */
async function alarm(agentId: string): Promise<boolean> {
  const ran = await runDurableObjectAlarm(agentStub(ORG, agentId));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return ran;
}

function prompt(agentId: string, text: string): Promise<string> {
  return submitTx(token, { agent_id: agentId, kind: "user_prompt", text });
}

const sleepUntil = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

describe("each schedule kind, driven by the alarm", () => {
  it("on_demand: an alarm does not tick it; a request does, once", async () => {
    const view = await createChat({ type: "on_demand" });
    expect(view.next_due_ms).toBeUndefined();
    await prompt(view.agent_id, "waiting for a request");
    await alarm(view.agent_id);
    await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
    expect(ticksOf(await runtimeEvents(token, view.automaton_id))).toHaveLength(0);
    expect((await call("POST", `/automatons/${view.automaton_id}/tick`, { token })).status).toBe(
      202,
    );
    const events = await waitFor("the requested tick", async () => {
      const all = await runtimeEvents(token, view.automaton_id);
      return donesOf(all).length === 1 ? all : undefined;
    });
    expect(donesOf(events)[0]).toMatchObject({ tick: 1, outcome: "answered" });
    await alarm(view.agent_id);
    expect(ticksOf(await runtimeEvents(token, view.automaton_id))).toHaveLength(1);
  });

  it("interval: the alarm before the slot ticks nothing, the alarm at the slot ticks once", async () => {
    const view = await createChat({ type: "interval", seconds: 2 });
    const due = view.next_due_ms ?? 0;
    expect(due).toBeGreaterThan(Date.now());
    await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
    expect(ticksOf(await runtimeEvents(token, view.automaton_id))).toHaveLength(0);
    await sleepUntil(due + 50);
    await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
    const events = await runtimeEvents(token, view.automaton_id);
    expect(ticksOf(events)).toEqual([expect.objectContaining({ tick: 1, due_ms: due })]);
    expect(donesOf(events)).toEqual([expect.objectContaining({ tick: 1, outcome: "idle" })]);
  });

  it("cron: a per-second expression ticks at its occurrence, on the second", async () => {
    const view = await createChat({ type: "cron", expression: "* * * * * *" });
    const due = view.next_due_ms ?? 0;
    expect(due % 1000).toBe(0);
    await sleepUntil(due + 50);
    await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
    const [first] = ticksOf(await runtimeEvents(token, view.automaton_id));
    expect(first).toMatchObject({ tick: 1 });
    expect(Number(first?.due_ms) % 1000).toBe(0);
    expect(Number(first?.due_ms)).toBeGreaterThanOrEqual(due);
    await call("POST", `/automatons/${view.automaton_id}/stop`, { token });
  });

  it("continuous: an alarm with nothing waiting ticks nothing; a waiting message is answered", async () => {
    const view = await createChat({ type: "continuous" });
    await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
    expect(ticksOf(await runtimeEvents(token, view.automaton_id))).toHaveLength(0);
    await prompt(view.agent_id, "answer me");
    await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
    const events = await waitFor("the answered tick", async () => {
      const all = await runtimeEvents(token, view.automaton_id);
      return donesOf(all).length === 1 ? all : undefined;
    });
    expect(donesOf(events)[0]).toMatchObject({ outcome: "answered" });
  });
});

describe("lifecycle entries", () => {
  it("records running → completed when the built-in finishes its work", async () => {
    const run = await runTask(token, "completes", [
      [plan],
      [write("c.ts", "export const c = 1;\n")],
      [done()],
      "finished",
    ]);
    const events = await runtimeEvents(token, run.automaton_id);
    expect(lifecycleOf(events)).toEqual([
      { from: null, to: "installing" },
      { from: "installing", to: "running" },
      { from: "running", to: "completed", reason: "the built-in finished its work" },
    ]);
  });

  it("records running → failed with the reason when the built-in cannot go on", async () => {
    const run = await runTask(token, "fails", ["I will not do it"]);
    const view = await finalOf(token, run.automaton_id);
    expect(view.status).toBe("failed");
    const events = await runtimeEvents(token, run.automaton_id);
    const lifecycle = lifecycleOf(events);
    expect(lifecycle.slice(0, 2)).toEqual([
      { from: null, to: "installing" },
      { from: "installing", to: "running" },
    ]);
    expect(lifecycle.slice(2)).toEqual([{ from: "running", to: "failed", reason: view.reason }]);
    expect(view.reason).toMatch(/task_done/);
    // The failing transition is the last entry: nothing ran after it.
    expect(events.at(-1)).toMatchObject({ type: "automaton_lifecycle", to: "failed" });
  });
});

describe("a duplicated alarm", () => {
  it("runs one due slot once: two more deliveries for the slot leave the record as it was", async () => {
    const view = await createChat({ type: "interval", seconds: 2 });
    await prompt(view.agent_id, "one message");
    const due = view.next_due_ms ?? 0;
    await sleepUntil(due + 50);
    const stub = agentStub(ORG, view.agent_id);
    // Two deliveries of the slot's alarm at once (the runtime's own may fire alongside).
    await runInDurableObject(stub, async (instance) => {
      await Promise.all([instance.alarm(), instance.alarm()]);
    });
    const first = await waitFor("the slot's tick to finish", async () => {
      const all = await runtimeEvents(token, view.automaton_id);
      return donesOf(all).length === 1 ? all : undefined;
    });
    const before: RecordEntry[] = await getRecord(token, view.agent_id);
    expect(Date.now()).toBeLessThan(due + 2000); // still inside the slot
    // Two more deliveries for the same slot.
    await runInDurableObject(stub, (instance) => instance.alarm());
    await runInDurableObject(stub, (instance) => instance.alarm());
    const after = await getRecord(token, view.agent_id);
    expect(Date.now()).toBeLessThan(due + 2000);

    expect(ticksOf(first)).toEqual([
      expect.objectContaining({ type: "automaton_tick", tick: 1, due_ms: due }),
    ]);
    expect(donesOf(first)).toEqual([
      expect.objectContaining({ type: "automaton_tick_done", tick: 1, outcome: "answered" }),
    ]);
    expect(after).toEqual(before);
    const replies = after.filter((e) => e.tx.tx_type === "agent_msg" && e.proposals.trace);
    expect(replies).toHaveLength(1);
    await call("POST", `/automatons/${view.automaton_id}/stop`, { token });
  });
});
