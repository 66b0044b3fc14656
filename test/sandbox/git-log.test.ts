import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitLog, parseLog } from "../../sandbox/src/workspace/git-log.js";

let base: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), "aura-git-log-"));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** A workspace with a git repository of the given commit messages (oldest first). */
async function repoWith(name: string, messages: string[]): Promise<string> {
  const root = path.join(base, name);
  await mkdir(root);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
      cwd: root,
    });
  git("init", "-q");
  for (const [i, message] of messages.entries()) {
    await writeFile(path.join(root, "f.txt"), String(i));
    git("add", "f.txt");
    git("commit", "-q", "-m", message);
  }
  return root;
}

describe("a workspace's git log", () => {
  it("lists commits newest first with full messages, bounded by the limit", async () => {
    const root = await repoWith("ws", ["first", "second\n\nwith a body"]);
    const commits = await gitLog(root, 100);
    expect(commits.map((c) => c.message)).toEqual(["second\n\nwith a body", "first"]);
    expect(commits[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await gitLog(root, 1)).toHaveLength(1);
  });

  it("is empty for a workspace without git, or a repository without commits", async () => {
    const plain = path.join(base, "plain");
    await mkdir(plain);
    expect(await gitLog(plain, 10)).toEqual([]);
    expect(await gitLog(await repoWith("empty", []), 10)).toEqual([]);
    expect(await gitLog(path.join(base, "missing"), 10)).toEqual([]);
  });

  it("never follows a repository out of the workspace: a symlinked .git or ref is refused", async () => {
    const other = await repoWith("other", ["secret history"]);
    const linked = path.join(base, "linked");
    await mkdir(linked);
    await symlink(path.join(other, ".git"), path.join(linked, ".git"));
    expect(await gitLog(linked, 10)).toEqual([]);

    const own = await repoWith("own", ["mine"]);
    await rm(path.join(own, ".git", "refs", "heads", "master"), { force: true });
    await rm(path.join(own, ".git", "refs", "heads", "main"), { force: true });
    await symlink(path.join(other, ".git", "HEAD"), path.join(own, ".git", "refs", "heads", "x"));
    expect(await gitLog(own, 10)).toEqual([]);
  });

  it("does not run a program the workspace's git config names, even for a signed commit", async () => {
    // Given a repository whose config asks git log to check signatures with a script of its
    // own, and a commit that carries a signature (unguarded, git log would run the script)
    const root = await repoWith("hostile", []);
    const proof = path.join(base, "ran");
    const script = path.join(base, "evil.sh");
    await writeFile(script, `#!/bin/sh\ntouch ${proof}\n`, { mode: 0o755 });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root }).toString().trim();
    const tree = git("write-tree");
    const signed = `tree ${tree}\nauthor t <t@x> 1700000000 +0000\ncommitter t <t@x> 1700000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\nsigned\n`;
    await writeFile(path.join(base, "commit.txt"), signed);
    const sha = git("hash-object", "-t", "commit", "-w", path.join(base, "commit.txt"));
    git("update-ref", "HEAD", sha);
    for (const [key, value] of [
      ["log.showSignature", "true"],
      ["gpg.program", script],
      ["core.fsmonitor", script],
      ["core.pager", script],
    ] as const) {
      git("config", key, value);
    }

    // When its log is read, Then the commit is listed and the script never ran
    expect((await gitLog(root, 10)).map((c) => c.message)).toEqual(["signed"]);
    expect(existsSync(proof)).toBe(false);
  });

  it("skips records that are not commits when parsing", () => {
    expect(parseLog("garbage\x1e")).toEqual([]);
  });
});
