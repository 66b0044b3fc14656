import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonView, Schedule } from "../../src/protocol/automatons.js";
import type { Project } from "../../src/protocol/projects.js";
import {
  bodyOf,
  call,
  type ErrorResponse,
  evictAgents,
  getRecord,
  mintToken,
  payloadJson,
  waitFor,
} from "./helpers.js";
import { createProject, createTask, moveTask } from "./project-helpers.js";

const ORG = "org-task-ready";
let token: string;
let otherToken: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
  otherToken = await mintToken({ org: "org-task-ready-other", sub: "bob" });
});

type Event = Record<string, unknown> & { type: string; tick?: number; cause_seq?: number };

function projectObject(org: string, projectId: string) {
  return env.PROJECT.get(env.PROJECT.idFromName(JSON.stringify(["project", org, projectId])));
}

function taskReady(projectId: string): Schedule {
  return { type: "event_driven", event_filter: { project_id: projectId, event: "task_ready" } };
}

async function createAutomaton(schedule: Schedule): Promise<AutomatonView> {
  const response = await call("POST", "/automatons", { token, json: { kind: "chat", schedule } });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  return bodyOf<AutomatonView>(response);
}

async function eventsOf(id: string): Promise<Event[]> {
  const response = await call("GET", `/automatons/${id}/record`, { token });
  return (await bodyOf<RecordEntry[]>(response)).map((e) => payloadJson(e) as Event);
}

const ticks = (events: Event[]) => events.filter((e) => e.type === "automaton_tick");
const dones = (events: Event[]) => events.filter((e) => e.type === "automaton_tick_done");

/** The `task_ready` triggers the project delivered into the agent's record. */
async function triggers(agentId: string): Promise<RecordEntry[]> {
  const record = await getRecord(token, agentId);
  return record.filter((e) => e.tx.tx_type === "trigger" && e.tx.sub?.startsWith("project:"));
}

async function subscriptions(org: string, projectId: string): Promise<string[]> {
  const found = await projectObject(org, projectId).taskReadySubscriptions({
    org,
    project_id: projectId,
  });
  if (!found.ok) throw new Error(`subscriptions of ${projectId}: not found`);
  return found.subscriptions.map((s) => s.automaton_id);
}

/**
 * Runs one delivery pass of the project's alarm now (its alarm also fires by itself; a pass
 * run twice delivers nothing twice, which is what the agent's idempotency key is for).
 */
async function deliver(project: Project): Promise<void> {
  await runInDurableObject(projectObject(ORG, project.id), (instance) => instance.alarm());
}

function waitForDones(id: string, count: number): Promise<Event[]> {
  return waitFor(`${count} finished ticks`, async () => {
    const events = await eventsOf(id);
    return dones(events).length >= count ? events : undefined;
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("event_driven {project_id, event: task_ready}", () => {
  it("ticks once for a task created ready and once for a dependant made ready, each tick answering the recorded trigger", async () => {
    const project = await createProject(token, { name: "ready events" });
    const { automaton_id: id, agent_id: agentId } = await createAutomaton(taskReady(project.id));
    expect(await subscriptions(ORG, project.id)).toEqual([id]);

    const a = await createTask(token, project.id, { title: "first" });
    await deliver(project);
    let events = await waitForDones(id, 1);
    const b = await createTask(token, project.id, { title: "second", dependency_ids: [a.id] });
    await deliver(project);
    await settle();
    expect(ticks(await eventsOf(id))).toHaveLength(1);

    await moveTask(token, project.id, a.id, "in_progress", "done");
    await deliver(project);
    events = await waitForDones(id, 2);
    await settle();
    events = await eventsOf(id);
    expect(ticks(events)).toHaveLength(2);

    const delivered = await triggers(agentId);
    expect(delivered.map((e) => payloadJson(e))).toEqual([
      expect.objectContaining({ event: "task_ready", project_id: project.id, task_id: a.id }),
      expect.objectContaining({ event: "task_ready", project_id: project.id, task_id: b.id }),
    ]);
    expect(delivered.map((e) => e.tx.sub)).toEqual([
      `project:${project.id}`,
      `project:${project.id}`,
    ]);
    // Each tick names the trigger it answers: the record says why it ran.
    expect(ticks(events).map((e) => e.cause_seq)).toEqual(delivered.map((e) => e.seq));
  });

  it("records a re-delivered change once and ticks for it once", async () => {
    const project = await createProject(token, { name: "redelivery" });
    const { automaton_id: id, agent_id: agentId } = await createAutomaton(taskReady(project.id));
    const task = await createTask(token, project.id, { title: "only" });
    await deliver(project);
    await waitForDones(id, 1);
    const [first] = await triggers(agentId);
    const seq = Number(payloadJson(first as RecordEntry).project_seq);
    // The same delivery owed again (as after a crash between the agent's admission and the
    // project's bookkeeping): the agent answers it as a duplicate.
    await runInDurableObject(projectObject(ORG, project.id), (_instance, state) => {
      state.storage.sql.exec(
        `INSERT INTO task_ready_outbox (automaton_id, agent_id, task_id, project_seq)
         VALUES (?, ?, ?, ?)`,
        id,
        agentId,
        task.id,
        seq,
      );
    });
    await deliver(project);
    await settle();
    expect(await triggers(agentId)).toHaveLength(1);
    expect(ticks(await eventsOf(id))).toHaveLength(1);
    const owed = await runInDurableObject(projectObject(ORG, project.id), (_i, state) =>
      state.storage.sql.exec("SELECT COUNT(*) AS n FROM task_ready_outbox").one(),
    );
    expect(owed.n).toBe(0);
  });

  it("keeps the subscription across an eviction", async () => {
    const project = await createProject(token, { name: "durable" });
    const { automaton_id: id, agent_id: agentId } = await createAutomaton(taskReady(project.id));
    await evictAgents();
    await createTask(token, project.id, { title: "after eviction" });
    await deliver(project);
    await waitForDones(id, 1);
    expect(await triggers(agentId)).toHaveLength(1);
  });

  it("delivers nothing to a stopped automaton, and the project forgets it", async () => {
    const project = await createProject(token, { name: "stopped" });
    const { automaton_id: id, agent_id: agentId } = await createAutomaton(taskReady(project.id));
    expect((await call("POST", `/automatons/${id}/stop`, { token })).status).toBe(200);
    await waitFor("the subscription to end", async () =>
      (await subscriptions(ORG, project.id)).length === 0 ? true : undefined,
    );
    await createTask(token, project.id, { title: "nobody listens" });
    await deliver(project);
    await settle();
    expect(await triggers(agentId)).toHaveLength(0);
    expect(ticks(await eventsOf(id))).toHaveLength(0);
  });

  it("drops a subscription the stop did not reach when the agent answers it is final", async () => {
    const project = await createProject(token, { name: "stale" });
    const { automaton_id: id, agent_id: agentId } = await createAutomaton(taskReady(project.id));
    await call("POST", `/automatons/${id}/stop`, { token });
    await waitFor("the subscription to end", async () =>
      (await subscriptions(ORG, project.id)).length === 0 ? true : undefined,
    );
    // A subscription left behind (the stop's message lost): the delivery finds it final.
    await projectObject(ORG, project.id).subscribeTaskReady(
      { org: ORG, project_id: project.id },
      { automaton_id: id, agent_id: agentId },
    );
    await createTask(token, project.id, { title: "stale" });
    await deliver(project);
    expect(await subscriptions(ORG, project.id)).toEqual([]);
    expect(await triggers(agentId)).toHaveLength(0);
  });

  it("refuses another org's project with 404 and subscribes nothing there", async () => {
    const theirs = await createProject(otherToken, { name: "not yours" });
    const response = await call("POST", "/automatons", {
      token,
      json: { kind: "chat", schedule: taskReady(theirs.id) },
    });
    expect(response.status).toBe(404);
    const body = await bodyOf<ErrorResponse>(response);
    expect(body.error.code).toBe("not_found");
    expect(body.error.message).toContain("schedule.event_filter.project_id");
    expect(await subscriptions("org-task-ready-other", theirs.id)).toEqual([]);
  });

  it("refuses another org's project in a task-run's filter on /automaton/start too", async () => {
    const theirs = await createProject(otherToken, { name: "not yours either" });
    const mine = await createProject(token, { name: "mine" });
    const task = await createTask(token, mine.id, { title: "t" });
    const response = await call("POST", "/automaton/start", {
      token,
      json: { project_id: mine.id, task_id: task.id, schedule: taskReady(theirs.id) },
    });
    expect(response.status).toBe(404);
    const body = await bodyOf<ErrorResponse>(response);
    expect(body.error.message).toContain("schedule.event_filter.project_id");
    expect(await subscriptions("org-task-ready-other", theirs.id)).toEqual([]);
  });

  it("refuses a filter that is neither a transaction type nor a task_ready project", async () => {
    const response = await call("POST", "/automatons", {
      token,
      json: {
        kind: "chat",
        schedule: { type: "event_driven", event_filter: { event: "task_ready" } },
      },
    });
    expect(response.status).toBe(400);
  });
});
