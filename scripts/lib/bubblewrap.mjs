// No imports outside node:*: `npm start` may run this before anything else is installed.
import { spawnSync } from "node:child_process";
import { aptInstall, hasAptGet } from "./debian.mjs";

/** What to set to run commands without OS isolation; every refusal names it. */
const OFF_HINT =
  "set AURA_SANDBOX_ISOLATION=off to run commands and terminals unconfined (they can then read everything npm start can)";

/** The namespaces the sandbox uses, over the host's own root, read-only: enough to prove they work. */
const PROBE_ARGS = [
  "--unshare-all",
  "--share-net",
  "--unshare-user",
  "--die-with-parent",
  "--ro-bind",
  "/",
  "/",
  "--proc",
  "/proc",
  "--dev",
  "/dev",
  "true",
];

/**
 * @typedef {(command: string, args: string[], options?: import("node:child_process").SpawnSyncOptions)
 *   => { status: number | null, error?: Error, stderr?: string | Buffer | null }} RunSync
 */

/**
 * Makes sure the sandbox can confine commands with bubblewrap before `npm start` starts it.
 * With `AURA_SANDBOX_ISOLATION=off` nothing is checked (the note is a warning). Otherwise
 * `bwrap` must run a command in fresh user, mount and PID namespaces; when it is missing and
 * this process is root on a system with `apt-get`, Debian's `bubblewrap` is installed first
 * (with a progress line). Any other failure is an error naming `AURA_SANDBOX_ISOLATION=off`.
 *
 * @param {{
 *   isolation: "on" | "off",
 *   log?: (line: string) => void,
 *   run?: RunSync,
 *   platform?: NodeJS.Platform,
 *   isRoot?: boolean,
 * }} options `run`, `platform` and `isRoot` are for tests
 * @returns {{ ok: true, note: string } | { ok: false, error: string }}
 * @example
 * const checked = ensureBubblewrap({ isolation: settings.sandboxIsolation, log: console.log });
 * if (!checked.ok) fail(checked.error);
 */
export function ensureBubblewrap({
  isolation,
  log = (line) => console.log(line),
  run = spawnSync,
  platform = process.platform,
  isRoot = process.getuid?.() === 0,
}) {
  if (isolation === "off") {
    return {
      ok: true,
      note: "WARNING: AURA_SANDBOX_ISOLATION=off: commands and terminals run unconfined, as this user",
    };
  }
  if (platform !== "linux") {
    return {
      ok: false,
      error: `the sandbox confines commands with bubblewrap, which needs Linux (this is ${platform}); ${OFF_HINT}`,
    };
  }
  let probe = probeBwrap(run);
  if (probe.missing && isRoot && hasAptGet(run)) {
    log("npm start: installing bubblewrap from Debian (apt-get install bubblewrap) ...");
    const install = aptInstall(["bubblewrap"], run);
    if (!install.ok) {
      return { ok: false, error: `${install.error}; install it yourself or ${OFF_HINT}` };
    }
    probe = probeBwrap(run);
  }
  if (probe.missing) {
    return {
      ok: false,
      error: `bwrap is not installed: install bubblewrap (Debian: apt-get install bubblewrap) or ${OFF_HINT}`,
    };
  }
  if (probe.error !== undefined) {
    return {
      ok: false,
      error: `bwrap cannot create the sandbox's namespaces here (${probe.error}); allow unprivileged user namespaces or ${OFF_HINT}`,
    };
  }
  return { ok: true, note: "commands and terminals run isolated with bubblewrap" };
}

/**
 * @param {RunSync} run
 * @returns {{ missing: boolean, error?: string }}
 */
function probeBwrap(run) {
  const result = run("bwrap", PROBE_ARGS, { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
  if (result.error !== undefined) {
    const missing = /** @type {NodeJS.ErrnoException} */ (result.error).code === "ENOENT";
    return { missing, error: result.error.message };
  }
  if (result.status === 0) return { missing: false };
  const said = String(result.stderr ?? "")
    .trim()
    .slice(0, 300);
  return { missing: false, error: said || `exit ${result.status}` };
}
