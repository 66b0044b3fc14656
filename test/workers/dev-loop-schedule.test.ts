import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import type { Commit, Task } from "../../src/protocol/projects.js";
import { checkProjectPath } from "../../src/session/workspace-path.js";
import { runtimeEvents, scriptTasks } from "./dev-loop-helpers.js";
import { agentStub, bodyOf, call, type ErrorResponse, mintToken, waitFor } from "./helpers.js";
import { createProject, createTask } from "./project-helpers.js";
import { finalOf, statusOf } from "./task-run-helpers.js";

const ORG = "org-dev-loop-schedule";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function createLoop(projectId: string, schedule: object): Promise<AutomatonView> {
  const response = await call("POST", "/automatons", {
    token,
    json: { kind: "dev-loop", project_id: projectId, schedule },
  });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  return bodyOf<AutomatonView>(response);
}

async function statuses(projectId: string): Promise<string[]> {
  const tasks = await bodyOf<Task[]>(await call("GET", `/projects/${projectId}/tasks`, { token }));
  return tasks.map((t) => `${t.title}:${t.status}`);
}

function ticksDone(id: string, count: number) {
  return waitFor(
    `${count} finished ticks`,
    async () => {
      const events = await runtimeEvents(token, id);
      const done = events.filter((e) => e.type === "automaton_tick_done");
      return done.length >= count ? events : undefined;
    },
    60_000,
  );
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("dev-loop schedules", () => {
  it("runs on_demand: an alarm ticks nothing, each requested tick does one task", async () => {
    const project = await createProject(token, { name: "on demand loop" });
    const a = await createTask(token, project.id, { title: "first" });
    await createTask(token, project.id, { title: "second", dependency_ids: [a.id] });
    scriptTasks();
    const view = await createLoop(project.id, { type: "on_demand" });
    expect(view.schedule).toEqual({ type: "on_demand" });

    await runDurableObjectAlarm(agentStub(ORG, view.agent_id));
    await settle();
    expect((await runtimeEvents(token, view.automaton_id)).map((e) => e.type)).toEqual([
      "automaton_lifecycle",
      "automaton_lifecycle",
    ]);
    expect(await statuses(project.id)).toEqual(["first:ready", "second:pending"]);

    const tick = () => call("POST", `/automatons/${view.automaton_id}/tick`, { token });
    expect((await tick()).status).toBe(202);
    await ticksDone(view.automaton_id, 1);
    await settle();
    expect(await statuses(project.id)).toEqual(["first:done", "second:ready"]);
    expect((await statusOf(token, view.automaton_id)).ticks).toBe(1);

    expect((await tick()).status).toBe(202);
    await ticksDone(view.automaton_id, 2);
    expect(await statuses(project.id)).toEqual(["first:done", "second:done"]);
    expect((await tick()).status).toBe(202);
    expect(await finalOf(token, view.automaton_id)).toMatchObject({
      status: "completed",
      ticks: 3,
    });
    const commits = await bodyOf<Commit[]>(
      await call("GET", `/projects/${project.id}/commits`, { token }),
    );
    expect(commits).toHaveLength(2);
  });

  it("runs on an interval: one task per slot, each tick due on the schedule's grid", async () => {
    const project = await createProject(token, { name: "interval loop" });
    const a = await createTask(token, project.id, { title: "one" });
    await createTask(token, project.id, { title: "two", dependency_ids: [a.id] });
    scriptTasks();
    const view = await createLoop(project.id, { type: "interval", seconds: 1 });
    expect(view.schedule).toEqual({ type: "interval", seconds: 1 });
    expect(view.next_due_ms).toBeGreaterThan(Date.now());
    const final = await waitFor(
      "the interval loop to end",
      async () => {
        await runDurableObjectAlarm(agentStub(ORG, view.agent_id));
        const now = await statusOf(token, view.automaton_id);
        return now.status === "running" ? undefined : now;
      },
      60_000,
    );
    expect(final.status).toBe("completed");
    const events = await runtimeEvents(token, view.automaton_id);
    const due = events.filter((e) => e.type === "automaton_tick").map((e) => Number(e.due_ms));
    expect(due).toHaveLength(3); // one, two, then the tick that finds the loop finished
    for (let i = 1; i < due.length; i++) {
      const gap = (due[i] ?? 0) - (due[i - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(1000);
      expect(gap % 1000).toBe(0);
    }
    expect(await statuses(project.id)).toEqual(["one:done", "two:done"]);
  });

  it("refuses an event-driven dev loop with 400 naming schedule.type", async () => {
    const project = await createProject(token, { name: "no events" });
    const response = await call("POST", "/automatons", {
      token,
      json: {
        kind: "dev-loop",
        project_id: project.id,
        schedule: {
          type: "event_driven",
          event_filter: { project_id: project.id, event: "task_ready" },
        },
      },
    });
    expect(response.status).toBe(400);
    const { error } = await bodyOf<ErrorResponse>(response);
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(
      /^schedule\.type: a dev-loop runs on continuous, interval, cron, on_demand/,
    );
    expect(
      (
        await bodyOf<{ dev_loop_automaton_id?: string }>(
          await call("GET", `/projects/${project.id}`, { token }),
        )
      ).dev_loop_automaton_id,
    ).toBeUndefined();
  });
});

describe("POST /automaton/start workspace_root", () => {
  it("maps an absolute host path as /stream maps project_path and records it on the install", async () => {
    const project = await createProject(token, { name: "host path" });
    const root = "/home/ann/My App";
    const response = await call("POST", "/automaton/start", {
      token,
      json: { project_id: project.id, workspace_root: root },
    });
    expect(response.status).toBe(201);
    const { automaton_id: id } = await bodyOf<{ automaton_id: string }>(response);
    const expected = checkProjectPath(root);
    if (!expected.ok) throw new Error("the mapping refused the path");
    expect(expected.path).toMatch(/^projects\/my-app-[0-9a-f]{12}$/);
    const status = await bodyOf<AutomatonView>(
      await call("GET", `/automaton/${id}/status`, { token }),
    );
    expect(status.workspace_path).toBe(expected.path);
    const [install] = await runtimeEvents(token, id);
    expect(install).toMatchObject({ from: null, to: "installing", workspace_path: expected.path });
  });

  it("takes workspace_root for a task-run too", async () => {
    const project = await createProject(token, { name: "task host path" });
    const task = await createTask(token, project.id, { title: "t" });
    const response = await call("POST", "/automaton/start", {
      token,
      json: { project_id: project.id, task_id: task.id, workspace_root: "C:\\Users\\ann\\repo" },
    });
    expect(response.status).toBe(201);
    const { automaton_id: id } = await bodyOf<{ automaton_id: string }>(response);
    const expected = checkProjectPath("C:\\Users\\ann\\repo");
    expect((await statusOf(token, id)).workspace_path).toBe(expected.ok && expected.path);
  });

  it("refuses a workspace_root that climbs out, naming the field, and starts nothing", async () => {
    const project = await createProject(token, { name: "bad host path" });
    const response = await call("POST", "/automaton/start", {
      token,
      json: { project_id: project.id, workspace_root: "/home/ann/../etc" },
    });
    expect(response.status).toBe(400);
    const { error } = await bodyOf<ErrorResponse>(response);
    expect(error).toEqual({
      code: "invalid_request",
      message: "workspace_root: must not contain '..' segments",
    });
    const named = await bodyOf<{ dev_loop_automaton_id?: string }>(
      await call("GET", `/projects/${project.id}`, { token }),
    );
    expect(named.dev_loop_automaton_id).toBeUndefined();
  });
});
