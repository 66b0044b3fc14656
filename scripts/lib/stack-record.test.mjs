import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  CHECKOUT_STACKS_DIR,
  describeProcesses,
  forgetStack,
  isRunning,
  readStackFile,
  recordStack,
  runningStacks,
  STACK_FILE,
  stopLeftovers,
} from "./stack-record.mjs";

const dirs = [];
/** @type {import("node:child_process").ChildProcess[]} */
const spawned = [];
afterEach(() => {
  for (const child of spawned.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "aura-stack-record-"));
  dirs.push(dir);
  return dir;
}

/**
 * A process whose command line ends with `script`, as a stack's would, leading its own group.
 * @param {string} script
 */
function fakeProcess(script) {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", script], {
    detached: true,
    stdio: "ignore",
  });
  spawned.push(child);
  return /** @type {number} */ (child.pid);
}

/** @param {number} pid */
async function exited(pid) {
  for (let i = 0; i < 50 && isRunning({ pid, name: "the sandbox" }); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isRunning({ pid, name: "the sandbox" });
}

describe("the stack record", () => {
  it("given a recorded stack, when read back, then its processes come in order and the checkout lists it while it runs", () => {
    const root = tempDir();
    const dataDir = join(tempDir(), "data");
    const leader = fakeProcess("scripts/start.mjs");
    const processes = [
      { name: "npm start", pid: leader },
      { name: "the sandbox", pid: 4242 },
    ];
    recordStack({ root, dataDir, processes });

    expect(readStackFile(dataDir)).toEqual(processes);
    expect(runningStacks(root)).toEqual([{ pid: leader, dataDir }]);
  });

  it("given a stack that stopped, when forgotten, then neither its data dir nor its checkout records it", () => {
    const root = tempDir();
    const dataDir = tempDir();
    recordStack({ root, dataDir, processes: [{ name: "npm start", pid: 4321 }] });
    forgetStack({ root, dataDir, pid: 4321 });

    expect(existsSync(join(dataDir, STACK_FILE))).toBe(false);
    expect(existsSync(join(root, CHECKOUT_STACKS_DIR, "4321"))).toBe(false);
  });

  it("given a record whose npm start is gone, when the checkout's stacks are listed, then it is dropped", () => {
    const root = tempDir();
    const gone = spawn(process.execPath, ["-e", ""]);
    recordStack({
      root,
      dataDir: tempDir(),
      processes: [{ name: "npm start", pid: gone.pid ?? 0 }],
    });
    gone.kill("SIGKILL");

    return new Promise((resolve) => gone.once("exit", resolve)).then(() => {
      expect(runningStacks(root)).toEqual([]);
      expect(existsSync(join(root, CHECKOUT_STACKS_DIR, String(gone.pid)))).toBe(false);
    });
  });

  it("given a pid now running another program, when checked, then it is not the stack's", () => {
    expect(isRunning({ pid: process.pid, name: "wrangler" })).toBe(false);
    expect(isRunning({ pid: fakeProcess("x/wrangler-guard.mjs"), name: "wrangler" })).toBe(true);
  });

  it("given what a dead stack left running, when stopped, then each process group ends", async () => {
    const sandbox = { name: "the sandbox", pid: fakeProcess("sandbox/dist/server.mjs") };
    expect(isRunning(sandbox)).toBe(true);

    expect(await stopLeftovers([sandbox], 2000)).toEqual([sandbox]);
    expect(await exited(sandbox.pid)).toBe(true);
    expect(describeProcesses([sandbox])).toBe(`the sandbox (pid ${sandbox.pid})`);
  });

  it("given a group member that outlives its leader and holds a port, when stopped, then the port is free once it resolves", async () => {
    // A sandbox whose child (same process group) listens and ignores SIGTERM, as a stack's
    // port can be held by more than the recorded process
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const port = /** @type {import("node:net").AddressInfo} */ (probe.address()).port;
    probe.close();
    await once(probe, "close");
    const holder = `process.on("SIGTERM", () => {}); require("node:net").createServer().listen(${port}, "127.0.0.1", () => console.log("up")); setInterval(() => {}, 1000);`;
    const leaderScript = `require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(holder)}], { stdio: ["ignore", "inherit", "ignore"] }); setInterval(() => {}, 1000);`;
    const leader = spawn(process.execPath, ["-e", leaderScript, "sandbox/dist/server.mjs"], {
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    spawned.push(leader);
    await once(/** @type {import("node:stream").Readable} */ (leader.stdout), "data");
    const sandbox = { name: "the sandbox", pid: /** @type {number} */ (leader.pid) };

    await stopLeftovers([sandbox], 300);

    const again = createServer().listen(port, "127.0.0.1");
    const outcome = await new Promise((resolve) => {
      again.once("listening", () => resolve("listening"));
      again.once("error", (/** @type {NodeJS.ErrnoException} */ err) => resolve(err.code));
    });
    again.close();
    expect(outcome).toBe("listening");
  });
});
