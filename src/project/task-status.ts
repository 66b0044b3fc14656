import type { TaskStatus } from "../protocol/projects.js";

/**
 * The transitions a client (or an automaton) may ask for, from each status:
 *
 * | from          | to                                  |
 * |---------------|-------------------------------------|
 * | `pending`     | `blocked`                           |
 * | `ready`       | `in_progress`, `blocked`            |
 * | `in_progress` | `done`, `failed`, `blocked`, `ready` |
 * | `done`        | — (final)                           |
 * | `failed`      | `ready` (retry), `blocked`          |
 * | `blocked`     | `ready`, `pending`                  |
 *
 * `pending ⇄ ready` is not asked for: it follows the dependencies (see `readiness.ts`). A move
 * to `ready` also needs every dependency `done`.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ["blocked"],
  ready: ["in_progress", "blocked"],
  in_progress: ["done", "failed", "blocked", "ready"],
  done: [],
  failed: ["ready", "blocked"],
  blocked: ["ready", "pending"],
};

/**
 * The statuses a task in `from` may be moved to.
 *
 * @example
 * allowedTransitions("ready"); // ["in_progress", "blocked"]
 */
export function allowedTransitions(from: TaskStatus): readonly TaskStatus[] {
  return TASK_TRANSITIONS[from];
}

/**
 * Whether `from → to` is a transition a caller may ask for.
 *
 * @example
 * canTransition("failed", "ready"); // true
 * canTransition("done", "ready"); // false
 */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

/** Statuses that readiness recomputes from the dependencies; the others are kept as set. */
export function followsDependencies(status: TaskStatus): boolean {
  return status === "pending" || status === "ready";
}
