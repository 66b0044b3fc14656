import type { Context } from "hono";
import type { ExecuteInput, Mutated, ProjectAddress } from "../../../durable-objects/project-do.js";
import { projectStub } from "../../../durable-objects/stubs.js";
import { unwrap } from "../../core/errors.js";
import { ProjectId } from "../../protocol/projects.js";
import { validate } from "../body.js";
import type { AppEnv } from "../context.js";

/** Bodies of project, spec and task writes are at most this large (a spec is up to 500 kB). */
export const MAX_PROJECT_BODY_BYTES = 2 * 1024 * 1024;

/**
 * The project a `/projects/:id…` request names, in the caller's org: its address and stub.
 *
 * @example
 * const { address, stub } = projectTarget(c);
 */
export function projectTarget(c: Context<AppEnv>) {
  const projectId = validate(ProjectId, c.req.param("id"), "project_id");
  const { org } = c.get("principal");
  const address: ProjectAddress = { org, project_id: projectId };
  return { address, stub: projectStub(c.env, org, projectId) };
}

/**
 * Runs one command on the request's project (or on `projectId`, for a create) and answers what
 * it made or changed; a refusal becomes the error it names.
 *
 * @example
 * const task = await executeOn(c, { type: "transition_task", now: Date.now(), task_id, status });
 */
export async function executeOn(
  c: Context<AppEnv>,
  command: ExecuteInput["command"],
  projectId?: string,
): Promise<Mutated> {
  const { org, sub } = c.get("principal");
  const address =
    projectId === undefined ? projectTarget(c).address : { org, project_id: projectId };
  const stub = projectStub(c.env, org, address.project_id);
  return unwrap(await stub.execute({ ...address, sub, command })).value;
}
