import { WRITE_TOOLS } from "./tool-executor.js";

/** Iterations of failing writes to the same targets that make a stall (SPEC §7). */
export const WRITE_STALL_ITERATIONS = 3;

/** Iterations in a row where every tool call failed that stop the loop (SPEC §7). */
export const ALL_FAILED_ITERATIONS = 5;

/** One tool call of an iteration, as stall detection sees it. */
export interface ObservedCall {
  name: string;
  input: unknown;
  is_error: boolean;
}

/** What stall detection remembers between iterations. */
export interface StallState {
  /** Iterations in a row whose write calls all failed on {@link StallState.write_targets}. */
  write_streak: number;
  /** The sorted target paths of the current write streak (a canonical key). */
  write_targets: string;
  /** Iterations in a row with at least one tool call, all failed. */
  failed_streak: number;
}

/** Why stall detection stops a loop. */
export type StallVerdict = "stall_detected" | "all_tools_failed";

/** The state before any iteration. */
export function initialStallState(): StallState {
  return { write_streak: 0, write_targets: "", failed_streak: 0 };
}

/**
 * Folds one iteration's tool calls into the stall state (a pure evolve step) and says whether
 * the loop must stop.
 *
 * - A write stall is {@link WRITE_STALL_ITERATIONS} consecutive iterations that each made write
 *   calls (`write_file`, `edit_file`, `delete_file`), all failed, on the same set of paths.
 *   Any other iteration — no writes, a write that succeeded, other paths — restarts the count.
 * - {@link ALL_FAILED_ITERATIONS} consecutive iterations with tool calls that all failed stop
 *   the loop too; an iteration without tool calls, or with one success, restarts that count.
 *
 * A write stall is reported first when both hold.
 *
 * @example
 * const failedWrite = { name: "write_file", input: { path: "a.ts" }, is_error: true };
 * let state = initialStallState();
 * let verdict = null;
 * for (let i = 0; i < 3; i++) ({ state, verdict } = observeIteration(state, [failedWrite]));
 * verdict; // "stall_detected"
 */
export function observeIteration(
  state: StallState,
  calls: readonly ObservedCall[],
): { state: StallState; verdict: StallVerdict | null } {
  const writes = calls.filter((c) => WRITE_TOOLS.has(c.name));
  const failingWrites = writes.length > 0 && writes.every((c) => c.is_error);
  const targets = failingWrites ? targetKey(writes) : "";
  const writeStreak =
    failingWrites && targets === state.write_targets && state.write_streak > 0
      ? state.write_streak + 1
      : failingWrites
        ? 1
        : 0;
  const allFailed = calls.length > 0 && calls.every((c) => c.is_error);
  const next: StallState = {
    write_streak: writeStreak,
    write_targets: targets,
    failed_streak: allFailed ? state.failed_streak + 1 : 0,
  };
  const verdict: StallVerdict | null =
    next.write_streak >= WRITE_STALL_ITERATIONS
      ? "stall_detected"
      : next.failed_streak >= ALL_FAILED_ITERATIONS
        ? "all_tools_failed"
        : null;
  return { state: next, verdict };
}

function targetKey(writes: readonly ObservedCall[]): string {
  const paths = new Set(writes.map((c) => targetOf(c.input)));
  return JSON.stringify([...paths].sort());
}

function targetOf(input: unknown): string {
  if (input !== null && typeof input === "object" && "path" in input) {
    const path = (input as { path: unknown }).path;
    if (typeof path === "string") return path;
  }
  return "";
}
