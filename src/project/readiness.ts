import type { Task, TaskStatus } from "../protocol/projects.js";
import type { ProjectEvent } from "./project-events.js";
import { followsDependencies } from "./task-status.js";

/**
 * The dependencies of `task` that are not `done` yet (unknown ids count as unfinished).
 *
 * @example
 * unfinishedDependencies(task, tasks); // ["9f…"] while 9f… is not done
 */
export function unfinishedDependencies(
  task: Pick<Task, "dependency_ids">,
  tasks: ReadonlyMap<string, Task>,
): string[] {
  return task.dependency_ids.filter((id) => tasks.get(id)?.status !== "done");
}

/**
 * The status readiness gives a `pending` or `ready` task: `ready` when every dependency is
 * done, else `pending`. Other statuses are kept.
 *
 * @example
 * settledStatus({ status: "pending", dependency_ids: [] }, tasks); // "ready"
 */
export function settledStatus(
  task: Pick<Task, "status" | "dependency_ids">,
  tasks: ReadonlyMap<string, Task>,
): TaskStatus {
  if (!followsDependencies(task.status)) return task.status;
  return unfinishedDependencies(task, tasks).length === 0 ? "ready" : "pending";
}

/**
 * The `task_transitioned` events (cause `dependencies`) that bring every `pending`/`ready`
 * task in line with its dependencies, in task order. One pass suffices: readiness depends
 * only on dependencies being `done`, which settling never changes.
 *
 * @example
 * settleReadiness(tasksAfterDone, now); // [{ type: "task_transitioned", to: "ready", … }]
 */
export function settleReadiness(tasks: ReadonlyMap<string, Task>, now: number): ProjectEvent[] {
  const events: ProjectEvent[] = [];
  for (const task of tasks.values()) {
    const to = settledStatus(task, tasks);
    if (to === task.status) continue;
    events.push({
      type: "task_transitioned",
      task_id: task.id,
      from: task.status,
      to,
      cause: "dependencies",
      attempts: task.attempts,
      at: now,
    });
  }
  return events;
}
