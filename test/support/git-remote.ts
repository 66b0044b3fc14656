import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** A bare repository served over git's "dumb" HTTP protocol on 127.0.0.1. */
export interface GitRemote {
  /** `http://127.0.0.1:<port>/repo.git`. */
  url: string;
  /** The commits of the remote's branch, newest first (`git log --format=%s`). */
  subjects(): string[];
  close(): Promise<void>;
}

/**
 * A local bare repository whose `branch` has one commit with `files`, served read-only over
 * HTTP the way a static host serves a repository (`git update-server-info`, then plain GETs):
 * what a dev loop's `git_repo_url` clones from in tests, without the internet.
 *
 * @example
 * const remote = await serveBareRepo({ "README.md": "# hi\n" });
 * // POST /automaton/start { project_id, git_repo_url: remote.url }
 */
export async function serveBareRepo(
  files: Record<string, string>,
  branch = "main",
): Promise<GitRemote> {
  const base = await mkdtemp(path.join(tmpdir(), "aura-git-remote-"));
  const work = path.join(base, "work");
  const bare = path.join(base, "repo.git");
  await mkdir(work);
  const git = (cwd: string, ...args: string[]) =>
    execFileSync(
      "git",
      [
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "-c",
        "init.defaultBranch=main",
        ...args,
      ],
      { cwd, encoding: "utf8" },
    );
  git(work, "init", "-q", "-b", branch);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, name)), { recursive: true });
    await writeFile(path.join(work, name), text);
  }
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "initial import");
  git(base, "clone", "-q", "--bare", work, bare);
  git(bare, "update-server-info");
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const rel = decodeURIComponent(url.pathname).replace(/^\/repo\.git\/?/, "");
    const file = path.resolve(bare, rel);
    if (req.method !== "GET" || !file.startsWith(bare + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { "content-type": "application/octet-stream" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/repo.git`,
    subjects: () => git(bare, "log", "--format=%s", branch).trim().split("\n"),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await rm(base, { recursive: true, force: true });
    },
  };
}
