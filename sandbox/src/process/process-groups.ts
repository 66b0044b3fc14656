import { readFileSync } from "node:fs";
import { errnoCode } from "../tools/tool-failure.js";

/**
 * Sends SIGKILL to the process group led by `pid` (a child spawned with `detached: true`).
 * A group that is already gone is not an error.
 *
 * @example
 * killGroup(child.pid);
 */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch (err) {
    if (errnoCode(err) !== "ESRCH") throw err;
  }
}

/**
 * Every descendant of `pid` (children, grandchildren, …) alive now, read from
 * `/proc/<pid>/task/<pid>/children`. Empty where `/proc` is not available. Synchronous, so a
 * caller that is shutting down kills them before the process exits.
 *
 * @example
 * const pids = descendants(shell.pid);
 */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined) break;
    for (const child of childrenOf(next)) {
      if (found.includes(child)) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
    return text
      .split(/\s+/)
      .filter((part) => part !== "")
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The processes the sandbox has started and not yet reaped, each with the way to kill it and
 * everything it started, so `close()` can end them all: no command or terminal outlives the
 * server.
 *
 * @example
 * const groups = new ProcessGroups();
 * groups.add(child.pid);
 * child.once("exit", () => groups.delete(child.pid));
 * groups.killAll();
 */
export class ProcessGroups {
  private readonly live = new Map<number, () => void>();

  /** Records a process; `kill` defaults to SIGKILL of the group it leads. */
  add(pid: number, kill: () => void = () => killGroup(pid)): void {
    this.live.set(pid, kill);
  }

  /** Forgets a process (after it exited and its group was killed). */
  delete(pid: number): void {
    this.live.delete(pid);
  }

  /** Kills every recorded process and what it started. */
  killAll(): void {
    for (const kill of this.live.values()) kill();
    this.live.clear();
  }
}
