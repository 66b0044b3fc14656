import { type ChildProcess, spawn } from "node:child_process";
import { killGroup, type ProcessGroups } from "../process/process-groups.js";
import { commandEnv } from "../tools/command-env.js";
import { bwrapArgs, SANDBOX_PATH, WORKSPACE_MOUNT } from "./bwrap-args.js";
import type { Isolation } from "./isolation.js";

/** The bubblewrap case of {@link Isolation}. */
export type BwrapIsolation = Extract<Isolation, { kind: "bwrap" }>;

/** How many spares may wait at once (the most recently used workspaces keep theirs). */
const MAX_SPARES = 8;
/** A spare unused this long is killed. */
const SPARE_IDLE_MS = 30_000;

/**
 * What a spare runs: `sh -s`, reading its script from stdin, which stays empty until the
 * command comes. The script then changes to the working directory and replaces itself with
 * `sh -c <command>` on `/dev/null` — no fork, so the command's shell is PID 2 as in a cold start.
 */
const SPARE_ARGV = ["/bin/sh", "-s"];

/**
 * Confined shells started ahead of time. Setting up a sandbox's namespaces and mounts costs
 * tens of milliseconds of wall time; after a command of a workspace, the next sandbox for that
 * workspace is set up in the background and waits (blocked reading fd 3, running nothing) for
 * the next command, which then starts at the cost of a pipe write. Each spare is a sandbox
 * exactly like a cold one — fresh `/proc`, `/tmp`, PID namespace — used once. At most
 * {@link MAX_SPARES} wait, the least recently used evicted; one idle for
 * {@link SPARE_IDLE_MS} is killed; every spare is in `processes`, so `close()` kills them too.
 *
 * @example
 * const spares = new WarmSandboxes(isolation, processes);
 * const child = spares.start(workspace.root, "/workspace/src", "npm test");
 */
export class WarmSandboxes {
  private readonly spares = new Map<string, { child: ChildProcess; timer: NodeJS.Timeout }>();
  private closed = false;

  constructor(
    private readonly isolation: BwrapIsolation,
    private readonly processes: ProcessGroups,
  ) {}

  /**
   * Runs `command` under `sh -c` in `cwd` (a path inside the sandbox) in a sandbox of
   * `workspace`: the waiting spare when there is one, else a fresh sandbox. Its stdout and
   * stderr are pipes; it is the leader of its own process group.
   */
  start(workspace: string, cwd: string, command: string): ChildProcess {
    const child = this.takeSpare(workspace) ?? this.spawnSpare(workspace);
    child.once("exit", () => this.refill(workspace));
    // A spare that died meanwhile makes this write fail; its exit is reported as usual.
    child.stdin?.on("error", () => {});
    child.stdin?.end(
      `cd -- ${shellQuoted(cwd)} || exit 125\nexec /bin/sh -c ${shellQuoted(command)} </dev/null\n`,
    );
    return child;
  }

  /** Kills every waiting spare; no new one is started afterwards. */
  close(): void {
    this.closed = true;
    for (const workspace of [...this.spares.keys()]) this.discard(workspace);
  }

  private takeSpare(workspace: string): ChildProcess | undefined {
    const spare = this.spares.get(workspace);
    if (spare === undefined) return undefined;
    clearTimeout(spare.timer);
    this.spares.delete(workspace);
    const alive = spare.child.exitCode === null && spare.child.signalCode === null;
    if (alive) return spare.child;
    this.processes.delete(spare.child.pid ?? -1);
    return undefined;
  }

  private refill(workspace: string): void {
    if (this.closed || this.spares.has(workspace)) return;
    if (this.spares.size >= MAX_SPARES) {
      const oldest = this.spares.keys().next().value;
      if (oldest !== undefined) this.discard(oldest);
    }
    const child = this.spawnSpare(workspace);
    const timer = setTimeout(() => this.discard(workspace), SPARE_IDLE_MS).unref();
    this.spares.set(workspace, { child, timer });
  }

  private spawnSpare(workspace: string): ChildProcess {
    const args = bwrapArgs(this.isolation.layout, {
      workspace,
      cwd: WORKSPACE_MOUNT,
      network: this.isolation.network,
      argv: SPARE_ARGV,
    });
    const child = spawn(this.isolation.bwrap, args, {
      cwd: workspace,
      env: commandEnv(WORKSPACE_MOUNT, { PATH: SANDBOX_PATH }),
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.once("error", () => {});
    if (child.pid !== undefined) this.processes.add(child.pid);
    return child;
  }

  private discard(workspace: string): void {
    const spare = this.spares.get(workspace);
    if (spare === undefined) return;
    clearTimeout(spare.timer);
    this.spares.delete(workspace);
    const pid = spare.child.pid;
    if (pid === undefined) return;
    killGroup(pid);
    this.processes.delete(pid);
    spare.child.stdout?.destroy();
    spare.child.stderr?.destroy();
  }
}

/**
 * `text` as one single-quoted shell word: every byte taken literally, newlines included
 * (`'` itself written as `'\''`).
 */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
