import { randomInt } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createSandboxServer, type SandboxServerOptions } from "../../sandbox/src/server.js";
import { TEST_SECRET, type TestSandbox } from "./helpers.js";

/** Options of a test server beyond its data directory, secret and port. */
export type IsolationOptions = Pick<SandboxServerOptions, "isolation" | "network" | "bwrapPath">;

/**
 * Starts a test server over a fresh data directory with the given isolation settings.
 *
 * @example
 * const sandbox = await startSandboxWith({ isolation: "off" });
 */
export async function startSandboxWith(options: IsolationOptions): Promise<TestSandbox> {
  const root = await mkdtemp(path.join(tmpdir(), "aura-sandbox-"));
  const server = await createSandboxServer({ root, tokenSecret: TEST_SECRET, port: 0, ...options });
  return {
    server,
    root,
    async stop() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A `sleep` whose argument no other process on the host uses, so the host's process table
 * can be searched for it: `sleep 2.4817` (a little over `whole` seconds, default two).
 *
 * @example
 * const sleep = uniqueSleep();
 * await ws.dispatch("run_command", { command: `${sleep.command} &` });
 * expect(await hostPidsOf(sleep)).toEqual([]);
 */
export function uniqueSleep(whole = 2): { command: string; argv: readonly string[] } {
  const seconds = `${whole}.${String(randomInt(1, 1_000_000)).padStart(6, "0")}`;
  return { command: `sleep ${seconds}`, argv: ["sleep", seconds] };
}

/** Host pids whose command line is exactly `sleep.argv` (read from the host's own `/proc`). */
export async function hostPidsOf(sleep: { argv: readonly string[] }): Promise<number[]> {
  const wanted = `${sleep.argv.join("\0")}\0`;
  const found: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
    const state = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    const zombie = state.slice(state.lastIndexOf(")") + 2).startsWith("Z");
    if (cmdline === wanted && !zombie) found.push(Number(name));
  }
  return found;
}

/** Resolves once `check` holds (polled every 25 ms), or rejects after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(25);
  }
}

/** Waits `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
