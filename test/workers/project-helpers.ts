import type { Project, Spec, Task, TaskStatus } from "../../src/protocol/projects.js";
import { bodyOf, call, type ErrorResponse } from "./helpers.js";

/**
 * `POST /projects` that must answer 201; returns the project.
 *
 * @example
 * const project = await createProject(token, { name: "demo" });
 */
export async function createProject(
  token: string,
  fields: object = { name: "demo" },
): Promise<Project> {
  return created<Project>(await call("POST", "/projects", { token, json: fields }));
}

/** `POST /projects/:id/tasks` that must answer 201; returns the task. */
export async function createTask(
  token: string,
  projectId: string,
  fields: { title?: string; dependency_ids?: string[]; spec_id?: string } = {},
): Promise<Task> {
  const json = { title: "task", ...fields };
  return created<Task>(await call("POST", `/projects/${projectId}/tasks`, { token, json }));
}

/** `POST /projects/:id/specs` that must answer 201; returns the spec. */
export async function createSpec(token: string, projectId: string, title = "spec"): Promise<Spec> {
  const json = { title, markdown_contents: `# ${title}` };
  return created<Spec>(await call("POST", `/projects/${projectId}/specs`, { token, json }));
}

/** `POST …/transition`, returning the raw response. */
export function transition(
  token: string,
  projectId: string,
  taskId: string,
  status: TaskStatus,
): Promise<Response> {
  return call("POST", `/projects/${projectId}/tasks/${taskId}/transition`, {
    token,
    json: { status },
  });
}

/** Moves a task through the given statuses; each step must answer 200. */
export async function moveTask(
  token: string,
  projectId: string,
  taskId: string,
  ...statuses: TaskStatus[]
): Promise<void> {
  for (const status of statuses) {
    const response = await transition(token, projectId, taskId, status);
    if (response.status !== 200) {
      throw new Error(`transition to ${status}: ${response.status} ${await response.text()}`);
    }
  }
}

/** The project's tasks by id. */
export async function tasksById(token: string, projectId: string): Promise<Map<string, Task>> {
  const tasks = await bodyOf<Task[]>(await call("GET", `/projects/${projectId}/tasks`, { token }));
  return new Map(tasks.map((t) => [t.id, t]));
}

/** The status and error of a refused request. */
export async function refusal(response: Response): Promise<{ status: number } & ErrorResponse> {
  return { status: response.status, ...(await bodyOf<ErrorResponse>(response)) };
}

async function created<T>(response: Response): Promise<T> {
  if (response.status !== 201) {
    throw new Error(`expected 201, got ${response.status}: ${await response.text()}`);
  }
  return bodyOf<T>(response);
}
