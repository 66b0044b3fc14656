import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
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

const runs = () => readFile(path.join(ws.dir, "runs.log"), "utf8");

describe("idempotent dispatch", () => {
  it("runs a repeated action once and replays its first outcome", async () => {
    const first = await ws.dispatch(
      "run_command",
      { command: "echo run >> runs.log; date +%N" },
      "once-1",
    );
    const again = await ws.dispatch(
      "run_command",
      { command: "echo run >> runs.log; date +%N" },
      "once-1",
    );
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.result).toEqual(first.result);
    expect(await runs()).toBe("run\n");
  });

  it("runs concurrent repeats once and gives them all the same outcome", async () => {
    await writeFile(path.join(ws.dir, "runs.log"), "");
    const command = "sleep 0.3; echo run >> runs.log; date +%N";
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => ws.dispatch("run_command", { command }, "concurrent-1")),
    );
    expect(await runs()).toBe("run\n");
    expect(replies.filter((r) => !r.replayed)).toHaveLength(1);
    for (const reply of replies) expect(reply.result).toEqual(replies[0]?.result);
  });

  it("replays the stored outcome after the server restarts", async () => {
    await writeFile(path.join(ws.dir, "runs.log"), "");
    const first = await ws.dispatch("write_file", { path: "w.txt", content: "v1" }, "restart-1");
    await sandbox.server.close();
    sandbox = await startSandbox({ root: sandbox.root });
    ws = await workspaceClient(sandbox, ws.id);
    await writeFile(path.join(ws.dir, "w.txt"), "changed since");
    const again = await ws.dispatch("write_file", { path: "w.txt", content: "v1" }, "restart-1");
    expect(again).toEqual({ ...first, replayed: true });
    expect(await readFile(path.join(ws.dir, "w.txt"), "utf8")).toBe("changed since");
  });

  it("keys outcomes per workspace", async () => {
    const other = await workspaceClient(sandbox);
    const mine = await ws.dispatch("run_command", { command: "echo mine" }, "shared-key");
    const theirs = await other.dispatch("run_command", { command: "echo theirs" }, "shared-key");
    expect(mine.result.stdout).toBe("mine\n");
    expect(theirs).toMatchObject({ replayed: false, result: { stdout: "theirs\n" } });
  });

  it("stores outcomes atomically under outcomes/<workspace>/ with hashed names", async () => {
    await ws.dispatch("stat_file", { path: "." }, "..");
    const dir = path.join(sandbox.root, "outcomes", ws.id);
    const names = await readdir(dir);
    const hashed = createHash("sha256").update("..").digest("hex");
    expect(names).toContain(`${hashed}.json`);
    expect(names.filter((n) => n.endsWith(".tmp") || n.endsWith(".pending"))).toEqual([]);
  });

  it("does not rerun an action whose first run was interrupted, and says its outcome is unknown", async () => {
    const dir = path.join(sandbox.root, "outcomes", ws.id);
    const name = createHash("sha256").update("cut-off").digest("hex");
    await writeFile(path.join(dir, `${name}.pending`), "");
    await writeFile(path.join(ws.dir, "runs.log"), "");
    const reply = await ws.dispatch("run_command", { command: "echo run >> runs.log" }, "cut-off");
    expect(reply).toMatchObject({
      replayed: true,
      result: { ok: false, metadata: { error_code: "io_error", outcome_unknown: true } },
    });
    expect(await runs()).toBe("");
    const again = await ws.dispatch("run_command", { command: "echo run >> runs.log" }, "cut-off");
    expect(again.result).toEqual(reply.result);
  });
});
