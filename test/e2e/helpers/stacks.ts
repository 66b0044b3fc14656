import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, expect } from "vitest";
import { type LocalStack, startLocalStack } from "./local-stack.js";
import { acceptsConnections, freePort } from "./net.js";
import { stillRunning } from "./processes.js";

/**
 * Stacks and data dirs for one test file, cleaned up after each test (or, with `scope:
 * "file"`, after the file's last test, for stacks that several tests share): whatever a
 * failed test left running is killed, every temporary data dir removed.
 *
 * @example
 * const { tempDataDir, start, stopAndCheck } = useStacks("aura-e2e-");
 * const stack = await start(tempDataDir(), { AURA_JWT_SECRET: secret });
 * await stopAndCheck(stack);
 */
export function useStacks(prefix: string, { scope = "test" }: { scope?: "test" | "file" } = {}) {
  const running: LocalStack[] = [];
  const dirs: string[] = [];

  (scope === "test" ? afterEach : afterAll)(() => {
    for (const stack of running.splice(0)) stack.kill();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tempDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  }

  async function start(dataDir: string, env: Record<string, string> = {}): Promise<LocalStack> {
    const stack = await startLocalStack({ port: await freePort(), dataDir, env });
    running.push(stack);
    return stack;
  }

  /** Stops the stack and checks that nothing it started outlives it or still listens. */
  async function stopAndCheck(stack: LocalStack): Promise<void> {
    const { exit, processes } = await stack.stop();
    expect(exit, stack.output()).toEqual({ code: 0, signal: null });
    expect(processes.length).toBeGreaterThan(0);
    const leftovers = stillRunning({
      pids: processes.map((p) => p.pid),
      pgids: [...new Set(processes.map((p) => p.pgid))],
    });
    expect(leftovers).toEqual([]);
    expect(await acceptsConnections(stack.port)).toBe(false);
    expect(await acceptsConnections(stack.sandboxPort)).toBe(false);
    running.splice(running.indexOf(stack), 1);
  }

  return { tempDataDir, start, stopAndCheck };
}
