import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitResponse } from "../../src/protocol/sandbox.js";
import { type GitRemote, serveBareRepo } from "../support/git-remote.js";
import { startSandbox, type TestSandbox, workspaceClient } from "./helpers.js";

let sandbox: TestSandbox;
let remote: GitRemote;

beforeAll(async () => {
  sandbox = await startSandbox();
  remote = await serveBareRepo({ "README.md": "# upstream\n", "src/lib.txt": "lib\n" }, "trunk");
});

afterAll(async () => {
  await remote?.close();
  await sandbox?.stop();
});

/** POSTs a git request to one workspace and parses the reply. */
async function git(id: string, token: string, body: unknown): Promise<GitResponse> {
  const res = await fetch(`${sandbox.server.url}/v1/workspaces/${id}/git`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const reply: unknown = await res.json();
  expect({ status: res.status, reply }).toEqual({ status: 200, reply: expect.anything() });
  return GitResponse.parse(reply);
}

function log(dir: string): string[] {
  return execFileSync("git", ["-c", `safe.directory=*`, "log", "--format=%s"], {
    cwd: dir,
    encoding: "utf8",
  })
    .trim()
    .split("\n");
}

describe("the dev loop's git operations in a workspace", () => {
  it("commits everything once per marker: a repeated commit answers the first one", async () => {
    const ws = await workspaceClient(sandbox);
    await ws.dispatch("write_file", { path: "a.txt", content: "one\n" });
    const first = await git(ws.id, ws.token, {
      op: "commit",
      message: "task(t1): add a",
      marker: "task(t1):",
    });
    expect(first).toMatchObject({ ok: true, existing: false });
    await ws.dispatch("write_file", { path: "b.txt", content: "two\n" });
    const again = await git(ws.id, ws.token, {
      op: "commit",
      message: "task(t1): add a",
      marker: "task(t1):",
    });
    expect(again).toEqual({ ...first, existing: true });
    const second = await git(ws.id, ws.token, {
      op: "commit",
      message: "task(t2): add b",
      marker: "task(t2):",
    });
    expect(second).toMatchObject({ ok: true, existing: false });
    expect(log(ws.dir)).toEqual(["task(t2): add b", "task(t1): add a"]);
    // Nothing changed since: still exactly one commit for the marker (an empty one).
    const empty = await git(ws.id, ws.token, {
      op: "commit",
      message: "task(t3): nothing",
      marker: "task(t3):",
    });
    expect(empty).toMatchObject({ ok: true, existing: false });
    expect(log(ws.dir)).toHaveLength(3);
  });

  it("clones an http remote's branch into the workspace, once", async () => {
    const ws = await workspaceClient(sandbox);
    const cloned = await git(ws.id, ws.token, { op: "clone", url: remote.url, branch: "trunk" });
    expect(cloned).toMatchObject({ ok: true, existing: false });
    expect(await readFile(path.join(ws.dir, "src/lib.txt"), "utf8")).toBe("lib\n");
    const again = await git(ws.id, ws.token, { op: "clone", url: remote.url, branch: "trunk" });
    expect(again).toEqual({ ...cloned, existing: true });
    const other = await workspaceClient(sandbox);
    const byDefault = await git(other.id, other.token, { op: "clone", url: remote.url });
    expect(byDefault).toMatchObject({ ok: true, sha: cloned.ok ? cloned.sha : "" });
    expect(log(other.dir)).toEqual(["initial import"]);
  });

  it("refuses remotes that are not http(s) and names git's failure for a bad one", async () => {
    const ws = await workspaceClient(sandbox);
    const refused = [
      ...["file:///etc", "ext::sh -c id", "ssh://host/x.git", `${sandbox.root}/x`].map((url) => ({
        url,
      })),
      { url: remote.url, branch: "--upload-pack=touch /tmp/x" },
      { url: remote.url, branch: "main; id" },
    ];
    for (const body of refused) {
      const res = await fetch(`${sandbox.server.url}/v1/workspaces/${ws.id}/git`, {
        method: "POST",
        headers: { authorization: `Bearer ${ws.token}`, "content-type": "application/json" },
        body: JSON.stringify({ op: "clone", ...body }),
      });
      expect(res.status).toBe(400);
    }
    const missing = await git(ws.id, ws.token, { op: "clone", url: `${remote.url}-missing` });
    expect(missing.ok).toBe(false);
    expect(missing.ok ? "" : missing.error).toMatch(/command_failed/);
    const branch = await git(ws.id, ws.token, { op: "clone", url: remote.url, branch: "nope" });
    expect(branch.ok).toBe(false);
  });

  it("runs git inside the OS sandbox: a filter the workspace configures cannot touch the host", async () => {
    const ws = await workspaceClient(sandbox);
    const marker = path.join(tmpdir(), `aura-git-filter-${process.pid}-${Date.now()}`);
    await ws.dispatch("write_file", { path: "a.txt", content: "x\n" });
    await git(ws.id, ws.token, { op: "commit", message: "task(s0): base", marker: "task(s0):" });
    const config = await readFile(path.join(ws.dir, ".git/config"), "utf8");
    await writeFile(
      path.join(ws.dir, ".git/config"),
      `${config}[filter "evil"]\n\tclean = sh -c 'touch ${marker}; cat'\n[core]\n\tfsmonitor = sh -c 'touch ${marker}'\n`,
    );
    await mkdir(path.join(ws.dir, "d"), { recursive: true });
    await writeFile(path.join(ws.dir, ".gitattributes"), "* filter=evil\n");
    await writeFile(path.join(ws.dir, "d/b.txt"), "y\n");
    const result = await git(ws.id, ws.token, {
      op: "commit",
      message: "task(s1): b",
      marker: "task(s1):",
    });
    expect(result.ok).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });
});
