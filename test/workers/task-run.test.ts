import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import type { Project, Task } from "../../src/protocol/projects.js";
import type { ModelResponse } from "../../src/reasoner/types.js";
import {
  agentStub,
  bodyOf,
  call,
  type ErrorResponse,
  evictAgents,
  getRecord,
  mintToken,
  waitFor,
} from "./helpers.js";
import { createProject } from "./project-helpers.js";
import { finalText, scriptModel, type TurnView, toolCalls } from "./scripted-model.js";

const ORG = "org-task-run";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** One scripted step: the tool calls (or final text) the model answers at that step. */
type Step = Array<{ name: string; input: Record<string, unknown> }> | string;

/** What a task-run's turn saw: the tool results of each step, as the model read them. */
interface Run {
  project: Project;
  task: Task;
  automaton_id: string;
  seen: TurnView["results"][];
}

/**
 * Makes a project with one task titled `title`, scripts the model of its turn step by step,
 * starts a task-run with `POST /automaton/start` and waits until the automaton is final.
 */
async function runTask(title: string, steps: Step[]): Promise<Run> {
  const seen: TurnView["results"][] = [];
  scriptModel(({ opening, step, request, results }) => {
    if (!opening.startsWith(`# Task: ${title}\n`)) return undefined;
    seen[step] = results;
    return answer(request.model, title, step, steps[step] ?? "nothing more");
  });
  const project = await createProject(token, { name: `p ${title}` });
  const task = await bodyOf<Task>(
    await call("POST", `/projects/${project.id}/tasks`, {
      token,
      json: { title, description: `description of ${title}` },
    }),
  );
  const started = await call("POST", "/automaton/start", {
    token,
    json: { project_id: project.id, task_id: task.id },
  });
  expect(started.status).toBe(201);
  const { automaton_id, event_stream_url } = await bodyOf<{
    automaton_id: string;
    event_stream_url: string;
  }>(started);
  expect(event_stream_url).toBe(`/stream/automaton/${automaton_id}`);
  await finalOf(automaton_id);
  return { project, task, automaton_id, seen };
}

function answer(model: string, title: string, step: number, planned: Step): ModelResponse {
  if (typeof planned === "string") return finalText(model, planned);
  return toolCalls(
    model,
    planned.map((c, i) => ({ id: `${title.replace(/\W/g, "")}-${step}-${i}`, ...c })),
  );
}

function finalOf(id: string): Promise<AutomatonView> {
  return waitFor(`automaton ${id.slice(0, 8)} to end`, async () => {
    const view = await bodyOf<AutomatonView>(await call("GET", `/automatons/${id}`, { token }));
    return ["completed", "failed", "stopped"].includes(view.status) ? view : undefined;
  });
}

async function statusOf(id: string): Promise<AutomatonView> {
  return bodyOf<AutomatonView>(await call("GET", `/automatons/${id}`, { token }));
}

async function taskOf(run: Pick<Run, "project" | "task">): Promise<Task> {
  const tasks = await bodyOf<Task[]>(
    await call("GET", `/projects/${run.project.id}/tasks`, { token }),
  );
  const found = tasks.find((t) => t.id === run.task.id);
  if (!found) throw new Error("task vanished");
  return found;
}

const plan = { name: "submit_plan", input: { plan: "write the module" } };
const write = (path: string, content: string) => ({
  name: "write_file",
  input: { path, content },
});
const done = (extra: object = {}) => ({
  name: "task_done",
  input: { summary: "did it", ...extra },
});

describe("task-run", () => {
  it("refuses a write before submit_plan, telling the model why", async () => {
    const run = await runTask("early write", [
      [write("early.ts", "export const a = 1;\n")],
      "I will wait",
    ]);
    expect(run.seen[1]?.at(-1)).toMatchObject({ is_error: true });
    expect(run.seen[1]?.at(-1)?.content).toContain("refused until your plan is recorded");
    expect((await statusOf(run.automaton_id)).status).toBe("failed");
  });

  it("plans, writes and finishes: the task is done in the project, the automaton completed, and the project's record verifies", async () => {
    const run = await runTask("add module", [
      [plan],
      [write("src/module.ts", "export function twice(n: number): number {\n  return 2 * n;\n}\n")],
      [done()],
      "finished",
    ]);
    expect(run.seen[3]?.at(-1)).toMatchObject({ is_error: false });
    const task = await taskOf(run);
    expect(task).toMatchObject({ status: "done", notes: "did it", attempts: 1 });
    expect(await statusOf(run.automaton_id)).toMatchObject({ status: "completed" });
    const verify = await call("GET", `/projects/${run.project.id}/verify`, { token });
    expect(await bodyOf(verify)).toMatchObject({ ok: true });
    // The file is in the project's workspace, not the agent's own
    const read = await call("GET", `/projects/${run.project.id}/read-file?path=src/module.ts`, {
      token,
    });
    expect(read.status).toBe(200);
  });

  it("refuses task_done when the task changed no file", async () => {
    const run = await runTask("no change", [[plan], [done()], "giving up"]);
    expect(run.seen[2]?.at(-1)).toMatchObject({ is_error: true });
    expect(run.seen[2]?.at(-1)?.content).toContain("the task changed no file");
    expect((await taskOf(run)).status).toBe("failed");
  });

  it("refuses task_done while the change has a TODO stub, and accepts it once finished", async () => {
    const run = await runTask("stubbed", [
      [plan],
      [write("stub.ts", "export const value = 1; // TODO compute it\n")],
      [done()],
      [write("stub.ts", "export const value = 41 + 1;\n")],
      [done()],
      "done",
    ]);
    expect(run.seen[3]?.at(-1)?.content).toContain("stub.ts: a TODO marker");
    expect(run.seen[3]?.at(-1)?.is_error).toBe(true);
    expect(run.seen[5]?.at(-1)?.is_error).toBe(false);
    expect((await taskOf(run)).status).toBe("done");
  });

  it("accepts task_done with no_changes_needed when nothing had to change", async () => {
    const run = await runTask("already there", [[plan], [done({ no_changes_needed: true })], "ok"]);
    expect(run.seen[2]?.at(-1)).toMatchObject({ is_error: false });
    expect((await taskOf(run)).status).toBe("done");
    expect((await statusOf(run.automaton_id)).status).toBe("completed");
  });

  it("fails the task and the automaton when the turn ends without task_done, with the reason in the task's notes", async () => {
    const run = await runTask("silent", ["I am not doing this"]);
    const task = await taskOf(run);
    expect(task.status).toBe("failed");
    expect(task.notes).toContain("without an accepted task_done");
    expect(task.notes).toContain("I am not doing this");
    const view = await statusOf(run.automaton_id);
    expect(view).toMatchObject({ status: "failed" });
    expect(view.reason).toContain("without an accepted task_done");
  });

  it("runs the turn once when the alarm is delivered twice and the object is evicted", async () => {
    let calls = 0;
    scriptModel(({ opening, step, request }) => {
      if (!opening.startsWith("# Task: twice\n")) return undefined;
      calls++;
      return answer(
        request.model,
        "twice",
        step,
        [[plan], [done({ no_changes_needed: true })], "ok"][step] ?? "ok",
      );
    });
    const project = await createProject(token, { name: "twice" });
    const task = await bodyOf<Task>(
      await call("POST", `/projects/${project.id}/tasks`, { token, json: { title: "twice" } }),
    );
    const created = await call("POST", "/automatons", {
      token,
      json: {
        kind: "task-run",
        project_id: project.id,
        task_id: task.id,
        schedule: { type: "on_demand" },
      },
    });
    expect(created.status).toBe(201);
    const view = await bodyOf<AutomatonView>(created);
    expect(view).toMatchObject({ kind: "task-run", status: "running", ticks: 0 });
    const stub = agentStub(ORG, view.agent_id);
    const tick = await call("POST", `/automatons/${view.automaton_id}/tick`, { token });
    expect(tick.status).toBe(202);
    // The alarm delivered twice at once, then an eviction, then the alarm again until it ends
    await runInDurableObject(stub, (instance) => Promise.all([instance.alarm(), instance.alarm()]));
    await evictAgents();
    await waitFor("the task-run to end", async () => {
      await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
      const { status } = await statusOf(view.automaton_id);
      return status === "running" ? undefined : true;
    });
    expect((await finalOf(view.automaton_id)).status).toBe("completed");
    expect(calls).toBe(3);
    const record: RecordEntry[] = await getRecord(token, view.agent_id);
    const prompts = record.filter((e) => e.tx.tx_type === "user_prompt");
    expect(prompts).toHaveLength(1);
    const dones = record.filter((e) => e.tx.tx_type === "tool_execution");
    expect(dones).toHaveLength(2);
    expect((await taskOf({ project, task })).status).toBe("done");
  });

  it("refuses a task-run without its task, and another org's project like a missing one", async () => {
    const project = await createProject(token, { name: "checks" });
    const missing = await call("POST", "/automatons", {
      token,
      json: { kind: "task-run", project_id: project.id, schedule: { type: "on_demand" } },
    });
    expect(missing.status).toBe(400);
    expect((await bodyOf<ErrorResponse>(missing)).error.message).toContain("task_id");
    const other = await mintToken({ org: "org-task-run-other" });
    const task = await bodyOf<Task>(
      await call("POST", `/projects/${project.id}/tasks`, { token, json: { title: "t" } }),
    );
    const foreign = await call("POST", "/automaton/start", {
      token: other,
      json: { project_id: project.id, task_id: task.id },
    });
    expect(foreign.status).toBe(404);
    const devLoop = await call("POST", "/automaton/start", {
      token,
      json: { project_id: project.id },
    });
    expect(devLoop.status).toBe(503);
    expect((await bodyOf<ErrorResponse>(devLoop)).error.message).toContain("dev-loop");
  });
});
