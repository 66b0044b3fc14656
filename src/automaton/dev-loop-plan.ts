import type { Task } from "../protocol/projects.js";

/** Attempts a dev loop gives one task: the first, then up to 2 retries. */
export const MAX_TASK_ATTEMPTS = 3;

/** How a dev loop ended, as `loop_finished` reports it. */
export interface LoopFinished {
  outcome: "all_tasks_complete" | "all_tasks_blocked";
  completed_count: number;
  failed_count: number;
}

/**
 * The task a dev loop's next tick works on: one `in_progress` (a task someone left started:
 * the loop takes it over), else the first `ready` one — by `order`, then id. A ready task's
 * dependencies are all done, so picking among ready tasks is dependency order. None when no
 * task can run.
 *
 * @example
 * nextTask([{ id: "b", status: "ready", order: 1 }, { id: "a", status: "pending", order: 0 }]); // b
 */
export function nextTask<T extends Pick<Task, "id" | "status" | "order">>(
  tasks: readonly T[],
): T | undefined {
  const byOrder = [...tasks].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
  return (
    byOrder.find((t) => t.status === "in_progress") ?? byOrder.find((t) => t.status === "ready")
  );
}

/**
 * How the loop ends when no task can run: every task done is `all_tasks_complete`; anything
 * else left (failed, blocked, or pending behind them) is `all_tasks_blocked`.
 *
 * @example
 * loopFinished([{ status: "done" }, { status: "failed" }]);
 * // { outcome: "all_tasks_blocked", completed_count: 1, failed_count: 1 }
 */
export function loopFinished(tasks: readonly Pick<Task, "status">[]): LoopFinished {
  const completed = tasks.filter((t) => t.status === "done").length;
  const failed = tasks.filter((t) => t.status === "failed").length;
  return {
    outcome: completed === tasks.length ? "all_tasks_complete" : "all_tasks_blocked",
    completed_count: completed,
    failed_count: failed,
  };
}

/**
 * The tasks a failed task blocks: every task that depends on it, directly or through
 * others, and is still waiting (`pending` or `ready`), in order.
 *
 * @example
 * dependantsToBlock(tasks, "t2"); // t3 (depends on t2) and t4 (depends on t3)
 */
export function dependantsToBlock<
  T extends Pick<Task, "id" | "status" | "order" | "dependency_ids">,
>(tasks: readonly T[], failedId: string): T[] {
  const blocked = new Set<string>([failedId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      if (blocked.has(task.id)) continue;
      if (task.dependency_ids.some((id) => blocked.has(id))) {
        blocked.add(task.id);
        grew = true;
      }
    }
  }
  return tasks
    .filter((t) => t.id !== failedId && blocked.has(t.id))
    .filter((t) => t.status === "pending" || t.status === "ready")
    .sort((a, b) => a.order - b.order);
}

/**
 * The idempotency key of the prompt a dev loop's tick admits for a task: one per tick, so a
 * duplicated alarm or a resumed tick finds its turn instead of opening another, and each
 * retry is a fresh turn.
 *
 * @example
 * devLoopPromptKey(automatonId, 3, taskId); // "automaton:<id>:dev-loop:3:<task>"
 */
export function devLoopPromptKey(automatonId: string, tick: number, taskId: string): string {
  return `automaton:${automatonId}:dev-loop:${tick}:${taskId}`;
}

const DEV_LOOP_KEY = /^automaton:[0-9a-f]{80}:dev-loop:[1-9][0-9]*:([0-9a-f]{32})$/;

/**
 * The task a dev-loop prompt key names, or undefined for any other key.
 *
 * @example
 * taskOfDevLoopKey(devLoopPromptKey(id, 3, "ab12")); // "ab12"
 */
export function taskOfDevLoopKey(key: string): string | undefined {
  return DEV_LOOP_KEY.exec(key)?.[1];
}

/**
 * The commit message of a done task, and the marker a repeated commit is recognised by.
 *
 * @example
 * taskCommit({ id: "ab12", title: "Add the parser" });
 * // { message: "task(ab12): Add the parser", marker: "task(ab12):" }
 */
export function taskCommit(task: Pick<Task, "id" | "title">): { message: string; marker: string } {
  const title = task.title.replace(/\s+/g, " ").trim();
  return { message: `task(${task.id}): ${title}`, marker: `task(${task.id}):` };
}
