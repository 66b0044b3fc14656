import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Runs `node <args>` in the repository; resolves with its exit code.
 *
 * @example
 * expect(await runNode(["scripts/build-sandbox.mjs"])).toBe(0);
 */
export function runNode(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const build = spawn(process.execPath, args, { cwd: REPO, stdio: "inherit" });
    build.once("error", reject);
    build.once("exit", resolve);
  });
}

/**
 * Resolves with the URL from a sandbox process's `sandbox listening on <url>` line; rejects
 * with what it printed if it exits first.
 *
 * @example
 * const url = await listeningUrl(spawn(process.execPath, ["sandbox/dist/server.mjs"], opts));
 */
export function listeningUrl(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = /^sandbox listening on (http:\/\/\S+)$/m.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    proc.once("exit", (code) =>
      reject(new Error(`sandbox exited (${code}) before listening: ${seen}`)),
    );
  });
}
