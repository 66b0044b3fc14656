import { expect } from "vitest";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import type { Project, Task } from "../../src/protocol/projects.js";
import type { ModelResponse } from "../../src/reasoner/types.js";
import { bodyOf, call, waitFor } from "./helpers.js";
import { createProject } from "./project-helpers.js";
import { finalText, scriptModel, type TurnView, toolCalls } from "./scripted-model.js";

/** One scripted step: the tool calls (or final text) the model answers at that step. */
export type Step = Array<{ name: string; input: Record<string, unknown> }> | string;

/** A task-run started over a new project's one task. */
export interface Started {
  project: Project;
  task: Task;
  automaton_id: string;
  agent_id: string;
}

/** What a task-run's turn saw: the tool results so far at each step, as the model read them. */
export interface Scripted {
  seen: TurnView["results"][];
  /** Real model calls of the task's turn. */
  calls(): number;
}

/**
 * Scripts the model of the turn whose task is titled `title`, step by step (restore with
 * `vi.restoreAllMocks()`).
 *
 * @example
 * const script = scriptTask("add module", [[plan], [done()], "finished"]);
 */
export function scriptTask(title: string, steps: Step[]): Scripted {
  const seen: TurnView["results"][] = [];
  let calls = 0;
  scriptModel(({ opening, step, request, results }) => {
    if (!opening.startsWith(`# Task: ${title}\n`)) return undefined;
    calls++;
    seen[step] = results;
    return answer(request.model, title, step, steps[step] ?? "nothing more");
  });
  return { seen, calls: () => calls };
}

/**
 * Makes a project with one task titled `title` and starts its task-run with
 * `POST /automaton/start`, which must answer 201 with the automaton's stream URL.
 */
export async function startTask(token: string, title: string): Promise<Started> {
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
  return { project, task, automaton_id, agent_id: automaton_id.slice(0, 64) };
}

/** Scripts, starts and waits until the task-run is final. */
export async function runTask(
  token: string,
  title: string,
  steps: Step[],
): Promise<Started & Scripted> {
  const script = scriptTask(title, steps);
  const started = await startTask(token, title);
  await finalOf(token, started.automaton_id);
  return { ...started, ...script };
}

function answer(model: string, title: string, step: number, planned: Step): ModelResponse {
  if (typeof planned === "string") return finalText(model, planned);
  return toolCalls(
    model,
    planned.map((c, i) => ({ id: `${title.replace(/\W/g, "")}-${step}-${i}`, ...c })),
  );
}

/** Waits until the automaton is completed, failed or stopped. */
export function finalOf(token: string, id: string): Promise<AutomatonView> {
  return waitFor(`automaton ${id.slice(0, 8)} to end`, async () => {
    const view = await statusOf(token, id);
    return ["completed", "failed", "stopped"].includes(view.status) ? view : undefined;
  });
}

/** `GET /automatons/:id`. */
export async function statusOf(token: string, id: string): Promise<AutomatonView> {
  return bodyOf<AutomatonView>(await call("GET", `/automatons/${id}`, { token }));
}

/** The task as its project holds it now. */
export async function taskOf(token: string, run: { project: Project; task: Task }): Promise<Task> {
  const tasks = await bodyOf<Task[]>(
    await call("GET", `/projects/${run.project.id}/tasks`, { token }),
  );
  const found = tasks.find((t) => t.id === run.task.id);
  if (!found) throw new Error("task vanished");
  return found;
}

export const plan = { name: "submit_plan", input: { plan: "write the module" } };
export const write = (path: string, content: string) => ({
  name: "write_file",
  input: { path, content },
});
export const done = (extra: object = {}) => ({
  name: "task_done",
  input: { summary: "did it", ...extra },
});
