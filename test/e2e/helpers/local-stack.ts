import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "./net.js";
import { descendantsOf, type ProcessInfo } from "./processes.js";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

const READY_LINE = "Press Ctrl-C to stop.";

/** How a child process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `npm start` (`node scripts/start.mjs`). */
export interface LocalStack {
  url: string;
  port: number;
  /** Where the stack's sandbox listens (`AURA_SANDBOX_PORT`). */
  sandboxUrl: string;
  sandboxPort: number;
  /** The dev token the ready message prints. */
  token: string;
  child: ChildProcess;
  /** Settles when `npm start` has exited. */
  exited: Promise<Exit>;
  output(): string;
  /** The processes running below `npm start` now. */
  processes(): ProcessInfo[];
  /** Sends SIGTERM and waits for exit; returns the processes the stack ran just before. */
  stop(): Promise<{ exit: Exit; processes: ProcessInfo[] }>;
  /** Kills whatever of the stack still runs (cleanup after a failed test). */
  kill(): void;
}

/**
 * The environment of the caller without any local-stack setting, so each test states
 * exactly what the stack runs with.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AURA|SANDBOX)_|^ALLOWED_COMMANDS$|^RECORD_WINDOW_SIZE$/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Runs a command in its own process group, collecting its output.
 * @example
 * const run = runCommand("npm", ["start"], cleanEnv({ AURA_PORT: "x" }));
 * const exit = await run.exited;
 */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => output };
}

/**
 * Starts `node scripts/start.mjs` — what `npm start` runs — and waits for its ready
 * message. Rejects with the output if it exits first. The sandbox gets a free port unless
 * `env` names one.
 */
export async function startLocalStack(options: {
  port: number;
  dataDir: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<LocalStack> {
  const { port, dataDir, env = {}, timeoutMs = 90_000 } = options;
  const sandboxPort = Number(env.AURA_SANDBOX_PORT ?? (await freePort()));
  const run = runCommand(
    process.execPath,
    ["scripts/start.mjs"],
    cleanEnv({
      AURA_SANDBOX_PORT: String(sandboxPort),
      ...env,
      AURA_PORT: String(port),
      AURA_DATA_DIR: dataDir,
    }),
  );
  const pid = run.child.pid;
  if (pid === undefined) throw new Error("npm start did not spawn");
  // Groups seen below the stack; they outlive it if it dies without stopping them.
  const groups = new Set([pid]);
  const remember = () => {
    const processes = descendantsOf(pid);
    for (const p of processes) groups.add(p.pgid);
    return processes;
  };
  const kill = () => {
    remember();
    killGroups(groups);
  };

  const deadline = Date.now() + timeoutMs;
  let exit: Exit | undefined;
  run.exited.then((e) => {
    exit = e;
  });
  while (!run.output().includes(READY_LINE)) {
    if (exit !== undefined || Date.now() > deadline) {
      kill();
      const why = exit ? `exited (${exit.code ?? exit.signal})` : "timed out";
      throw new Error(`npm start ${why} before it was ready:\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  remember();
  const token = /^\s*TOKEN=(\S+)$/m.exec(run.output())?.[1];
  if (token === undefined) {
    kill();
    throw new Error(`no TOKEN= line in:\n${run.output()}`);
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    sandboxPort,
    token,
    child: run.child,
    exited: run.exited,
    output: run.output,
    processes: remember,
    kill,
    async stop() {
      const processes = remember();
      run.child.kill("SIGTERM");
      const timer = setTimeout(kill, 20_000);
      const result = await run.exited;
      clearTimeout(timer);
      return { exit: result, processes };
    },
  };
}

/** SIGKILLs every process of these groups. */
function killGroups(groups: Iterable<number>): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
