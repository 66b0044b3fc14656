import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { TerminalServerFrame } from "../../src/protocol/sandbox.js";
import {
  isGone,
  newWorkspaceId,
  signToken,
  startSandbox,
  type TestSandbox,
  type WorkspaceClient,
  workspaceClient,
} from "./helpers.js";

let sandbox: TestSandbox;
let ws: WorkspaceClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
});
afterAll(() => sandbox.stop());

/** A terminal socket that collects frames and decoded output. */
async function openTerminal(token: string, id = ws.id) {
  const url = `${sandbox.server.url.replace("http", "ws")}/v1/workspaces/${id}/terminal`;
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: TerminalServerFrame[] = [];
  let output = "";
  const waiters: Array<() => void> = [];
  socket.on("message", (raw) => {
    const frame = TerminalServerFrame.parse(JSON.parse(String(raw)));
    frames.push(frame);
    if (frame.type === "output") output += Buffer.from(frame.data, "base64").toString("utf8");
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const send = (frame: unknown) => socket.send(JSON.stringify(frame));
  const input = (text: string) =>
    send({ type: "input", data: Buffer.from(text).toString("base64") });
  /** Resolves once `check` holds, re-checked on every frame. */
  const until = (check: () => boolean, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; output so far: ${output}`)),
        timeoutMs,
      );
      const test = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(test);
      };
      test();
    });
  return { socket, frames, send, input, until, output: () => output };
}

describe("terminal", () => {
  it("spawns a pty shell in the workspace, runs commands, resizes and reports the exit", async () => {
    const term = await openTerminal(ws.token);
    term.send({ type: "spawn", cols: 100, rows: 30 });
    await term.until(() => term.frames.some((f) => f.type === "spawned"));
    term.input("echo hello-$((6*7)); pwd\n");
    await term.until(() => term.output().includes("hello-42"));
    await term.until(() => term.output().includes(ws.dir));
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

  it("kills the shell and its jobs when the socket closes", async () => {
    const term = await openTerminal(ws.token);
    term.send({ type: "spawn", cols: 80, rows: 24 });
    term.input("sleep 30 & echo job=$!\n");
    await term.until(() => /job=\d+/.test(term.output()));
    const job = Number(/job=(\d+)/.exec(term.output())?.[1]);
    const spawned = term.frames.find((f) => f.type === "spawned");
    term.socket.close();
    const deadline = Date.now() + 5000;
    while (!(await isGone(job)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await isGone(job)).toBe(true);
    if (spawned?.type === "spawned") expect(await isGone(spawned.pid)).toBe(true);
  });

  it("answers error frames for input before spawn and for frames that do not parse", async () => {
    const term = await openTerminal(ws.token);
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
    await expect(openTerminal(other)).rejects.toThrow(/403/);
    await expect(openTerminal("garbage")).rejects.toThrow(/401/);
  });
});
