import { type ChildProcess, spawn } from "node:child_process";
import { readlinkSync } from "node:fs";
import { commandLaunch } from "../isolation/command-launch.js";
import { findOnPath, type Isolation } from "../isolation/isolation.js";
import { descendants, killGroup } from "../process/process-groups.js";

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
  scriptPath ??= findOnPath("script") ?? null;
  return scriptPath;
}

/**
 * Starts `sh -i` in the workspace `cwd`, as the leader of its own process group, with the
 * minimal command environment and inside the same OS sandbox as `run_command`
 * (`isolation`); `{ refused }` when isolation is on but unavailable. Where util-linux `script`
 * exists the shell gets a real pseudo-terminal (`script -qfec "sh -i" /dev/null`, sized
 * `cols`×`rows`, allocated inside the sandbox); otherwise it runs on plain pipes with stderr
 * merged into the output.
 *
 * @example
 * const shell = spawnShell(isolation, workspace.root, 80, 24);
 * if ("refused" in shell) throw new Error(shell.refused);
 * shell.onOutput((chunk) => socket.send(chunk));
 * shell.write(Buffer.from("ls\n"));
 */
export function spawnShell(
  isolation: Isolation,
  cwd: string,
  cols: number,
  rows: number,
): ShellProcess | { refused: string } {
  const script = findScript();
  // `cols` and `rows` are validated integers, so they are safe inside the command string.
  const launch = commandLaunch(isolation, {
    workspace: cwd,
    cwd,
    argv: script
      ? [script, "-qfec", `stty cols ${cols} rows ${rows} 2>/dev/null; exec sh -i`, "/dev/null"]
      : ["/bin/sh", "-i"],
    env: { TERM: "xterm-256color" },
  });
  if ("refused" in launch) return launch;
  const child: ChildProcess = spawn(launch.file, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
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
 * Confined, killing bwrap is enough (its PID namespace dies with it); the walk costs nothing.
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

/**
 * Sets the size of the pty the shell (a child of `script`) has as its stdin. The pty lives in
 * the sandbox's own `/dev/pts` when confined, so it is reached through the shell's
 * `/proc/<pid>/fd/0`, which names that very terminal from the host.
 */
function resizePty(rootPid: number, cols: number, rows: number): void {
  const shell = descendants(rootPid).find((pid) => stdinIsPty(pid));
  if (shell === undefined) return;
  const stty = spawn(
    "stty",
    ["-F", `/proc/${shell}/fd/0`, "cols", String(cols), "rows", String(rows)],
    { stdio: "ignore", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } },
  );
  stty.on("error", () => {});
}

function stdinIsPty(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/fd/0`).startsWith("/dev/pts/");
  } catch {
    return false;
  }
}
