import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DispatchResponse } from "../../src/protocol/sandbox.js";
import { type TestSandbox, type WorkspaceClient, workspaceClient } from "./helpers.js";
import { startSandboxWith } from "./isolation-helpers.js";

let sandbox: TestSandbox;
let ws: WorkspaceClient;
let other: WorkspaceClient;
/** A secret beside the data directory, as `worker.env` sits beside `sandbox/` under npm start. */
let besideRoot: string;

beforeAll(async () => {
  sandbox = await startSandboxWith({});
  ws = await workspaceClient(sandbox);
  other = await workspaceClient(sandbox);
  await other.dispatch("write_file", { path: "secret.txt", content: "other-tenant-secret" });
  await writeFile(path.join(sandbox.root, "worker.env"), "AURA_JWT_SECRET=root-secret\n");
  besideRoot = `${sandbox.root}-worker.env`;
  await writeFile(besideRoot, "SANDBOX_TOKEN_SECRET=beside-root-secret\n");
});
afterAll(async () => {
  await sandbox.stop();
  await rm(besideRoot, { force: true });
});

async function run(command: string): Promise<DispatchResponse["result"]> {
  return (await ws.dispatch("run_command", { command })).result;
}

describe("run_command under bubblewrap", () => {
  it("is confined: the server reports bubblewrap isolation", () => {
    expect(sandbox.server.isolation.kind).toBe("bwrap");
  });

  it("cannot read another workspace, the data directory or a secret beside it", async () => {
    const attempts = [
      `../${other.id}/secret.txt`,
      path.join(other.dir, "secret.txt"),
      path.join(sandbox.root, "worker.env"),
      besideRoot,
    ];
    for (const target of attempts) {
      const result = await run(`cat '${target}'`);
      expect(result.ok, target).toBe(false);
      expect(result.stderr).toContain("No such file or directory");
    }
    // The data directory's parent, where it would be on the host, is the sandbox's empty /tmp.
    const search = await run(`grep -rs secret ${path.dirname(sandbox.root)} || true`);
    expect(search.stdout).not.toMatch(/other-tenant-secret|root-secret|beside-root-secret/);
  });

  it("cannot read /etc/shadow or any other owner-only file of the host, but reads /etc/passwd", async () => {
    const shadow = await run("cat /etc/shadow");
    expect(shadow).toMatchObject({ ok: false, stdout: "" });
    expect(shadow.stderr).toContain("Permission denied");
    const passwd = await run("head -n 1 /etc/passwd");
    expect(passwd.stdout).toMatch(/^root:/);
    // Every file under /etc that is unreadable to other users on the host stays unreadable.
    const all = await run(
      "find /etc -type f ! -perm -o+r -exec head -c 1 {} + 2>/dev/null | wc -c",
    );
    expect(all.stdout.trim()).toBe("0");
    const host = await run("ls /root /home /var /srv /opt 2>&1; ls /");
    expect(host.stdout).toContain("No such file or directory");
    expect(host.stdout).not.toMatch(/^(root|home|var|srv|opt|work)$/m);
  });

  it("cannot read the server's environment through /proc", async () => {
    const result = await run(`cat /proc/${process.pid}/environ /proc/${process.ppid}/environ`);
    expect(result.ok).toBe(false);
    expect(result.stdout).toBe("");
  });

  it("sees only its own processes in ps and /proc", async () => {
    const ps = await run("ps -e -o pid=,comm=");
    const lines = ps.stdout.trim().split("\n");
    // bwrap's init (PID 1), the shell and ps itself.
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(ps.stdout).not.toMatch(/node|vitest/);
    const pids = await run("ls /proc | grep -E '^[0-9]+$'");
    expect(Math.max(...pids.stdout.trim().split("\n").map(Number))).toBeLessThan(10);
  });

  it("runs as an unprivileged uid with no capabilities and no nested user namespaces", async () => {
    const id = await run("id -u; id -g; grep CapEff /proc/self/status");
    expect(id.stdout).toMatch(/^1000\n1000\nCapEff:\s+0+\n$/);
    const nested = await run("unshare -U true");
    expect(nested.ok).toBe(false);
  });

  it("writes to the workspace only: system directories are read-only and /tmp is its own", async () => {
    await mkdir(path.join(ws.dir, "sub"), { recursive: true });
    const result = await run(
      "echo made > sub/made.txt; echo tmp > /tmp/x; touch /usr/x /etc/x 2>&1; cat /tmp/x",
    );
    expect(result.stdout).toContain("'/usr/x': Read-only file system");
    expect(result.stdout).toContain("'/etc/x': Read-only file system");
    expect(result.stdout).toContain("tmp\n");
    expect(await readFile(path.join(ws.dir, "sub/made.txt"), "utf8")).toBe("made\n");
    const fresh = await run("cat /tmp/x");
    expect(fresh.ok).toBe(false);
  });
});
