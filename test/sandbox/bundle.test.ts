import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DispatchResponse } from "../../src/protocol/sandbox.js";
import { listeningUrl, REPO, runNode } from "./bundle-process.js";
import { newWorkspaceId, signToken, TEST_SECRET } from "./helpers.js";

let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    process.kill(child.pid, "SIGTERM");
    await exited;
  }
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

describe("the production bundle", () => {
  it("builds, starts from env, answers /health and a dispatch, and stops on SIGTERM", async () => {
    expect(await runNode(["scripts/build-sandbox.mjs"])).toBe(0);
    dataDir = await mkdtemp(path.join(tmpdir(), "aura-sandbox-bundle-"));
    child = spawn(process.execPath, ["sandbox/dist/server.mjs"], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH,
        SANDBOX_ROOT: dataDir,
        SANDBOX_TOKEN_SECRET: TEST_SECRET,
        AURA_SANDBOX_PORT: "0",
        ALLOWED_COMMANDS: "echo",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const url = await listeningUrl(child);

    const health = await fetch(`${url}/health`);
    expect(await health.json()).toEqual({ status: "ok" });

    const workspace = newWorkspaceId();
    const res = await fetch(`${url}/v1/workspaces/${workspace}/dispatch`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await signToken(workspace)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        action_id: "bundle-1",
        tool: "run_command",
        args: { command: "echo from-bundle" },
      }),
    });
    const reply = DispatchResponse.parse(await res.json());
    expect(reply.result).toMatchObject({ ok: true, stdout: "from-bundle\n" });

    // search_code runs on a thread started from the bundle file itself.
    await fetch(`${url}/v1/workspaces/${workspace}/dispatch`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await signToken(workspace)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        action_id: "bundle-write",
        tool: "write_file",
        args: { path: "a.txt", content: "aaab\naaaa\n" },
      }),
    });
    const search = await fetch(`${url}/v1/workspaces/${workspace}/dispatch`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await signToken(workspace)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        action_id: "bundle-2",
        tool: "search_code",
        args: { pattern: "(a+)+$" },
      }),
    });
    expect(DispatchResponse.parse(await search.json()).result).toMatchObject({
      ok: true,
      stdout: "a.txt:2:aaaa",
    });

    const exited = new Promise<number | null>((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
