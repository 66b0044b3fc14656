import type { Failure } from "../core/errors.js";
import { hashCanonical } from "../core/hash.js";
import type { DomainToolArgs, DomainToolName } from "../protocol/domain-tool-args.js";
import type { TaskStatus } from "../protocol/projects.js";
import type { ToolErrorCode } from "../protocol/sandbox.js";
import type { ProjectCommand } from "./project-events.js";

/** What a domain tool call asks of its project: a read, or one command for the decider. */
export type DomainCall =
  | { kind: "read"; read: "project" | "specs" }
  | { kind: "read"; read: "spec"; spec_id: string }
  | { kind: "read"; read: "tasks"; status?: TaskStatus }
  | { kind: "mutate"; command: ProjectCommand }
  /** The project's dev loop: start one, or pause or stop the one it names. */
  | { kind: "loop"; command: "start" | "pause" | "stop"; model?: string };

/** Why a domain tool call fails, as the model is told: a tool error code and a message. */
export interface DomainFailure {
  ok: false;
  code: ToolErrorCode;
  message: string;
}

/** A domain tool call ready to run: its project, and what it asks. */
export type PlannedCall = { ok: true; project_id: string; call: DomainCall } | DomainFailure;

/**
 * The id a spec or task created by the call `actionId` gets: derived from the action id, so a
 * re-sent call names the same item (pure; no random number).
 *
 * @example
 * itemIdOf("9f…"); // 32 lowercase hex characters, the same for the same action id
 */
export function itemIdOf(actionId: string): string {
  return hashCanonical(["aura-domain-item", actionId]).slice(0, 32);
}

/**
 * Turns a validated domain tool call into a project read or command. The project is the
 * call's `project_id`, else the agent's own (`defaultProjectId`); with neither, the call is
 * `invalid_arguments` naming `project_id`. Time and the action id come in as arguments.
 *
 * @example
 * planDomainCall("transition_task", { task_id, status: "in_progress" }, { now, action_id, defaultProjectId });
 * // { ok: true, project_id, call: { kind: "mutate", command: { type: "transition_task", … } } }
 */
export function planDomainCall(
  tool: DomainToolName,
  args: Record<string, unknown>,
  context: { now: number; action_id: string; defaultProjectId?: string | undefined },
): PlannedCall {
  const { project_id: given, ...rest } = args;
  const projectId = typeof given === "string" ? given : context.defaultProjectId;
  if (projectId === undefined) {
    return {
      ok: false,
      code: "invalid_arguments",
      message: "project_id: required (this agent has no project of its own)",
    };
  }
  return { ok: true, project_id: projectId, call: callOf(tool, rest, context) };
}

function callOf(
  tool: DomainToolName,
  args: Record<string, unknown>,
  { now, action_id }: { now: number; action_id: string },
): DomainCall {
  const a = args as never;
  switch (tool) {
    case "get_project":
      return { kind: "read", read: "project" };
    case "list_specs":
      return { kind: "read", read: "specs" };
    case "get_spec":
      return { kind: "read", read: "spec", spec_id: (a as DomainToolArgs<"get_spec">).spec_id };
    case "list_tasks": {
      const { status } = a as DomainToolArgs<"list_tasks">;
      return { kind: "read", read: "tasks", ...(status === undefined ? {} : { status }) };
    }
    case "update_project":
      return mutate({ type: "update_project", now, patch: a });
    case "create_spec":
      return mutate({ type: "create_spec", now, spec_id: itemIdOf(action_id), fields: a });
    case "update_spec": {
      const { spec_id, ...patch } = a as DomainToolArgs<"update_spec">;
      return mutate({ type: "update_spec", now, spec_id, patch });
    }
    case "delete_spec":
      return mutate({ type: "delete_spec", now, spec_id: (a as { spec_id: string }).spec_id });
    case "create_task":
      return mutate({ type: "create_task", now, task_id: itemIdOf(action_id), fields: a });
    case "update_task": {
      const { task_id, ...patch } = a as DomainToolArgs<"update_task">;
      return mutate({ type: "update_task", now, task_id, patch });
    }
    case "delete_task":
      return mutate({ type: "delete_task", now, task_id: (a as { task_id: string }).task_id });
    case "transition_task": {
      const { task_id, status } = a as DomainToolArgs<"transition_task">;
      return mutate({ type: "transition_task", now, task_id, status });
    }
    case "start_dev_loop": {
      const { model } = a as DomainToolArgs<"start_dev_loop">;
      return { kind: "loop", command: "start", ...(model === undefined ? {} : { model }) };
    }
    case "pause_dev_loop":
      return { kind: "loop", command: "pause" };
    case "stop_dev_loop":
      return { kind: "loop", command: "stop" };
  }
}

function mutate(command: ProjectCommand): DomainCall {
  return { kind: "mutate", command };
}

/**
 * The tool error a project's refusal becomes. A project that does not exist and one of
 * another org answer alike (`invalid_arguments` naming `project_id`), so a call reveals no
 * other org's project; a missing spec or task is `path_not_found`; a conflict (an invalid
 * transition, a cycle, a dependency still in use) is `invalid_arguments` with the project's
 * reason, which names what is allowed.
 *
 * @example
 * domainFailureOf(fail("not_found", "project p not found"), "p");
 * // { ok: false, code: "invalid_arguments", message: "project_id: no project p in your organisation" }
 */
export function domainFailureOf(failure: Failure, projectId: string): DomainFailure {
  if (failure.code === "not_found" && failure.message.startsWith("project ")) {
    return {
      ok: false,
      code: "invalid_arguments",
      message: `project_id: no project ${projectId} in your organisation`,
    };
  }
  if (failure.code === "not_found") {
    return { ok: false, code: "path_not_found", message: failure.message };
  }
  if (failure.code === "conflict" || failure.code === "invalid_request") {
    return { ok: false, code: "invalid_arguments", message: `${failure.code}: ${failure.message}` };
  }
  return { ok: false, code: "io_error", message: `${failure.code}: ${failure.message}` };
}
