// No imports outside node:*: ensure-deps reads the running stacks before node_modules exists.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The stack's processes, one `<pid> <name>` a line, in its data dir while it runs. */
export const STACK_FILE = "stack.pid";
/** One file per running stack of a checkout, named by its pid, holding its data dir. */
export const CHECKOUT_STACKS_DIR = join(".aura", "stacks");

/**
 * What each process of a stack runs, found in its command line: a recorded pid whose command
 * line lacks it was reused by another program and is not the stack's.
 */
const MARKERS = /** @type {Record<string, string>} */ ({
  "npm start": "start.mjs",
  wrangler: "wrangler-guard.mjs",
  "the sandbox": "server.mjs",
});

/** @typedef {{ name: string, pid: number }} StackProcess */

/**
 * Records a running stack: its processes in `<dataDir>/stack.pid`, and the stack itself in
 * `<root>/.aura/stacks/<pid>` so that installs in this checkout see it. Call again with
 * every child started.
 * @param {{ root: string, dataDir: string, processes: StackProcess[] }} stack the first process is `npm start`
 * @example
 * recordStack({ root, dataDir, processes: [{ name: "npm start", pid: process.pid }] });
 */
export function recordStack({ root, dataDir, processes }) {
  mkdirSync(dataDir, { recursive: true });
  const lines = processes.map(({ pid, name }) => `${pid} ${name}\n`).join("");
  writeFileSync(join(dataDir, STACK_FILE), lines);
  recordCheckoutStack({ root, pid: processes[0]?.pid ?? process.pid, dataDir });
}

/**
 * Records in `<root>/.aura/stacks/<pid>` that a stack of this checkout runs, so no install
 * replaces node_modules under it; its data dir may not be known yet.
 * @param {{ root: string, pid: number, dataDir?: string }} stack
 */
export function recordCheckoutStack({ root, pid, dataDir = "(data dir not read yet)" }) {
  const dir = join(root, CHECKOUT_STACKS_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, String(pid)), `${dataDir}\n`);
}

/**
 * Removes what {@link recordStack} wrote for the stack led by `pid` (the data dir's file only
 * while it still names that stack).
 * @param {{ root: string, dataDir?: string, pid: number }} stack
 */
export function forgetStack({ root, dataDir, pid }) {
  if (dataDir !== undefined && readStackFile(dataDir)?.[0]?.pid === pid) {
    rmSync(join(dataDir, STACK_FILE), { force: true });
  }
  rmSync(join(root, CHECKOUT_STACKS_DIR, String(pid)), { force: true });
}

/**
 * The processes a stack recorded in `dataDir`, `undefined` when none is recorded.
 * @param {string} dataDir
 * @returns {StackProcess[] | undefined}
 */
export function readStackFile(dataDir) {
  let text;
  try {
    text = readFileSync(join(dataDir, STACK_FILE), "utf8");
  } catch {
    return undefined;
  }
  return text
    .split("\n")
    .map((line) => /^(\d+) (.+)$/.exec(line.trim()))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), name: String(m[2]) }));
}

/**
 * The stacks of this checkout that still run (their `npm start` process is alive), with
 * their data dirs; records of stacks that are gone are removed.
 * @param {string} root
 * @returns {{ pid: number, dataDir: string }[]}
 */
export function runningStacks(root) {
  const dir = join(root, CHECKOUT_STACKS_DIR);
  if (!existsSync(dir)) return [];
  const running = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(name);
    const path = join(dir, name);
    if (Number.isInteger(pid) && isRunning({ pid, name: "npm start" })) {
      running.push({ pid, dataDir: readFileSync(path, "utf8").trim() });
    } else {
      rmSync(path, { force: true });
    }
  }
  return running;
}

/**
 * Whether a recorded process still runs as what it was: alive, not a zombie, and (where
 * `/proc` shows command lines) running what its name says.
 * @param {StackProcess} process
 */
export function isRunning({ pid, name }) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EPERM") return false;
  }
  if (!existsSync("/proc/self/cmdline")) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const marker = MARKERS[name];
    return marker === undefined || commandLine.includes(marker);
  } catch {
    return false;
  }
}

/**
 * Describes processes for a message: `wrangler (pid 12) and the sandbox (pid 11)`.
 * @param {StackProcess[]} processes
 */
export function describeProcesses(processes) {
  return processes.map(({ name, pid }) => `${name} (pid ${pid})`).join(" and ");
}

/**
 * Ends what a stack whose `npm start` is gone left running: SIGTERM to each process group,
 * then SIGKILL to those still running after `graceMs`. Resolves the processes it stopped once
 * every member of their groups is gone (a child can hold the stack's port after its leader
 * ended), or a second after the SIGKILL at most.
 * @param {StackProcess[]} processes processes of the stack that still run (not `npm start`)
 * @param {number} [graceMs]
 * @returns {Promise<StackProcess[]>}
 */
export async function stopLeftovers(processes, graceMs = 5000) {
  for (const { pid } of processes) signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (processes.some(isRunning) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const { pid } of processes) signalGroup(pid, "SIGKILL");
  const killed = Date.now() + 1000;
  while (processes.some(({ pid }) => groupAlive(pid)) && Date.now() < killed) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return processes;
}

/**
 * Whether any process of the group `pid` led is still there (a zombie not yet reaped
 * included: its parent is gone, so init reaps it at once).
 * @param {number} pid
 */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === "EPERM";
  }
}

/**
 * Signals a process's group (each child of a stack leads its own), else the process alone.
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
