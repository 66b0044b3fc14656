import type { Task } from "../protocol/projects.js";

/**
 * The ids of tasks that are `ready` after a mutation and were not before it: created ready,
 * made ready because their last unfinished dependency finished, or moved to `ready` by a
 * request (a retry, a task given back). In task order. What a project tells the automatons
 * subscribed to its `task_ready` events.
 *
 * @example
 * becameReady(before.tasks, after.tasks); // ["9f…"] after 9f…'s last dependency is done
 */
export function becameReady(
  before: ReadonlyMap<string, Task>,
  after: ReadonlyMap<string, Task>,
): string[] {
  const ready: string[] = [];
  for (const task of after.values()) {
    if (task.status === "ready" && before.get(task.id)?.status !== "ready") ready.push(task.id);
  }
  return ready;
}

/**
 * The `sub` a project's `task_ready` trigger is admitted under in an agent's record: who
 * delivered it, so an event-driven filter reads only the project's own.
 *
 * @example
 * projectSub("cd".repeat(32)); // "project:cdcd…"
 */
export function projectSub(projectId: string): string {
  return `project:${projectId}`;
}

/**
 * The idempotency key of one `task_ready` delivery in the agent: a re-delivery of the same
 * change (after a crash, a retried alarm) is answered as a duplicate, so it is recorded once.
 *
 * @example
 * taskReadyKey(projectId, 7, taskId); // "task_ready:<project>:7:<task>"
 */
export function taskReadyKey(projectId: string, projectSeq: number, taskId: string): string {
  return `task_ready:${projectId}:${projectSeq}:${taskId}`;
}
