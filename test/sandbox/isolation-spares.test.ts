import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { workspaceClient } from "./helpers.js";
import { eventually, startSandboxWith } from "./isolation-helpers.js";

/** Host pids whose command line mentions `text` (a data directory: bwrap's arguments name it). */
async function hostPidsMentioning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) found.push(Number(name));
  }
  return found;
}

describe("sandboxes set up ahead of time", () => {
  it("give every call of a workspace a fresh sandbox: own /tmp, own PID namespace", async () => {
    const sandbox = await startSandboxWith({});
    try {
      const ws = await workspaceClient(sandbox);
      for (let i = 0; i < 3; i++) {
        const reply = await ws.dispatch("run_command", {
          command: "ls /tmp | wc -l; touch /tmp/mark; echo $$; ps -e -o pid= | wc -l",
        });
        // Nothing left in /tmp by the previous call; the shell is PID 2 again; only it, bwrap's
        // init and ps (and the pipeline's wc) are there.
        const [tmpEntries, shellPid, processes] = reply.result.stdout
          .trim()
          .split("\n")
          .map(Number);
        expect([tmpEntries, shellPid]).toEqual([0, 2]);
        expect(processes).toBeLessThanOrEqual(4);
      }
    } finally {
      await sandbox.stop();
    }
  });

  it("run in any working_dir, whatever bytes its name holds, and keep the command exactly", async () => {
    const sandbox = await startSandboxWith({});
    try {
      const ws = await workspaceClient(sandbox);
      const odd = "a b\n'c\"$(x)%s\\n é";
      await mkdir(path.join(ws.dir, odd), { recursive: true });
      await ws.dispatch("run_command", { command: "true" });
      const reply = await ws.dispatch("run_command", {
        command: "pwd; cat <<'EOF'\n  kept  \nEOF\n",
        working_dir: odd,
      });
      expect(reply.result).toMatchObject({ ok: true, stdout: `/workspace/${odd}\n  kept  \n` });
    } finally {
      await sandbox.stop();
    }
  });

  it("are all killed when the server closes", async () => {
    const sandbox = await startSandboxWith({});
    const a = await workspaceClient(sandbox);
    const b = await workspaceClient(sandbox);
    await a.dispatch("run_command", { command: "true" });
    await b.dispatch("run_command", { command: "true" });
    await eventually(
      async () => (await hostPidsMentioning(sandbox.root)).length >= 2,
      "a spare waits for each workspace",
    );
    await sandbox.stop();
    await eventually(
      async () => (await hostPidsMentioning(sandbox.root)).length === 0,
      "no spare is left",
    );
  });
});
