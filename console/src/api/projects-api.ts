import { z } from "zod";
import {
  type AutomatonCommand,
  AutomatonControlResponse,
  AutomatonView,
  StartAutomatonResponse,
} from "../../../src/protocol/automatons.js";
import { Project, Task } from "../../../src/protocol/projects.js";
import type { HttpClient } from "./http-client.js";

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

  automatons(): Promise<AutomatonView[]> {
    return this.http.get("/automatons", z.array(AutomatonView));
  }

  automaton(automatonId: string): Promise<AutomatonView> {
    return this.http.get(`/automatons/${automatonId}`, AutomatonView);
  }

  /** Starts the project's dev loop (`POST /automaton/start {project_id}`). */
  startDevLoop(projectId: string): Promise<StartAutomatonResponse> {
    return this.http.post("/automaton/start", { project_id: projectId }, StartAutomatonResponse);
  }

  control(automatonId: string, command: AutomatonCommand): Promise<AutomatonControlResponse> {
    return this.http.post(`/automatons/${automatonId}/${command}`, {}, AutomatonControlResponse);
  }
}
