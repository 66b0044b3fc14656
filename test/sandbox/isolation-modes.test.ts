import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeIsolation } from "../../sandbox/src/isolation/isolation.js";
import { type TestSandbox, type WorkspaceClient, workspaceClient } from "./helpers.js";
import { hostPidsOf, startSandboxWith, uniqueSleep } from "./isolation-helpers.js";
import { openTerminal } from "./terminal-client.js";

describe("AURA_SANDBOX_ISOLATION=on where isolation is unavailable", () => {
  let sandbox: TestSandbox;
  let ws: WorkspaceClient;
  beforeAll(async () => {
    sandbox = await startSandboxWith({ bwrapPath: "/nonexistent/bwrap" });
    ws = await workspaceClient(sandbox);
  });
  afterAll(() => sandbox.stop());

  it("starts, and says commands are refused and how to run them unconfined", () => {
    expect(sandbox.server.isolation.kind).toBe("unavailable");
    const line = describeIsolation(sandbox.server.isolation);
    expect(line).toContain("/nonexistent/bwrap");
    expect(line).toContain("AURA_SANDBOX_ISOLATION=off");
  });

  it("refuses run_command as tool_disabled naming AURA_SANDBOX_ISOLATION=off, running nothing", async () => {
    const reply = await ws.dispatch("run_command", { command: "echo ran > ran.txt" });
    expect(reply.result).toMatchObject({ ok: false, metadata: { error_code: "tool_disabled" } });
    expect(reply.result.stderr).toContain("AURA_SANDBOX_ISOLATION=off");
    const listed = await ws.dispatch("list_files", {});
    expect(listed.result.stdout).not.toContain("ran.txt");
  });

  it("answers a terminal spawn with a tool_disabled error frame", async () => {
    const term = await openTerminal(sandbox.server.url, ws.id, ws.token);
    term.send({ type: "spawn", cols: 80, rows: 24 });
    await term.until(() => term.frames.length > 0);
    const [frame] = term.frames;
    expect(frame).toMatchObject({ type: "error", code: "tool_disabled" });
    expect(frame?.type === "error" && frame.message).toContain("AURA_SANDBOX_ISOLATION=off");
    term.socket.close();
  });

  it("still serves the file tools, which never run a command", async () => {
    await ws.dispatch("write_file", { path: "a.txt", content: "still here" });
    const reply = await ws.dispatch("read_file", { path: "a.txt" });
    expect(reply.result).toMatchObject({ ok: true, stdout: "still here" });
  });
});

describe("AURA_SANDBOX_ISOLATION=off", () => {
  let sandbox: TestSandbox;
  let ws: WorkspaceClient;
  beforeAll(async () => {
    sandbox = await startSandboxWith({ isolation: "off" });
    ws = await workspaceClient(sandbox);
  });
  afterAll(() => sandbox.stop());

  it("runs commands unconfined, as the server's user in the workspace's host directory", async () => {
    expect(describeIsolation(sandbox.server.isolation)).toMatch(
      /^WARNING: AURA_SANDBOX_ISOLATION=off/,
    );
    const reply = await ws.dispatch("run_command", { command: "pwd; id -u; echo $HOME" });
    expect(reply.result.stdout).toBe(`${ws.dir}\n${process.getuid?.()}\n${ws.dir}\n`);
  });

  it("still gives commands the minimal environment and kills what they leave behind in their group", async () => {
    const sleep = uniqueSleep();
    const reply = await ws.dispatch("run_command", { command: `${sleep.command} & env` });
    expect(reply.result.stdout).not.toContain("SANDBOX_TOKEN_SECRET");
    expect(await hostPidsOf(sleep)).toEqual([]);
  });

  it("runs the terminal unconfined too", async () => {
    const term = await openTerminal(sandbox.server.url, ws.id, ws.token);
    term.send({ type: "spawn", cols: 80, rows: 24 });
    term.input("pwd\n");
    await term.until(() => term.output().includes(ws.dir));
    term.socket.close();
  });
});
