import { type Failure, fail } from "../core/errors.js";
import type { Task } from "../protocol/projects.js";
import type { Decision } from "./decide.js";
import { dependantsOf, findCycle, unknownDependencies } from "./dependency-graph.js";
import {
  evolve,
  nextOrder,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectState,
} from "./project-events.js";
import { settleReadiness, unfinishedDependencies } from "./readiness.js";
import { allowedTransitions, canTransition } from "./task-status.js";

type TaskCommand = Extract<
  ProjectCommand,
  { type: "create_task" | "update_task" | "delete_task" | "transition_task" }
>;

/**
 * Decides a task command. Creating or re-pointing dependencies checks that every dependency
 * exists and that no cycle forms (`conflict` naming them); every accepted command ends with
 * the readiness it implies (`task_transitioned`, cause `dependencies`).
 *
 * @example
 * decideTask({ type: "transition_task", now, task_id, status: "done" }, state);
 */
export function decideTask(command: TaskCommand, state: ProjectState): Decision {
  if (command.type === "create_task") {
    if (state.tasks.has(command.task_id)) {
      return fail("conflict", `task ${command.task_id} already exists`);
    }
    const { order, spec_id, dependency_ids, ...fields } = command.fields;
    const task: Task = {
      id: command.task_id,
      ...fields,
      ...(spec_id === undefined ? {} : { spec_id }),
      status: "pending",
      dependency_ids: [...new Set(dependency_ids)],
      order: order ?? nextOrder(state.tasks.values()),
      attempts: 0,
      created_at: command.now,
      updated_at: command.now,
    };
    return saved(task, state, command.now);
  }
  const task = state.tasks.get(command.task_id);
  if (!task) return fail("not_found", `task ${command.task_id} not found`);
  switch (command.type) {
    case "update_task": {
      const { spec_id, dependency_ids, ...rest } = command.patch;
      const next: Task = { ...task, ...rest, updated_at: command.now };
      if (spec_id === null) delete next.spec_id;
      else if (spec_id !== undefined) next.spec_id = spec_id;
      if (dependency_ids !== undefined) next.dependency_ids = [...new Set(dependency_ids)];
      return saved(next, state, command.now);
    }
    case "delete_task": {
      const dependants = dependantsOf(task.id, graphOf(state.tasks));
      if (dependants.length > 0) {
        return fail("conflict", `task ${task.id} is a dependency of ${dependants.join(", ")}`, {
          dependant_ids: dependants,
        });
      }
      return settled([{ type: "task_deleted", task_id: task.id }], state, command.now);
    }
    case "transition_task":
      return transition(task, command.status, state, command.now);
  }
}

function transition(task: Task, to: Task["status"], state: ProjectState, now: number): Decision {
  if (!canTransition(task.status, to)) {
    const allowed = allowedTransitions(task.status);
    const list = allowed.length === 0 ? "none (it is final)" : allowed.join(", ");
    return fail(
      "conflict",
      `task ${task.id} cannot go from ${task.status} to ${to}: allowed ${list}`,
      {
        from: task.status,
        to,
        allowed,
      },
    );
  }
  if (to === "ready") {
    const unfinished = unfinishedDependencies(task, state.tasks);
    if (unfinished.length > 0) {
      return fail("conflict", `task ${task.id} waits for unfinished ${unfinished.join(", ")}`, {
        unfinished_dependency_ids: unfinished,
      });
    }
  }
  const attempts = to === "in_progress" ? task.attempts + 1 : task.attempts;
  const event: ProjectEvent = {
    type: "task_transitioned",
    task_id: task.id,
    from: task.status,
    to,
    cause: "requested",
    attempts,
    at: now,
  };
  return settled([event], state, now);
}

/** A task saved after checking its spec and dependencies, then readiness settled. */
function saved(task: Task, state: ProjectState, now: number): Decision {
  const refused = checkReferences(task, state);
  if (refused) return refused;
  return settled([{ type: "task_saved", task }], state, now);
}

function checkReferences(task: Task, state: ProjectState): Failure | undefined {
  if (task.spec_id !== undefined && !state.specs.has(task.spec_id)) {
    return fail("conflict", `spec ${task.spec_id} does not exist`, { spec_id: task.spec_id });
  }
  const graph = new Map(graphOf(state.tasks));
  graph.set(task.id, task.dependency_ids);
  const unknown = unknownDependencies(task.dependency_ids, graph);
  if (unknown.length > 0) {
    return fail("conflict", `unknown dependencies ${unknown.join(", ")}`, {
      unknown_dependency_ids: unknown,
    });
  }
  const cycle = findCycle(graph);
  if (cycle) {
    return fail("conflict", `dependency cycle ${cycle.join(" → ")}`, { cycle });
  }
  return undefined;
}

function settled(events: ProjectEvent[], state: ProjectState, now: number): Decision {
  const after = events.reduce(evolve, state);
  return { ok: true, events: [...events, ...settleReadiness(after.tasks, now)] };
}

function graphOf(tasks: ReadonlyMap<string, Task>): Map<string, readonly string[]> {
  return new Map([...tasks.values()].map((t) => [t.id, t.dependency_ids]));
}
