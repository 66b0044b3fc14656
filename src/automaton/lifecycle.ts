import { fail, type Result } from "../core/errors.js";
import type { AutomatonStatus } from "../protocol/automatons.js";

/** What may move an automaton from one status to another. */
export type LifecycleCommand = "start" | "pause" | "resume" | "stop" | "fail" | "complete";

/** The status each command leads to. */
const TARGET: Record<LifecycleCommand, AutomatonStatus> = {
  start: "running",
  pause: "paused",
  resume: "running",
  stop: "stopped",
  fail: "failed",
  complete: "completed",
};

/** The commands allowed in each status; the three final statuses allow none. */
const ALLOWED: Record<AutomatonStatus, readonly LifecycleCommand[]> = {
  installing: ["start", "stop", "fail"],
  running: ["pause", "stop", "fail", "complete"],
  paused: ["resume", "stop", "fail"],
  stopped: [],
  failed: [],
  completed: [],
};

/** A transition the lifecycle allows: from, to, and why (recorded with it). */
export interface Transition {
  from: AutomatonStatus;
  to: AutomatonStatus;
  reason?: string;
}

/**
 * True when no command leaves `status`: the automaton is done for good.
 *
 * @example
 * isFinal("stopped"); // true
 */
export function isFinal(status: AutomatonStatus): boolean {
  return ALLOWED[status].length === 0;
}

/**
 * The commands `status` allows.
 *
 * @example
 * allowedCommands("paused"); // ["resume", "stop", "fail"]
 */
export function allowedCommands(status: AutomatonStatus): readonly LifecycleCommand[] {
  return ALLOWED[status];
}

/**
 * Decides a lifecycle command against the recorded status: the transition to record, or a
 * `conflict` naming the commands the status allows.
 * `installing → running ⇄ paused → stopped | failed | completed`.
 *
 * @example
 * decideLifecycle("running", "pause"); // { ok: true, from: "running", to: "paused" }
 * decideLifecycle("stopped", "resume"); // { ok: false, code: "conflict", … }
 */
export function decideLifecycle(
  status: AutomatonStatus,
  command: LifecycleCommand,
  reason?: string,
): Result<Transition> {
  const allowed = ALLOWED[status];
  if (!allowed.includes(command)) {
    const options = allowed.length === 0 ? "none (it is final)" : allowed.join(", ");
    return fail(
      "conflict",
      `cannot ${command} an automaton that is ${status}; allowed: ${options}`,
      { status, command, allowed },
    );
  }
  const transition: Transition = { from: status, to: TARGET[command] };
  if (reason !== undefined) transition.reason = reason;
  return { ok: true, ...transition };
}
