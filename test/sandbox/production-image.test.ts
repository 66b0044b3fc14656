import { spawn } from "node:child_process";
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DispatchResponse } from "../../src/protocol/sandbox.js";
import { deriveWorkspaceKey, workspaceKeyToHex } from "../../src/tools/workspace-key.js";
import { listeningUrl, REPO, runNode } from "./bundle-process.js";
import { newWorkspaceId, signToken, TEST_SECRET } from "./helpers.js";

/**
 * The sandbox the way the production image runs it (sandbox/Dockerfile): the bundle alone, as
 * an unprivileged user (`nobody` when the tests run as root, as in CI; else the caller, who is
 * unprivileged already), handed one workspace's key in its environment, as `SandboxContainer`
 * does. A command it runs must reach neither that key — not through its own environment, not
 * through `/proc/<pid>/environ` of the server — nor the server's data outside the workspace.
 */

const NOBODY = 65534;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A directory the unprivileged server can use. */
async function dirFor(uid: number | undefined, mode: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "aura-sandbox-image-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  if (uid !== undefined) await chown(dir, uid, uid);
  await chmod(dir, mode);
  return dir;
}

describe("the sandbox as the production image runs it", () => {
  it("keeps its workspace key and data out of reach of the commands it runs", async () => {
    // Given the bundle, run by an unprivileged user with one workspace's key
    expect(await runNode(["scripts/build-sandbox.mjs"])).toBe(0);
    const uid = process.getuid?.() === 0 ? NOBODY : undefined;
    const app = await dirFor(uid, 0o755);
    await copyFile(path.join(REPO, "sandbox/dist/server.mjs"), path.join(app, "server.mjs"));
    await chmod(path.join(app, "server.mjs"), 0o644);
    const data = await dirFor(uid, 0o700);
    await mkdir(path.join(data, "outcomes"), { recursive: true });
    await writeFile(path.join(data, "outcomes", "marker.json"), "OUTCOME-MARKER\n");
    if (uid !== undefined) {
      await chown(path.join(data, "outcomes"), uid, uid);
      await chown(path.join(data, "outcomes", "marker.json"), uid, uid);
    }
    const workspace = newWorkspaceId();
    const key = await deriveWorkspaceKey(TEST_SECRET, workspace);
    const keyHex = workspaceKeyToHex(key);
    const child = spawn(process.execPath, [path.join(app, "server.mjs")], {
      cwd: app,
      ...(uid === undefined ? {} : { uid, gid: uid }),
      env: {
        PATH: process.env.PATH,
        SANDBOX_ROOT: data,
        SANDBOX_WORKSPACE_ID: workspace,
        SANDBOX_WORKSPACE_KEY: keyHex,
        AURA_SANDBOX_PORT: "0",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanups.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    });
    const url = await listeningUrl(child);

    // When a command looks for the key and the server's data everywhere it might be
    const command = [
      "echo RAN$((1+1))",
      "env",
      "cat /proc/1/environ",
      "cat /proc/$PPID/environ",
      `for p in /proc/[0-9]*; do cat $p/environ; echo; done`,
      `cat ${data}/outcomes/marker.json`,
      "cat ../../outcomes/marker.json",
      `grep -r -a -h OUTCOME-MARKER ${data} /tmp`,
    ]
      .map((c) => `${c} 2>&1`)
      .join("; ");
    const res = await fetch(`${url}/v1/workspaces/${workspace}/dispatch`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await signToken(workspace, { key })}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ action_id: "image-1", tool: "run_command", args: { command } }),
    });
    const reply = DispatchResponse.parse(await res.json());

    // Then it ran, and found neither
    expect(reply.result.stdout).toContain("RAN2");
    const seen = `${reply.result.stdout}\n${reply.result.stderr}`;
    expect(seen).not.toContain(keyHex);
    expect(seen).not.toContain("OUTCOME-MARKER");
    expect(seen).not.toContain("SANDBOX_WORKSPACE_KEY");

    // And another workspace is refused, even with a token signed with its own key
    const other = newWorkspaceId();
    const refused = await fetch(`${url}/v1/workspaces/${other}/files`, {
      headers: { authorization: `Bearer ${await signToken(other)}` },
    });
    expect(refused.status).toBe(403);
  });
});
