import { type ChildProcess, spawn } from "node:child_process";
import type { ProcessGroups } from "../process/process-groups.js";
import { commandLaunch, innerPath } from "./command-launch.js";
import type { Isolation } from "./isolation.js";
import { WarmSandboxes } from "./warm-sandboxes.js";

/** A `run_command` to start: `sh -c command` in `cwd` of `workspace` (both host paths). */
export interface CommandRequest {
  /** Host path of the workspace (real, symlink-free). */
  workspace: string;
  /** Host path of the working directory: the workspace or a real path under it. */
  cwd: string;
  command: string;
}

/** Starts `run_command`'s shells under the server's isolation. */
export interface CommandStarter {
  /**
   * The started shell (leader of its own process group, stdout and stderr piped), or why it
   * is refused (isolation on but unavailable).
   */
  start(request: CommandRequest): ChildProcess | { refused: string };
  /** Stops whatever the starter keeps ready. */
  close(): void;
}

/**
 * The way `run_command` starts shells under `isolation`: confined ones come from
 * {@link WarmSandboxes} (a sandbox set up ahead of time for the workspace when one waits);
 * unconfined ones are spawned as they are asked for; unavailable isolation refuses them.
 *
 * @example
 * const commands = createCommandStarter(isolation, processes);
 * const child = commands.start({ workspace: ws.root, cwd: ws.root, command: "ls" });
 * if ("refused" in child) throw new ToolFailure("tool_disabled", child.refused);
 */
export function createCommandStarter(
  isolation: Isolation,
  processes: ProcessGroups,
): CommandStarter {
  if (isolation.kind === "bwrap") {
    const spares = new WarmSandboxes(isolation, processes);
    return {
      start: ({ workspace, cwd, command }) =>
        spares.start(workspace, innerPath(workspace, cwd), command),
      close: () => spares.close(),
    };
  }
  return {
    start({ workspace, cwd, command }) {
      const launch = commandLaunch(isolation, { workspace, cwd, argv: ["/bin/sh", "-c", command] });
      if ("refused" in launch) return launch;
      return spawn(launch.file, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    },
    close() {},
  };
}
