import { execFile } from "node:child_process";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import type { CommitsResponse } from "../../../src/protocol/sandbox.js";

/** Most commits one call returns. */
export const MAX_COMMITS = 1000;
/** Entries of `.git` walked at most before the repository is refused. */
const MAX_GIT_ENTRIES = 50_000;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 10_000;
const UNIT = "\x1f";
const RECORD = "\x1e";

/**
 * Options that keep a workspace's own git configuration from running anything on the host:
 * no pager, hooks, fsmonitor or signature check, and no system or global configuration.
 */
const SAFE_CONFIG = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.pager=cat",
  "-c",
  "log.showSignature=false",
  "-c",
  "gpg.program=false",
];

/**
 * The workspace's `git log` from `HEAD`, newest first, at most `limit` commits: `[{sha,
 * message, time}]` (`time` in ms). `[]` when the workspace has no `.git` directory of its own,
 * no commit yet, or a repository that could reach outside the workspace (a symlink anywhere
 * under `.git`, alternates or a common dir), since git runs here, outside the OS sandbox.
 * Git runs through `execFile` (no shell) with bounded output and time.
 *
 * @example
 * await gitLog("/data/ws/ab12…", 100); // [{ sha: "3f…", message: "task(…): done", time: 1.7e12 }]
 */
export async function gitLog(root: string, limit: number): Promise<CommitsResponse> {
  const gitDir = path.join(root, ".git");
  if (!(await isConfinedRepository(gitDir))) return [];
  const count = Math.min(MAX_COMMITS, Math.max(1, Math.floor(limit)));
  const args = [
    ...SAFE_CONFIG,
    "--no-pager",
    `--git-dir=${gitDir}`,
    `--work-tree=${root}`,
    "log",
    "--no-show-signature",
    `-n${count}`,
    `--format=%H${UNIT}%ct${UNIT}%B${RECORD}`,
  ];
  const stdout = await runGit(args);
  return stdout === undefined ? [] : parseLog(stdout);
}

/** Parses `git log` output in the format {@link gitLog} asks for. */
export function parseLog(stdout: string): CommitsResponse {
  const commits: CommitsResponse = [];
  for (const record of stdout.split(RECORD)) {
    const [sha, seconds, message] = record.replace(/^\n/, "").split(UNIT);
    if (!sha || !/^[0-9a-f]{40,64}$/.test(sha) || seconds === undefined) continue;
    commits.push({ sha, time: Number(seconds) * 1000, message: (message ?? "").trimEnd() });
  }
  return commits;
}

function runGit(args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      {
        timeout: TIMEOUT_MS,
        maxBuffer: MAX_OUTPUT_BYTES,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: "/nonexistent",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_CONFIG_GLOBAL: "/dev/null",
          GIT_TERMINAL_PROMPT: "0",
          LC_ALL: "C",
        },
      },
      // Not a repository, no commit yet, git missing or over the limits: no history to show.
      (err, stdout) => resolve(err ? undefined : stdout),
    );
  });
}

async function isConfinedRepository(gitDir: string): Promise<boolean> {
  const info = await lstat(gitDir).catch(() => undefined);
  if (!info?.isDirectory()) return false;
  let seen = 0;
  const pending = [gitDir];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
    if (!entries) return false;
    for (const entry of entries) {
      if (++seen > MAX_GIT_ENTRIES || entry.isSymbolicLink()) return false;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (!entry.isFile()) return false;
    }
  }
  const reaching = ["commondir", "objects/info/alternates", "objects/info/http-alternates"];
  for (const name of reaching) {
    if (await lstat(path.join(gitDir, name)).catch(() => undefined)) return false;
  }
  return true;
}
