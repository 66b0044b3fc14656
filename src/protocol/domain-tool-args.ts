import { z } from "zod";
import {
  CreateSpecRequest,
  CreateTaskRequest,
  ItemId,
  ProjectId,
  TransitionTaskRequest,
  UpdateProjectRequest,
  UpdateSpecRequest,
  UpdateTaskRequest,
} from "./projects.js";

/**
 * Arguments of the domain tools: an agent's view of a project (SPEC §10), the same fields as
 * the `/projects` routes, built from their request schemas so the two never drift. Every tool
 * takes `project_id`; it may be left out when the agent was created with a `project_id`.
 */

const project_id = ProjectId.optional().describe(
  "The project (64 hex); defaults to the agent's own project",
);
const spec_id = ItemId.describe("The spec's id (32 hex)");
const task_id = ItemId.describe("The task's id (32 hex)");

const OnProject = z.strictObject({ project_id });

export const GetSpecArgs = z.strictObject({ project_id, spec_id });
export const CreateSpecArgs = CreateSpecRequest.extend({ project_id });
export const UpdateSpecArgs = UpdateSpecRequest.extend({ project_id, spec_id });
export const DeleteSpecArgs = GetSpecArgs;

export const ListTasksArgs = z.strictObject({
  project_id,
  status: TransitionTaskRequest.shape.status.optional().describe("Only tasks with this status"),
});
export const CreateTaskArgs = CreateTaskRequest.extend({ project_id });
export const UpdateTaskArgs = UpdateTaskRequest.extend({ project_id, task_id });
export const DeleteTaskArgs = z.strictObject({ project_id, task_id });
export const TransitionTaskArgs = TransitionTaskRequest.extend({ project_id, task_id });

export const UpdateProjectArgs = UpdateProjectRequest.extend({ project_id });
export const StartDevLoopArgs = z.strictObject({
  project_id,
  model: z.string().min(1).max(200).optional().describe("The model the loop's turns use."),
});

/** Every domain tool's argument schema, by name, in catalog order. */
export const DOMAIN_TOOL_ARGS = {
  get_project: OnProject,
  update_project: UpdateProjectArgs,
  list_specs: OnProject,
  get_spec: GetSpecArgs,
  create_spec: CreateSpecArgs,
  update_spec: UpdateSpecArgs,
  delete_spec: DeleteSpecArgs,
  list_tasks: ListTasksArgs,
  create_task: CreateTaskArgs,
  update_task: UpdateTaskArgs,
  delete_task: DeleteTaskArgs,
  transition_task: TransitionTaskArgs,
  start_dev_loop: StartDevLoopArgs,
  pause_dev_loop: OnProject,
  stop_dev_loop: OnProject,
} as const;

export type DomainToolName = keyof typeof DOMAIN_TOOL_ARGS;
export type DomainToolArgs<T extends DomainToolName> = z.infer<(typeof DOMAIN_TOOL_ARGS)[T]>;

/** The domain tools that only read a project (policy `always_allow` in every profile). */
export const DOMAIN_READ_TOOLS = ["get_project", "list_specs", "get_spec", "list_tasks"] as const;

/** The domain tools that change a project (policy like file writes). */
export const DOMAIN_WRITE_TOOLS = (Object.keys(DOMAIN_TOOL_ARGS) as DomainToolName[]).filter(
  (name) => !(DOMAIN_READ_TOOLS as readonly string[]).includes(name),
);

/**
 * True when `name` is a domain tool.
 *
 * @example
 * isDomainTool("create_task"); // true
 * isDomainTool("read_file"); // false
 */
export function isDomainTool(name: string): name is DomainToolName {
  return Object.hasOwn(DOMAIN_TOOL_ARGS, name);
}
