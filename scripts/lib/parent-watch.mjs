import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** Command names of the shells npm runs a script through (`sh -c "node scripts/start.mjs"`). */
const SHELLS = new Set(["sh", "dash", "bash", "zsh", "ash", "ksh", "busybox"]);

/** How often the parent is checked; a dead parent is noticed within this. */
const CHECK_INTERVAL_MS = 250;

/**
 * Calls `onGone` once when `parentPid` is no longer this process's parent: it exited, however
 * it was killed (SIGKILL included), and this process was handed to init or a subreaper. The
 * check is a timer that does not keep the process alive.
 *
 * @param {{ parentPid: number, onGone: () => void, intervalMs?: number }} options
 * @returns {{ cancel(): void }}
 * @example
 * watchParent({ parentPid: Number(process.env.PARENT), onGone: () => process.exit(1) });
 */
export function watchParent({ parentPid, onGone, intervalMs = CHECK_INTERVAL_MS }) {
  return watchLinks([{ pid: process.pid, parent: parentPid }], onGone, intervalMs);
}

/**
 * Calls `onGone` once when the process that launched this one is gone. The launcher is the
 * parent, or — when `throughShells` — the first ancestor that is not a shell: under `npm
 * start` the parent is npm's `sh -c`, which outlives a SIGKILLed npm, so the shell's own
 * parent is watched as well. Ancestors are read from `/proc` (elsewhere from `ps`); where
 * neither answers, only the parent is watched.
 *
 * @param {{ onGone: () => void, throughShells?: boolean, intervalMs?: number }} options
 * @returns {{ cancel(): void, launcher: number }}
 * @example
 * watchLauncher({ throughShells: process.env.npm_lifecycle_event !== undefined, onGone: stop });
 */
export function watchLauncher({ onGone, throughShells = false, intervalMs = CHECK_INTERVAL_MS }) {
  const links = [{ pid: process.pid, parent: process.ppid }];
  while (throughShells) {
    const { pid, parent } = /** @type {{ pid: number, parent: number }} */ (links.at(-1));
    if (parent <= 1 || !SHELLS.has(commandNameOf(parent) ?? "")) break;
    const grandparent = parentOf(parent);
    if (grandparent === undefined || grandparent === pid) break;
    links.push({ pid: parent, parent: grandparent });
  }
  const watch = watchLinks(links, onGone, intervalMs);
  return {
    cancel: watch.cancel,
    launcher: /** @type {{ parent: number }} */ (links.at(-1)).parent,
  };
}

/**
 * Polls that every `pid` still has its `parent`; the first broken link calls `onGone`.
 * @param {{ pid: number, parent: number }[]} links
 * @param {() => void} onGone
 * @param {number} intervalMs
 */
function watchLinks(links, onGone, intervalMs) {
  const broken = () =>
    links.some(({ pid, parent }) =>
      pid === process.pid ? process.ppid !== parent : parentOf(pid) !== parent,
    );
  let done = false;
  const check = () => {
    if (done || !broken()) return;
    done = true;
    clearInterval(timer);
    onGone();
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  // The parent may already be gone before the first tick.
  queueMicrotask(check);
  return {
    cancel() {
      done = true;
      clearInterval(timer);
    },
  };
}

/**
 * A process's parent id, `undefined` once it has exited (or cannot be read).
 * @param {number} pid
 * @returns {number | undefined}
 */
export function parentOf(pid) {
  const stat = statOf(pid);
  if (stat !== undefined) {
    // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return state === "Z" ? undefined : Number(ppid);
  }
  const out = psField(pid, "ppid=");
  return out === undefined ? undefined : Number(out);
}

/**
 * A process's command name (`sh`, `node`), `undefined` once it has exited.
 * @param {number} pid
 * @returns {string | undefined}
 */
function commandNameOf(pid) {
  const stat = statOf(pid);
  if (stat !== undefined) return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  return psField(pid, "comm=")?.split("/").at(-1);
}

/** @param {number} pid @returns {string | undefined} */
function statOf(pid) {
  if (!existsSync("/proc/self/stat")) return undefined;
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * One `ps` column for one process, where there is no `/proc`.
 * @param {number} pid
 * @param {string} column
 */
function psField(pid, column) {
  if (existsSync("/proc/self/stat")) return undefined;
  try {
    const out = execFileSync("ps", ["-o", column, "-p", String(pid)], { encoding: "utf8" }).trim();
    return out === "" ? undefined : out;
  } catch {
    return undefined;
  }
}
