import { realpath, stat } from "node:fs/promises";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { killGroup } from "../process/process-groups.js";
import { confinePath } from "../workspace/confine.js";
import { CappedText } from "./capped-text.js";
import { checkCommandAllowed } from "./command-allowlist.js";
import type { ToolContext, ToolReply } from "./tool-context.js";
import { fsFailure, ToolFailure } from "./tool-failure.js";

/** Seconds a command may run when `timeout_secs` is not given (the schema caps it at 300). */
export const DEFAULT_TIMEOUT_SECS = 60;
/** Characters of stdout kept. */
export const STDOUT_CAP = 8000;
/** Characters of stderr kept. */
export const STDERR_CAP = 4000;
/** How long to wait for the pipes to drain after the command's group is gone. */
const PIPE_DRAIN_MS = 2000;

/**
 * `run_command`: runs `sh -c <command>` in the workspace (or `working_dir` inside it) as the
 * leader of its own process group, with the minimal environment of `commandEnv`, inside the
 * OS sandbox (`ctx.isolation`; refused as `tool_disabled` when isolation is on but
 * unavailable). When the shell exits — or the timeout fires (default 60 s) — the whole group
 * is killed with SIGKILL and, confined, the sandbox's PID namespace ends with it, so no child,
 * background, `setsid` or `nohup` process outlives the call. Output is drained to the end but only the first
 * 8000 characters of stdout and 4000 of stderr are kept. A nonzero exit is `command_failed`
 * with `exit_code`; a timeout is `tool_timeout`.
 *
 * @example
 * await runCommandTool(ctx, { command: "echo hi" }); // { stdout: "hi\n", exitCode: 0, … }
 */
export async function runCommandTool(
  ctx: ToolContext,
  args: ToolArgs<"run_command">,
): Promise<ToolReply> {
  if (args.command.includes("\0")) {
    throw new ToolFailure("invalid_arguments", "command: contains a NUL byte");
  }
  if (ctx.allowedCommands !== undefined) checkCommandAllowed(args.command, ctx.allowedCommands);
  const cwd = await confinePath(ctx.workspace, args.working_dir ?? ".");
  const info = await stat(cwd.abs).catch((err: unknown) => {
    throw fsFailure(err, cwd.rel);
  });
  if (!info.isDirectory()) throw new ToolFailure("io_error", `${cwd.rel}: not a directory`);
  const realCwd = await realpath(cwd.abs).catch((err: unknown) => {
    throw fsFailure(err, cwd.rel);
  });

  const timeoutSecs = args.timeout_secs ?? DEFAULT_TIMEOUT_SECS;
  const stdout = new CappedText(STDOUT_CAP);
  const stderr = new CappedText(STDERR_CAP);
  const started = performance.now();
  const child = ctx.commands.start({
    workspace: ctx.workspace.root,
    cwd: realCwd,
    command: args.command,
  });
  if ("refused" in child) throw new ToolFailure("tool_disabled", child.refused);
  const pid = child.pid;
  if (pid === undefined) {
    const reason = await new Promise<string>((resolve) =>
      child.once("error", (err) => resolve(err.message)),
    );
    throw new ToolFailure("io_error", `could not start the command: ${reason}`);
  }
  ctx.processes.add(pid);
  const out = child.stdout;
  const err = child.stderr;
  if (out === null || err === null)
    throw new ToolFailure("io_error", "the command has no output pipes");
  out.on("data", (chunk: Buffer) => stdout.push(chunk));
  err.on("data", (chunk: Buffer) => stderr.push(chunk));
  const drained = Promise.all([closed(out), closed(err)]);

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, timeoutSecs * 1000);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  clearTimeout(timer);
  // Whatever the shell left running in its group goes with it; their pipe ends close too.
  killGroup(pid);
  ctx.processes.delete(pid);
  await Promise.race([drained, delay(PIPE_DRAIN_MS)]);
  out.destroy();
  err.destroy();

  const metadata: Record<string, unknown> = {
    working_dir: cwd.rel,
    duration_ms: Math.round(performance.now() - started),
    timed_out: timedOut,
    stdout_bytes: stdout.bytes,
    stderr_bytes: stderr.bytes,
    stdout_truncated: stdout.truncated,
    stderr_truncated: stderr.truncated,
  };
  if (timedOut) {
    const note = `command timed out after ${timeoutSecs} s; its process group was killed`;
    return {
      stdout: stdout.text(),
      stderr: `${note}\n${stderr.text()}`.slice(0, STDERR_CAP),
      errorCode: "tool_timeout",
      metadata,
    };
  }
  if (exit.code === 0)
    return { stdout: stdout.text(), stderr: stderr.text(), exitCode: 0, metadata };
  return {
    stdout: stdout.text(),
    stderr: stderr.text(),
    exitCode: exit.code ?? undefined,
    errorCode: "command_failed",
    metadata: { ...metadata, exit_code: exit.code, signal: exit.signal },
  };
}

function closed(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once("close", () => resolve());
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
