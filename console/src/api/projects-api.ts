import { z } from "zod";
import { AgentSummary } from "../../../src/protocol/agents.js";
import {
  type AutomatonCommand,
  AutomatonControlResponse,
  AutomatonView,
  StartAutomatonResponse,
} from "../../../src/protocol/automatons.js";
import {
  type CreateTaskRequest,
  Project,
  Spec,
  Task,
  type TaskStatus,
  type UpdateTaskRequest,
} from "../../../src/protocol/projects.js";
import type { HttpClient } from "./http-client.js";

const Deleted = z.object({ id: z.string(), deleted: z.literal(true) });

/** `POST /automatons/:id/tick` answers what the tick queued; the console only needs the 2xx. */
const TickAnswer = z.unknown();

/**
 * The project and automaton routes of the HTTP API (docs/protocol.md, Projects and
 * Automatons), typed by the protocol's schemas.
 *
 * @example
 * const projects = new ProjectsApi(http);
 * const board = await projects.tasks(projectId);
 */
export class ProjectsApi {
  constructor(private readonly http: HttpClient) {}

  list(): Promise<Project[]> {
    return this.http.get("/projects", z.array(Project));
  }

  get(projectId: string): Promise<Project> {
    return this.http.get(`/projects/${projectId}`, Project);
  }

  create(request: { name: string; description?: string }): Promise<Project> {
    return this.http.post("/projects", request, Project);
  }

  tasks(projectId: string): Promise<Task[]> {
    return this.http.get(`/projects/${projectId}/tasks`, z.array(Task));
  }

  /** Adds a task; the server decides its status (`ready` or `pending`, by its dependencies). */
  createTask(projectId: string, request: Partial<CreateTaskRequest>): Promise<Task> {
    return this.http.post(`/projects/${projectId}/tasks`, request, Task);
  }

  updateTask(projectId: string, taskId: string, patch: UpdateTaskRequest): Promise<Task> {
    return this.http.patch(`/projects/${projectId}/tasks/${taskId}`, patch, Task);
  }

  /** Moves a task; a move the task's status does not allow is a `conflict` saying which do. */
  transitionTask(projectId: string, taskId: string, status: TaskStatus): Promise<Task> {
    return this.http.post(`/projects/${projectId}/tasks/${taskId}/transition`, { status }, Task);
  }

  deleteTask(projectId: string, taskId: string): Promise<z.infer<typeof Deleted>> {
    return this.http.delete(`/projects/${projectId}/tasks/${taskId}`, Deleted);
  }

  specs(projectId: string): Promise<Spec[]> {
    return this.http.get(`/projects/${projectId}/specs`, z.array(Spec));
  }

  spec(projectId: string, specId: string): Promise<Spec> {
    return this.http.get(`/projects/${projectId}/specs/${specId}`, Spec);
  }

  automatons(): Promise<AutomatonView[]> {
    return this.http.get("/automatons", z.array(AutomatonView));
  }

  automaton(automatonId: string): Promise<AutomatonView> {
    return this.http.get(`/automatons/${automatonId}`, AutomatonView);
  }

  /**
   * The project each agent of the org works on (`GET /agents`, its `project_id`): an
   * automaton's view names its agent, and the agent a project built-in runs in names the project.
   */
  async agentProjects(): Promise<Map<string, string>> {
    const agents = await this.http.get("/agents", z.array(AgentSummary));
    const projects = new Map<string, string>();
    for (const agent of agents) {
      if (agent.project_id !== undefined) projects.set(agent.agent_id, agent.project_id);
    }
    return projects;
  }

  /** Starts the project's dev loop (`POST /automaton/start {project_id}`). */
  startDevLoop(projectId: string): Promise<StartAutomatonResponse> {
    return this.http.post("/automaton/start", { project_id: projectId }, StartAutomatonResponse);
  }

  /** Starts a `task-run` of one task, whose first tick starts at once. */
  startTaskRun(projectId: string, taskId: string): Promise<StartAutomatonResponse> {
    return this.http.post(
      "/automaton/start",
      { project_id: projectId, task_id: taskId },
      StartAutomatonResponse,
    );
  }

  /**
   * Starts a `spec-gen` over the project (on demand) and asks for its one tick: it reads
   * `requirementsPath` from the project's workspace and replaces the project's specs.
   */
  async startSpecGen(projectId: string, requirementsPath: string): Promise<AutomatonView> {
    const view = await this.http.post(
      "/automatons",
      {
        kind: "spec-gen",
        project_id: projectId,
        requirements_path: requirementsPath,
        schedule: { type: "on_demand" },
      },
      AutomatonView,
    );
    await this.http.post(`/automatons/${view.automaton_id}/tick`, {}, TickAnswer);
    return view;
  }

  control(automatonId: string, command: AutomatonCommand): Promise<AutomatonControlResponse> {
    return this.http.post(`/automatons/${automatonId}/${command}`, {}, AutomatonControlResponse);
  }
}
