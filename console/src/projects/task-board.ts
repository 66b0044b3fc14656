import type { Task, TaskStatus } from "../../../src/protocol/projects.js";

/** The board's columns, in the order a task moves through them. */
export const BOARD_COLUMNS: readonly { status: TaskStatus; title: string }[] = [
  { status: "pending", title: "Pending" },
  { status: "ready", title: "Ready" },
  { status: "in_progress", title: "In progress" },
  { status: "blocked", title: "Blocked" },
  { status: "failed", title: "Failed" },
  { status: "done", title: "Done" },
];

/**
 * Tasks grouped by status, each column in the tasks' `order` (then creation time).
 *
 * @example
 * taskBoard(tasks).get("ready"); // [the ready tasks, lowest order first]
 */
export function taskBoard(tasks: readonly Task[]): Map<TaskStatus, Task[]> {
  const board = new Map<TaskStatus, Task[]>(BOARD_COLUMNS.map((c) => [c.status, []]));
  for (const task of tasks) board.get(task.status)?.push(task);
  for (const column of board.values()) {
    column.sort((a, b) => a.order - b.order || a.created_at - b.created_at);
  }
  return board;
}

/** The commands an automaton in `status` accepts (src/automaton/lifecycle.ts). */
export function allowedCommands(status: string): ("pause" | "resume" | "stop")[] {
  if (status === "running") return ["pause", "stop"];
  if (status === "installing") return ["stop"];
  if (status === "paused") return ["resume", "stop"];
  return [];
}

/**
 * The statuses a task may be asked to move to: every other column, in board order. Which of
 * them the task's status allows is the server's rule, and a refusal says which it allows.
 *
 * @example
 * moveTargets("ready").map((c) => c.status); // ["pending", "in_progress", "blocked", "failed", "done"]
 */
export function moveTargets(status: TaskStatus): { status: TaskStatus; title: string }[] {
  return BOARD_COLUMNS.filter((column) => column.status !== status);
}
