import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Drives the `aura` full-screen chat in a real pseudo-terminal (tmux). Shared by the TUI's
 * end-to-end test and its benchmark; the TCP proxy to put between it and a server (to cut the
 * connection, or to see when bytes leave the server) is scripts/lib/cut-proxy.mjs.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** True when the `tmux` command runs here. */
export function hasTmux() {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `node cli/bin/aura.mjs <args>` in a detached tmux session on its own server socket
 * (`tmux -L <socket>`), `cols` x `rows`. After the client exits the pane shows `EXIT=<code>`
 * and stays open, so a test can read the code.
 * @param {{ socket: string, args: string[], env?: Record<string, string>, cols?: number, rows?: number }} options
 */
export function startTui({ socket, args, env = {}, cols = 120, rows = 40 }) {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const command = [
    "cd",
    shellQuote(ROOT),
    "&&",
    "env",
    ...assignments,
    "node",
    "cli/bin/aura.mjs",
    ...args.map(shellQuote),
    '; echo "EXIT=$?"; sleep 600',
  ].join(" ");
  const tmux = (/** @type {string[]} */ ...a) =>
    execFileSync("tmux", ["-L", socket, ...a], { encoding: "utf8" });
  tmux("new-session", "-d", "-s", "tui", "-x", String(cols), "-y", String(rows), command);
  return {
    /** The visible screen, one string. */
    screen: () => tmux("capture-pane", "-p", "-t", "tui"),
    /** tmux key names (`Enter`, `C-c`, `y`). */
    keys: (/** @type {string[]} */ ...keys) => void tmux("send-keys", "-t", "tui", ...keys),
    /** Literal text, no key names. */
    type: (/** @type {string} */ text) => void tmux("send-keys", "-t", "tui", "-l", text),
    /**
     * Polls the screen until `test` holds; rejects with the last screen after `timeoutMs`.
     * @param {string | RegExp | ((screen: string) => boolean)} test
     */
    async waitFor(test, timeoutMs = 30_000, intervalMs = 50) {
      const check =
        typeof test === "function"
          ? test
          : typeof test === "string"
            ? (/** @type {string} */ s) => s.includes(test)
            : (/** @type {string} */ s) => test.test(s);
      const deadline = Date.now() + timeoutMs;
      let last = "";
      for (;;) {
        last = tmux("capture-pane", "-p", "-t", "tui");
        if (check(last)) return last;
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${String(test)}; the screen:\n${last}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    /**
     * A capture loop for timing: one tmux control-mode client (`tmux -C`, attached with
     * `ignore-size` so the pane keeps its size) that answers `capture-pane` without starting
     * a process per capture, so a capture takes about a millisecond instead of tens.
     */
    fastCapture: () => startControlCapture(socket),
    /** Kills this tmux server (by its socket name) and everything in it. */
    kill() {
      let path = "";
      try {
        path = tmux("display-message", "-p", "#{socket_path}").trim();
        execFileSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
      } catch {
        // already gone
      }
      if (path) rmSync(path, { force: true });
    },
  };
}

/**
 * @param {string} socket
 * @returns {Promise<{ screen: () => Promise<string>, close: () => void }>}
 */
async function startControlCapture(socket) {
  const child = spawn(
    "tmux",
    ["-L", socket, "-C", "attach-session", "-t", "tui", "-f", "ignore-size,no-output"],
    {
      stdio: ["pipe", "pipe", "ignore"],
    },
  );
  /** @type {Array<(text: string) => void>} */
  const waiting = [];
  let buffer = "";
  /** @type {string[] | undefined} */
  let block;
  let skipFirst = true;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (/** @type {string} */ chunk) => {
    buffer += chunk;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf("\n");
      if (line.startsWith("%begin")) block = [];
      else if (line.startsWith("%end") || line.startsWith("%error")) {
        const text = (block ?? []).join("\n");
        block = undefined;
        // The attach itself answers with one empty block first.
        if (skipFirst) skipFirst = false;
        else waiting.shift()?.(text);
      } else if (block) block.push(line);
    }
  });
  const screen = () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.stdin.write("capture-pane -p -t tui\n");
    });
  // Wait for the attach's own reply before the first capture.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    screen: /** @type {() => Promise<string>} */ (screen),
    close: () => {
      child.stdin.end();
      child.kill();
    },
  };
}

/** @param {string} value */
function shellQuote(value) {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
