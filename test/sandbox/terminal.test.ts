import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isGone,
  newWorkspaceId,
  signToken,
  startSandbox,
  type TestSandbox,
  type WorkspaceClient,
  workspaceClient,
} from "./helpers.js";
import { delay, eventually, hostPidsOf, uniqueSleep } from "./isolation-helpers.js";
import { openTerminal, type TerminalClient } from "./terminal-client.js";

let sandbox: TestSandbox;
let ws: WorkspaceClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
});
afterAll(() => sandbox.stop());

/** This file's terminal socket, for `ws` unless another workspace is given. */
function open(token: string, id = ws.id): Promise<TerminalClient> {
  return openTerminal(sandbox.server.url, id, token);
}

describe("terminal", () => {
  it("spawns a pty shell in the confined workspace, runs commands, resizes and reports the exit", async () => {
    const term = await open(ws.token);
    term.send({ type: "spawn", cols: 100, rows: 30 });
    await term.until(() => term.frames.some((f) => f.type === "spawned"));
    term.input("echo hello-$((6*7)); pwd\n");
    await term.until(() => term.output().includes("hello-42"));
    await term.until(() => term.output().includes("/workspace"));
    term.input("stty size\n");
    await term.until(() => term.output().includes("30 100"));
    term.send({ type: "resize", cols: 120, rows: 40 });
    // The resize lands asynchronously: ask again until the pty reports the new size.
    const asking = setInterval(() => term.input("stty size\n"), 100);
    await term.until(() => term.output().includes("40 120")).finally(() => clearInterval(asking));
    term.input("exit 5\n");
    await term.until(() => term.frames.some((f) => f.type === "exit"));
    expect(term.frames.find((f) => f.type === "exit")).toEqual({ type: "exit", code: 5 });
    await new Promise((resolve) => term.socket.once("close", resolve));
  });

  it("kills the shell and its jobs, setsid and nohup ones too, when the socket closes", async () => {
    const term = await open(ws.token);
    term.send({ type: "spawn", cols: 80, rows: 24 });
    const [job, detached, nohup] = [uniqueSleep(), uniqueSleep(), uniqueSleep()];
    term.input(
      `${job.command} & setsid sh -c '${detached.command}; echo survived > term-setsid' & ` +
        `nohup sh -c '${nohup.command}; echo survived > term-nohup' >/dev/null 2>&1 & echo started-$((40+2))\n`,
    );
    await term.until(() => term.output().includes("started-42"));
    for (const sleep of [job, detached, nohup]) {
      await eventually(async () => (await hostPidsOf(sleep)).length === 1, "the jobs run");
    }
    const spawned = term.frames.find((f) => f.type === "spawned");
    const closedAt = Date.now();
    term.socket.close();
    for (const sleep of [job, detached, nohup]) {
      await eventually(async () => (await hostPidsOf(sleep)).length === 0, "the jobs are gone");
    }
    if (spawned?.type === "spawned") expect(await isGone(spawned.pid)).toBe(true);
    await delay(3500 - (Date.now() - closedAt));
    await expect(readdir(ws.dir)).resolves.not.toContain("term-setsid");
    await expect(readdir(ws.dir)).resolves.not.toContain("term-nohup");
  });

  it("shows the shell the same isolated view as run_command", async () => {
    await writeFile(path.join(sandbox.root, "worker.env"), "SECRET=terminal-must-not-see\n");
    const term = await open(ws.token);
    term.send({ type: "spawn", cols: 80, rows: 24 });
    term.input(
      `echo "uid=$(id -u) home=$HOME"; cat /etc/shadow ${sandbox.root}/worker.env 2>&1 | head -c 300; ` +
        "ls /proc | grep -c '^[0-9]'; echo done-$((1+1))\n",
    );
    await term.until(() => term.output().includes("done-2"));
    const out = term.output();
    expect(out).toContain("uid=1000 home=/workspace");
    expect(out).toContain("/etc/shadow: Permission denied");
    expect(out).not.toContain("terminal-must-not-see");
    // bwrap's init, script, the shell and this pipeline's processes: nothing of the host.
    const count = Number(/^(\d+)\r?$/m.exec(out)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(10);
    term.socket.close();
  });

  it("answers error frames for input before spawn and for frames that do not parse", async () => {
    const term = await open(ws.token);
    term.input("ls\n");
    term.socket.send("not json");
    await term.until(() => term.frames.length >= 2);
    expect(term.frames.map((f) => (f.type === "error" ? f.code : f.type))).toEqual([
      "not_spawned",
      "invalid_frame",
    ]);
    term.socket.close();
  });

  it("refuses the upgrade without a token for this workspace", async () => {
    const other = await signToken(newWorkspaceId());
    await expect(open(other)).rejects.toThrow(/403/);
    await expect(open("garbage")).rejects.toThrow(/401/);
  });
});
