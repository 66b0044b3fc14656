import { spawn } from "node:child_process";

/** How much of a child's early output is kept for a failure report. */
const MAX_HELD_BYTES = 256 * 1024;

/**
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null }} ExitStatus
 *
 * @typedef {object} ChildProcessHandle
 * @property {string} name how messages name it ("wrangler", "the sandbox")
 * @property {number} pid also the id of its process group
 * @property {Promise<ExitStatus>} exited settles when the process itself has exited
 * @property {() => string} heldOutput what it printed while held, stdout and stderr interleaved
 * @property {() => void} follow prints the held output, then passes output through live
 * @property {(graceMs?: number) => Promise<void>} stop ends the whole process group
 */

/**
 * Starts `command` as the leader of its own process group, so stopping the group also stops
 * whatever it spawned, and no terminal signal reaches it except through {@link
 * ChildProcessHandle.stop}. Its output is held (bounded) until `follow()` is called; if this
 * process exits without stopping it, the group is killed.
 *
 * @param {{ name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv }} options
 * @returns {ChildProcessHandle}
 * @example
 * const child = startChild({ name: "the sandbox", command: process.execPath,
 *   args: ["sandbox/dist/server.mjs"], cwd: root, env });
 * await child.stop();
 */
export function startChild({ name, command, args, cwd, env }) {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start (no pid)`);

  const output = holdOutput(child);
  /** @type {Promise<ExitStatus>} */
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (err) => {
      output.note(`could not run ${name}: ${err.message}\n`);
      resolve({ code: null, signal: null });
    });
  });
  let alive = true;
  exited.then(() => {
    alive = false;
  });
  // A safety net if this process exits without stopping the child first.
  const killOnExit = () => {
    try {
      killGroup(pid, "SIGKILL");
    } catch {
      // Nothing more can be done while exiting.
    }
  };
  process.once("exit", killOnExit);

  return {
    name,
    pid,
    exited,
    heldOutput: output.held,
    follow: output.follow,
    async stop(graceMs = 5000) {
      if (alive) {
        killGroup(pid, "SIGTERM");
        const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // The leader is gone; end whatever of its group outlived it.
      killGroup(pid, "SIGKILL");
      process.off("exit", killOnExit);
    },
  };
}

/**
 * Holds a child's output in memory (bounded) until `follow()`, then streams it through.
 * @param {import("node:child_process").ChildProcessByStdio<null, import("node:stream").Readable, import("node:stream").Readable>} child
 */
function holdOutput(child) {
  /** @type {{ stream: "stdout" | "stderr", chunk: Buffer }[]} */
  let held = [];
  let heldBytes = 0;
  let following = false;

  for (const stream of /** @type {const} */ (["stdout", "stderr"])) {
    child[stream].on("data", (/** @type {Buffer} */ chunk) => {
      if (following) {
        process[stream].write(chunk);
        return;
      }
      held.push({ stream, chunk });
      heldBytes += chunk.length;
      while (heldBytes > MAX_HELD_BYTES && held.length > 1) {
        heldBytes -= held.shift()?.chunk.length ?? 0;
      }
    });
  }
  return {
    /** @param {string} line */
    note(line) {
      held.push({ stream: "stderr", chunk: Buffer.from(line) });
    },
    held: () => Buffer.concat(held.map((h) => h.chunk)).toString("utf8"),
    follow() {
      for (const { stream, chunk } of held) process[stream].write(chunk);
      held = [];
      heldBytes = 0;
      following = true;
    },
  };
}

/**
 * Signals every process of a group; a group that no longer exists is not an error.
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 */
function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== "ESRCH") throw err;
  }
}
