import path from "node:path";
import { type CommandEnvOverrides, commandEnv } from "../tools/command-env.js";
import { bwrapArgs, SANDBOX_PATH, WORKSPACE_MOUNT } from "./bwrap-args.js";
import { ISOLATION_OFF_HINT, type Isolation } from "./isolation.js";

/** A process to spawn: program, arguments, working directory and environment. */
export interface Launch {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** What a command or terminal asks to run. */
export interface LaunchRequest {
  /** Host path of the workspace (real, symlink-free). */
  workspace: string;
  /** Host path of the working directory: the workspace or a real path under it. */
  cwd: string;
  /** Program and arguments (`["/bin/sh", "-c", command]`). */
  argv: readonly [string, ...string[]];
  /** Variables added to the minimal environment (the terminal's `TERM`). */
  env?: CommandEnvOverrides;
}

/**
 * How to spawn `request` under `isolation`, or why it is refused. Confined, the program runs
 * inside bubblewrap with the workspace at `/workspace` (also `HOME`) and the sandbox's own
 * `PATH`; unconfined (`off`), as is, with `HOME` the workspace's host path. Either way the
 * environment is the minimum of {@link commandEnv}, bwrap's own included, so nothing of the
 * server's environment reaches a command.
 *
 * @example
 * const launch = commandLaunch(isolation, { workspace, cwd: workspace, argv: ["/bin/sh", "-c", "ls"] });
 * if ("refused" in launch) throw new ToolFailure("tool_disabled", launch.refused);
 * spawn(launch.file, launch.args, { cwd: launch.cwd, env: launch.env, detached: true });
 */
export function commandLaunch(
  isolation: Isolation,
  request: LaunchRequest,
): Launch | { refused: string } {
  const [file, ...args] = request.argv;
  switch (isolation.kind) {
    case "off":
      return {
        file,
        args,
        cwd: request.cwd,
        env: commandEnv(request.workspace, request.env),
      };
    case "unavailable":
      return {
        refused: `commands are refused: OS isolation is unavailable (${isolation.reason}); ${ISOLATION_OFF_HINT}`,
      };
    case "bwrap": {
      const inner = innerPath(request.workspace, request.cwd);
      return {
        file: isolation.bwrap,
        args: bwrapArgs(isolation.layout, {
          workspace: request.workspace,
          cwd: inner,
          network: isolation.network,
          argv: request.argv,
        }),
        cwd: request.workspace,
        env: commandEnv(WORKSPACE_MOUNT, { PATH: SANDBOX_PATH, ...request.env }),
      };
    }
  }
}

/**
 * Where host path `cwd` (under `workspace`) is inside the sandbox.
 *
 * @example
 * innerPath("/data/ws/abc", "/data/ws/abc/src"); // "/workspace/src"
 */
export function innerPath(workspace: string, cwd: string): string {
  const rel = path.relative(workspace, cwd);
  return rel === "" ? WORKSPACE_MOUNT : path.posix.join(WORKSPACE_MOUNT, ...rel.split(path.sep));
}
