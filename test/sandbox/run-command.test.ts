import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startSandbox,
  type TestSandbox,
  type WorkspaceClient,
  workspaceClient,
} from "./helpers.js";
import { eventually, hostPidsOf, uniqueSleep } from "./isolation-helpers.js";

let sandbox: TestSandbox;
let ws: WorkspaceClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
});
afterAll(() => sandbox.stop());

describe("run_command", () => {
  it("runs sh -c in the workspace, seen at /workspace, and returns stdout, stderr and exit code 0", async () => {
    const reply = await ws.dispatch("run_command", { command: "pwd; echo oops >&2" });
    expect(reply.result).toMatchObject({ ok: true, exit_code: 0, stderr: "oops\n" });
    expect(reply.result.stdout.trim()).toBe("/workspace");
    expect(reply.files_changed).toEqual({ created: [], modified: [], deleted: [] });
  });

  it("runs in working_dir inside the workspace", async () => {
    await mkdir(path.join(ws.dir, "sub/dir"), { recursive: true });
    const reply = await ws.dispatch("run_command", { command: "pwd", working_dir: "sub/dir" });
    expect(reply.result.stdout.trim()).toBe("/workspace/sub/dir");
  });

  it("reports a nonzero exit as command_failed with its exit code", async () => {
    const reply = await ws.dispatch("run_command", { command: "echo partial; exit 3" });
    expect(reply.result).toMatchObject({
      ok: false,
      exit_code: 3,
      stdout: "partial\n",
      metadata: { error_code: "command_failed" },
    });
  });

  it("gives commands PATH, HOME, LANG, SHELL and TERM only, never the sandbox's secret", async () => {
    process.env.SANDBOX_TOKEN_SECRET = "must-not-leak";
    try {
      const reply = await ws.dispatch("run_command", { command: "env" });
      expect(reply.result.stdout).not.toContain("must-not-leak");
      expect(reply.result.stdout).toContain("HOME=/workspace");
      const names = reply.result.stdout
        .trim()
        .split("\n")
        .map((line) => line.slice(0, line.indexOf("=")));
      // `sh` itself adds PWD (and dash may add OLDPWD); nothing else comes from the server.
      const fromServer = names.filter((name) => !["PWD", "OLDPWD", "SHLVL"].includes(name));
      expect(fromServer.sort()).toEqual(["HOME", "LANG", "PATH", "SHELL", "TERM"]);
    } finally {
      delete process.env.SANDBOX_TOKEN_SECRET;
    }
  });

  it("caps stdout at 8000 and stderr at 4000 characters", async () => {
    const reply = await ws.dispatch("run_command", {
      command: "head -c 20000 /dev/zero | tr '\\0' o; head -c 9000 /dev/zero | tr '\\0' e >&2",
    });
    expect(reply.result.stdout).toBe("o".repeat(8000));
    expect(reply.result.stderr).toBe("e".repeat(4000));
    expect(reply.result.metadata).toMatchObject({
      stdout_bytes: 20000,
      stderr_bytes: 9000,
      stdout_truncated: true,
      stderr_truncated: true,
    });
  });

  it("kills every process the command started on timeout, children and setsid ones included", async () => {
    // Sleeps far longer than the timeout, and a timeout long enough to see them all start
    // on a loaded machine.
    const [child, nested, detached] = [uniqueSleep(60), uniqueSleep(60), uniqueSleep(60)];
    const started = Date.now();
    const call = ws.dispatch("run_command", {
      command:
        `${child.command} & (${nested.command} & wait) & ` +
        `setsid sh -c '${detached.command}' & wait`,
      timeout_secs: 4,
    });
    for (const sleep of [child, nested, detached]) {
      await eventually(async () => (await hostPidsOf(sleep)).length === 1, "the sleeps run");
    }
    const reply = await call;
    expect(reply.result).toMatchObject({ ok: false, metadata: { error_code: "tool_timeout" } });
    expect(reply.result.exit_code).toBeUndefined();
    expect(reply.result.stderr).toContain("timed out after 4 s");
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const sleep of [child, nested, detached]) expect(await hostPidsOf(sleep)).toEqual([]);
  });

  it("leaves no background process behind after the command exits", async () => {
    const sleep = uniqueSleep();
    const reply = await ws.dispatch("run_command", { command: `${sleep.command} & echo $!` });
    expect(reply.result.ok).toBe(true);
    expect(await hostPidsOf(sleep)).toEqual([]);
  });

  it("drains 50 MB of output with capped memory while the server keeps answering", async () => {
    const flood = ws.dispatch("run_command", {
      command: "head -c 52428800 /dev/zero | tr '\\0' x",
      timeout_secs: 60,
    });
    const health = await fetch(`${sandbox.server.url}/health`);
    expect(health.status).toBe(200);
    const other = await ws.dispatch("run_command", { command: "echo still-here" });
    expect(other.result.stdout).toBe("still-here\n");
    const reply = await flood;
    expect(reply.result.ok).toBe(true);
    expect(reply.result.stdout).toHaveLength(8000);
    expect(reply.result.metadata.stdout_bytes).toBe(52_428_800);
  });

  it("refuses a working_dir that is a file", async () => {
    await ws.dispatch("write_file", { path: "plain.txt", content: "x" });
    const reply = await ws.dispatch("run_command", { command: "true", working_dir: "plain.txt" });
    expect(reply.result.metadata.error_code).toBe("io_error");
  });
});
