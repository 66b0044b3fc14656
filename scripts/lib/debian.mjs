// No imports outside node:*: this module runs before node_modules exists.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * @typedef {(command: string, args: string[], options: object) => { status: number | null, error?: Error, stderr?: unknown }} RunSync
 */

/**
 * True when `apt-get` runs here.
 * @param {RunSync} [run]
 */
export function hasAptGet(run = spawnSync) {
  const result = run("apt-get", ["--version"], { stdio: "ignore" });
  return result.error === undefined && result.status === 0;
}

/**
 * Installs Debian packages with `apt-get` (update, then install without recommends);
 * the caller checks it is root on a system with apt-get.
 * @param {string[]} packages
 * @param {RunSync} [run]
 * @returns {{ ok: true } | { ok: false, error: string }}
 * @example
 * const installed = aptInstall(["tmux"]);
 * if (!installed.ok) console.error(installed.error);
 */
export function aptInstall(packages, run = spawnSync) {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = run("apt-get", ["update", "-q"], { stdio: "ignore", env });
  const install =
    update.status === 0
      ? run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages], {
          stdio: "ignore",
          env,
        })
      : update;
  if (install.status === 0) return { ok: true };
  return {
    ok: false,
    error: `could not install ${packages.join(", ")} with apt-get (exit ${install.status ?? install.error?.message})`,
  };
}

/**
 * True when an executable named `command` is on PATH (found without running it: some, such as
 * a browser, do real work on any flag).
 * @param {string} command
 */
export function onPath(command) {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Makes sure each command is installed, installing the Debian package that provides it when
 * it is missing and this process is root on a system with apt-get. Returns the commands still
 * missing (empty when all are there).
 * @param {Array<{ command: string, pkg: string }>} wanted
 * @param {{ log?: (line: string) => void, run?: RunSync, isRoot?: boolean, has?: (command: string) => boolean }} [options]
 * @returns {string[]}
 * @example
 * const missing = ensureCommands([{ command: "tmux", pkg: "tmux" }]);
 */
export function ensureCommands(
  wanted,
  {
    log = (line) => console.log(line),
    run = spawnSync,
    isRoot = process.getuid?.() === 0,
    has = onPath,
  } = {},
) {
  const missing = wanted.filter(({ command }) => !has(command));
  if (missing.length > 0 && isRoot && hasAptGet(run)) {
    const pkgs = missing.map(({ pkg }) => pkg);
    log(`installing ${pkgs.join(", ")} from Debian (apt-get install) ...`);
    const installed = aptInstall(pkgs, run);
    if (!installed.ok) log(installed.error);
  }
  return missing.filter(({ command }) => !has(command)).map(({ command }) => command);
}
