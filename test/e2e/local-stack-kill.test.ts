import { afterEach, describe, expect, it } from "vitest";
import {
  cleanEnv,
  type Exit,
  type LocalStack,
  runCommand,
  startLocalStack,
} from "./helpers/local-stack.js";
import { acceptsConnections, freePort } from "./helpers/net.js";
import {
  commandLineOf,
  descendantsOf,
  type ProcessInfo,
  stillRunning,
} from "./helpers/processes.js";
import { useStacks } from "./helpers/stacks.js";

const TEST_SECRET = "e2e-test-secret-0123456789abcdefghijklmnop";
const READY_LINE = "Press Ctrl-C to stop.";

const { tempDataDir } = useStacks("aura-e2e-kill-");

/** Process groups seen below a launched `npm start`, killed after each test whatever happened. */
const seenGroups = new Set<number>();
const stacks: LocalStack[] = [];
afterEach(() => {
  for (const stack of stacks.splice(0)) stack.kill();
  for (const pgid of seenGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  seenGroups.clear();
});

/** `npm start` run the way a user runs it, ready, with the processes below it. */
async function npmStart(env: Record<string, string>) {
  const run = runCommand("npm", ["start"], cleanEnv(env));
  const pid = run.child.pid ?? 0;
  seenGroups.add(pid);
  let exit: Exit | undefined;
  run.exited.then((e) => {
    exit = e;
  });
  const deadline = Date.now() + 90_000;
  while (!run.output().includes(READY_LINE)) {
    if (exit !== undefined || Date.now() > deadline) {
      throw new Error(`npm start did not get ready:\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const processes = descendantsOf(pid);
  for (const p of processes) seenGroups.add(p.pgid);
  return { run, pid, processes };
}

/** Waits until none of `processes` runs any more; returns those that still do after 20 s. */
async function waitGone(processes: ProcessInfo[]): Promise<ProcessInfo[]> {
  const pids = processes.map((p) => p.pid);
  const pgids = [...new Set(processes.map((p) => p.pgid))];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const left = stillRunning({ pids, pgids });
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The running processes' command lines, which name what each is. */
function commandLines(processes: ProcessInfo[]): string[] {
  return processes.map((p) => commandLineOf(p.pid));
}

describe("npm start killed with SIGKILL", () => {
  it(
    "leaves no process when the npm process is SIGKILLed, and the next start on the same ports and data succeeds",
    { timeout: 240_000 },
    async () => {
      const dataDir = tempDataDir();
      const port = await freePort();
      const sandboxPort = await freePort();
      const env = {
        AURA_PORT: String(port),
        AURA_SANDBOX_PORT: String(sandboxPort),
        AURA_DATA_DIR: dataDir,
        AURA_JWT_SECRET: TEST_SECRET,
      };
      const { run, pid, processes } = await npmStart(env);
      const lines = commandLines(processes);
      expect(lines.some((line) => line.includes("scripts/start.mjs"))).toBe(true);
      expect(lines.some((line) => line.includes("workerd"))).toBe(true);
      expect(lines.some((line) => line.includes("sandbox/dist/server.mjs"))).toBe(true);

      process.kill(pid, "SIGKILL");
      expect(await run.exited).toEqual({ code: null, signal: "SIGKILL" });
      expect(await waitGone(processes)).toEqual([]);
      expect(await acceptsConnections(port)).toBe(false);
      expect(await acceptsConnections(sandboxPort)).toBe(false);

      const next = await startLocalStack({
        port,
        dataDir,
        env: { AURA_SANDBOX_PORT: String(sandboxPort), AURA_JWT_SECRET: TEST_SECRET },
      });
      stacks.push(next);
      const health = await fetch(`${next.url}/health`);
      expect(health.status).toBe(200);
      const stopped = await next.stop();
      expect(stopped.exit).toEqual({ code: 0, signal: null });
      expect(await waitGone(stopped.processes)).toEqual([]);
    },
  );

  it(
    "leaves no process when scripts/start.mjs itself is SIGKILLed",
    { timeout: 240_000 },
    async () => {
      const port = await freePort();
      const sandboxPort = await freePort();
      const { run, processes } = await npmStart({
        AURA_PORT: String(port),
        AURA_SANDBOX_PORT: String(sandboxPort),
        AURA_DATA_DIR: tempDataDir(),
        AURA_JWT_SECRET: TEST_SECRET,
      });
      const startScript = processes.find((p) => commandLineOf(p.pid).includes("scripts/start.mjs"));
      expect(startScript).toBeDefined();
      process.kill(startScript?.pid ?? 0, "SIGKILL");

      expect(await waitGone(processes)).toEqual([]);
      expect((await run.exited).code).not.toBe(0);
      expect(await acceptsConnections(port)).toBe(false);
      expect(await acceptsConnections(sandboxPort)).toBe(false);
    },
  );
});
