import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, readlinkSync } from "node:fs";
import path from "node:path";
import { descendants, killGroup } from "../process/process-groups.js";
import { commandEnv } from "../tools/command-env.js";

/** An interactive shell in a workspace. */
export interface ShellProcess {
  pid: number;
  /** True when the shell runs on a real pseudo-terminal (util-linux `script`). */
  pty: boolean;
  write(data: Buffer): void;
  /** Sets the terminal size; best effort, a no-op without a pty. */
  resize(cols: number, rows: number): void;
  /** Kills the shell and everything it started. */
  kill(): void;
  /** Stops reading the shell's output (the shell blocks once its pipe fills). */
  pause(): void;
  /** Reads the shell's output again. */
  resume(): void;
  onOutput(listener: (chunk: Buffer) => void): void;
  /** Called once, when the shell exits or could not start (`null`: no exit code). */
  onExit(listener: (code: number | null) => void): void;
}

/** How long output may still arrive after the shell exited. */
const EXIT_DRAIN_MS = 500;

let scriptPath: string | null | undefined;

/** `script` from util-linux on `PATH`, looked up once; `null` when there is none. */
function findScript(): string | null {
  if (scriptPath !== undefined) return scriptPath;
  scriptPath = null;
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":")) {
    const candidate = path.join(dir, "script");
    try {
      accessSync(candidate, constants.X_OK);
      scriptPath = candidate;
      break;
    } catch {
      // not in this directory
    }
  }
  return scriptPath;
}

/**
 * Starts `sh -i` in `cwd` with {@link commandEnv}, as the leader of its own process group.
 * Where util-linux `script` exists the shell gets a real pseudo-terminal
 * (`script -qfec "sh -i" /dev/null`, sized `cols`×`rows`); otherwise it runs on plain pipes
 * with stderr merged into the output.
 *
 * @example
 * const shell = spawnShell(workspace.root, 80, 24);
 * shell.onOutput((chunk) => socket.send(chunk));
 * shell.write(Buffer.from("ls\n"));
 */
export function spawnShell(cwd: string, cols: number, rows: number): ShellProcess {
  const script = findScript();
  const env = commandEnv(cwd, {
    TERM: "xterm-256color",
    COLUMNS: String(cols),
    LINES: String(rows),
  });
  // `cols` and `rows` are validated integers, so they are safe inside the command string.
  const child: ChildProcess = script
    ? spawn(
        script,
        ["-qfec", `stty cols ${cols} rows ${rows} 2>/dev/null; exec sh -i`, "/dev/null"],
        {
          cwd,
          env,
          detached: true,
          stdio: ["pipe", "pipe", "pipe"],
        },
      )
    : spawn("/bin/sh", ["-i"], { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
  const pid = child.pid ?? -1;
  return {
    pid,
    pty: script !== null,
    write(data) {
      if (child.stdin?.writable) child.stdin.write(data);
    },
    resize(newCols, newRows) {
      if (script !== null) resizePty(pid, newCols, newRows);
    },
    kill() {
      killShell(pid);
    },
    pause() {
      child.stdout?.pause();
      child.stderr?.pause();
    },
    resume() {
      child.stdout?.resume();
      child.stderr?.resume();
    },
    onOutput(listener) {
      child.stdout?.on("data", listener);
      child.stderr?.on("data", listener);
    },
    onExit(listener) {
      let reported = false;
      const report = (code: number | null) => {
        if (reported) return;
        reported = true;
        listener(code);
      };
      // `close` comes once the output pipes are drained too; a background job of the plain-pipe
      // fallback may hold them open, so `exit` reports on its own after a short grace.
      child.once("close", (code) => report(code));
      child.once("exit", (code) => setTimeout(() => report(code), EXIT_DRAIN_MS).unref());
      child.once("error", () => report(null));
    },
  };
}

/**
 * `script` puts the shell in a session of its own, so killing `script`'s group would leave the
 * shell and its jobs behind: every descendant is killed by pid, then the group itself.
 */
function killShell(pid: number): void {
  if (pid < 0) return;
  const pids = descendants(pid);
  for (const each of pids) {
    try {
      process.kill(each, "SIGKILL");
    } catch {
      // already gone
    }
  }
  killGroup(pid);
}

/** Sets the size of the pty the shell (a child of `script`) has as its stdin. */
function resizePty(scriptPid: number, cols: number, rows: number): void {
  const [shell] = descendants(scriptPid);
  if (shell === undefined) return;
  let tty: string;
  try {
    tty = readlinkSync(`/proc/${shell}/fd/0`);
  } catch {
    return;
  }
  if (!tty.startsWith("/dev/pts/")) return;
  const stty = spawn("stty", ["-F", tty, "cols", String(cols), "rows", String(rows)], {
    stdio: "ignore",
  });
  stty.on("error", () => {});
}
