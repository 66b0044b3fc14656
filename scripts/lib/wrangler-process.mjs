import { spawn } from "node:child_process";
import { join } from "node:path";

/** How much of wrangler's early output is kept for a failure report. */
const MAX_HELD_BYTES = 256 * 1024;

/**
 * Settings that keep `wrangler dev` off the internet: no `request.cf` download, no
 * telemetry or error reports, no banner (whose update check queries the npm registry).
 */
export const OFFLINE_ENV = Object.freeze({
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
});

/**
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null }} ExitStatus
 *
 * @typedef {object} WranglerProcess
 * @property {number} pid also the id of its process group, which holds workerd too
 * @property {Promise<ExitStatus>} exited settles when wrangler itself has exited
 * @property {() => string} heldOutput what it printed while held, stdout and stderr interleaved
 * @property {() => void} follow prints the held output, then passes output through live
 * @property {(graceMs?: number) => Promise<void>} stop ends the whole process group
 */

/**
 * Starts `node_modules/.bin/wrangler` (not npx, so the pid is wrangler's) as the leader of
 * its own process group: stopping the group also stops the workerd processes it spawns.
 * Its output is held until {@link WranglerProcess.follow} is called.
 *
 * @param {{ root: string, args: string[], env: NodeJS.ProcessEnv }} options
 * @returns {WranglerProcess}
 * @example
 * const wrangler = startWrangler({ root, args: ["dev", "--port", "8787"], env: process.env });
 * await wrangler.stop();
 */
export function startWrangler({ root, args, env }) {
  const child = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    env: { ...env, ...OFFLINE_ENV },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("wrangler did not start (no pid)");

  const output = holdOutput(child);
  /** @type {Promise<ExitStatus>} */
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (err) => {
      output.note(`could not run wrangler: ${err.message}\n`);
      resolve({ code: null, signal: null });
    });
  });
  let alive = true;
  exited.then(() => {
    alive = false;
  });
  // A safety net if this process exits without stopping wrangler first.
  const killOnExit = () => {
    try {
      killGroup(pid, "SIGKILL");
    } catch {
      // Nothing more can be done while exiting.
    }
  };
  process.once("exit", killOnExit);

  return {
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
      // wrangler is gone; end whatever of its group outlived it.
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
