import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanEnv, runCommand } from "./helpers/local-stack.js";
import { acceptsConnections, freePort } from "./helpers/net.js";
import { commandLineOf } from "./helpers/processes.js";
import { useStacks } from "./helpers/stacks.js";

const TEST_SECRET = "e2e-test-secret-0123456789abcdefghijklmnop";

const { tempDataDir, start, stopAndCheck } = useStacks("aura-e2e-stale-");

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid ?? 0;
}

/** A process that looks like a stack's sandbox and holds `port`, as one that outlived its stack. */
async function leftoverSandbox(port: number): Promise<number> {
  const listen = `require("node:net").createServer().listen(${port}, "127.0.0.1")`;
  const child = spawn(process.execPath, ["-e", listen, "sandbox/dist/server.mjs"], {
    detached: true,
    stdio: "ignore",
  });
  const pid = child.pid ?? 0;
  leftovers.push(pid);
  while (!(await acceptsConnections(port))) await new Promise((r) => setTimeout(r, 50));
  return pid;
}

describe("npm start and a stack recorded in its data dir", () => {
  it(
    "stops and names what a dead stack left running, and refuses a second stack on the same data dir naming its processes",
    {
      timeout: 240_000,
    },
    async () => {
      const dataDir = tempDataDir();
      const sandboxPort = await freePort();
      const gone = await deadPid();
      const leftover = await leftoverSandbox(sandboxPort);
      writeFileSync(join(dataDir, "stack.pid"), `${gone} npm start\n${leftover} the sandbox\n`);

      const stack = await start(dataDir, {
        AURA_JWT_SECRET: TEST_SECRET,
        AURA_SANDBOX_PORT: String(sandboxPort),
      });
      expect(stack.output()).toContain(
        `stopping what npm start (pid ${gone}, gone) left running: the sandbox (pid ${leftover})`,
      );
      expect(commandLineOf(leftover)).toBe("");

      const processes = stack.processes();
      const leaderOf = (marker: string) =>
        processes.find((p) => p.pid === p.pgid && commandLineOf(p.pid).includes(marker))?.pid;
      const second = runCommand(
        process.execPath,
        ["scripts/start.mjs"],
        cleanEnv({ AURA_PORT: String(await freePort()), AURA_DATA_DIR: dataDir }),
      );
      expect((await second.exited).code).toBe(1);
      expect(second.output()).toContain(
        `AURA_DATA_DIR: a stack already runs on ${dataDir}: npm start (pid ${stack.child.pid}) and the sandbox (pid ${leaderOf("server.mjs")}) and wrangler (pid ${leaderOf("wrangler-guard.mjs")})`,
      );

      await stopAndCheck(stack);
      expect(existsSync(join(dataDir, "stack.pid"))).toBe(false);
    },
  );
});
