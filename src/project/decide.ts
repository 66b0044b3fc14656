import { fail, type Result } from "../core/errors.js";
import type { Project, Spec } from "../protocol/projects.js";
import { decideTask } from "./decide-task.js";
import {
  nextOrder,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectState,
} from "./project-events.js";

/** The decider's answer: the events a command produces, or why it is refused. */
export type Decision = Result<{ events: ProjectEvent[] }>;

/**
 * Decides a command against the current state: the events it produces, or a failure
 * (`not_found`, `conflict`) that stores nothing. Pure: the time and new ids are in the command.
 *
 * @example
 * const decision = decide({ type: "create_spec", now, spec_id, fields }, state);
 * if (decision.ok) state = decision.events.reduce(evolve, state);
 */
export function decide(command: ProjectCommand, state: ProjectState): Decision {
  if (command.type === "create_project") {
    if (state.project || state.deleted) {
      return fail("conflict", `project ${command.project_id} already exists`);
    }
    const { git_repo_url, git_branch, ...fields } = command.fields;
    const project: Project = {
      id: command.project_id,
      ...fields,
      ...(git_repo_url === undefined ? {} : { git_repo_url }),
      ...(git_branch === undefined ? {} : { git_branch }),
      created_at: command.now,
      updated_at: command.now,
    };
    return ok({ type: "project_saved", project });
  }
  const project = state.deleted ? undefined : state.project;
  if (!project) return fail("not_found", "project not found");
  switch (command.type) {
    case "update_project":
      return ok({ type: "project_saved", project: patchProject(project, command) });
    case "delete_project":
      return ok({ type: "project_deleted", at: command.now });
    case "claim_dev_loop": {
      const current = project.dev_loop_automaton_id ?? null;
      if (current !== command.replaces) {
        return fail("conflict", `the project's dev loop is now ${current ?? "none"}: start again`, {
          automaton_id: current,
        });
      }
      const claimed = { ...project, dev_loop_automaton_id: command.automaton_id };
      return ok({ type: "project_saved", project: { ...claimed, updated_at: command.now } });
    }
    case "create_spec":
    case "update_spec":
    case "delete_spec":
      return decideSpec(command, state);
    default:
      return decideTask(command, state);
  }
}

function patchProject(
  project: Project,
  { patch, now }: Extract<ProjectCommand, { type: "update_project" }>,
): Project {
  const { git_repo_url, git_branch, ...rest } = patch;
  const next: Project = { ...project, ...rest, updated_at: now };
  if (git_repo_url === null) delete next.git_repo_url;
  else if (git_repo_url !== undefined) next.git_repo_url = git_repo_url;
  if (git_branch === null) delete next.git_branch;
  else if (git_branch !== undefined) next.git_branch = git_branch;
  return next;
}

type SpecCommand = Extract<ProjectCommand, { type: "create_spec" | "update_spec" | "delete_spec" }>;

function decideSpec(command: SpecCommand, state: ProjectState): Decision {
  if (command.type === "create_spec") {
    if (state.specs.has(command.spec_id)) {
      return fail("conflict", `spec ${command.spec_id} already exists`);
    }
    const { order, ...fields } = command.fields;
    const spec: Spec = {
      id: command.spec_id,
      ...fields,
      order: order ?? nextOrder(state.specs.values()),
      created_at: command.now,
      updated_at: command.now,
    };
    return ok({ type: "spec_saved", spec });
  }
  const spec = state.specs.get(command.spec_id);
  if (!spec) return fail("not_found", `spec ${command.spec_id} not found`);
  if (command.type === "update_spec") {
    return ok({ type: "spec_saved", spec: { ...spec, ...command.patch, updated_at: command.now } });
  }
  const users = [...state.tasks.values()].filter((t) => t.spec_id === spec.id).map((t) => t.id);
  if (users.length > 0) {
    return fail("conflict", `spec ${spec.id} is the spec of tasks ${users.join(", ")}`, {
      task_ids: users,
    });
  }
  return ok({ type: "spec_deleted", spec_id: spec.id });
}

function ok(...events: ProjectEvent[]): Decision {
  return { ok: true, events };
}
