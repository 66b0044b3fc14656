// No imports outside node:*: this module runs before node_modules exists.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";

/** The dependency fields npm copies from package.json into the lockfile's root entry. */
const DEPENDENCY_FIELDS = [
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
];

/**
 * @typedef {{ command: "ci" | "install", reason: string }} InstallPlan
 */

/**
 * Decides whether `node_modules` must be (re)installed, from file times and the
 * lockfile alone, without running npm. `undefined` means it is up to date.
 *
 * - no lockfile: `npm install` when `node_modules` is missing or older than package.json;
 * - package.json declares dependencies the lockfile does not record: `npm install` to
 *   bring the lockfile in line (`npm ci` under CI, which then fails loudly);
 * - otherwise `npm ci` when `node_modules` is missing or older than package-lock.json.
 *
 * @param {string} root the package directory
 * @param {{ ci?: boolean }} [options]
 * @returns {InstallPlan | undefined}
 * @example
 * planInstall(process.cwd()); // undefined, or { command: "ci", reason: "node_modules is missing" }
 */
export function planInstall(root, { ci = false } = {}) {
  const manifest = join(root, "package.json");
  const lockfile = join(root, "package-lock.json");
  // npm writes this "hidden lockfile" at the end of every install.
  const installed = mtimeOf(join(root, "node_modules", ".package-lock.json"));

  if (!existsSync(lockfile)) {
    if (installed === undefined) return { command: "install", reason: "node_modules is missing" };
    if ((mtimeOf(manifest) ?? 0) > installed) {
      return { command: "install", reason: "package.json changed since the last install" };
    }
    return undefined;
  }
  if (!dependenciesMatch(readJson(manifest), readJson(lockfile))) {
    return {
      command: ci ? "ci" : "install",
      reason: "package.json declares dependencies that package-lock.json does not record",
    };
  }
  if (installed === undefined) return { command: "ci", reason: "node_modules is missing" };
  if ((mtimeOf(lockfile) ?? 0) > installed) {
    return { command: "ci", reason: "package-lock.json is newer than node_modules" };
  }
  return undefined;
}

/**
 * Installs dependencies when {@link planInstall} says so, printing why and inheriting
 * stdio. Returns quickly when there is nothing to do; throws when npm fails.
 *
 * @param {string} root the package directory
 * @param {{ ci?: boolean, log?: (line: string) => void }} [options]
 * @returns {boolean} whether npm ran
 * @example
 * ensureDeps(fileURLToPath(new URL("..", import.meta.url)));
 */
export function ensureDeps(root, { ci = isCi(), log = (line) => console.error(line) } = {}) {
  const plan = planInstall(root, { ci });
  if (plan === undefined) return false;
  const args = [plan.command, "--no-audit", "--no-fund"];
  log(`ensure-deps: ${plan.reason}; running npm ${args.join(" ")}`);
  const result = runNpm(args, root);
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`npm ${plan.command} failed with exit code ${result.status ?? result.signal}`);
  }
  // The install may rewrite package-lock.json after the hidden lockfile; mark
  // node_modules as at least as new so the next check is a no-op.
  const hidden = join(root, "node_modules", ".package-lock.json");
  if (existsSync(hidden)) {
    const now = new Date();
    utimesSync(hidden, now, now);
  }
  return true;
}

/**
 * Runs the npm that started this process when there is one (`npm test`, `npm start`),
 * else the npm on PATH.
 * @param {string[]} args
 * @param {string} cwd
 */
function runNpm(args, cwd) {
  const npmCli = process.env.npm_execpath;
  if (npmCli?.endsWith(".js")) {
    return spawnSync(process.execPath, [npmCli, ...args], { cwd, stdio: "inherit" });
  }
  return spawnSync("npm", args, { cwd, stdio: "inherit", shell: process.platform === "win32" });
}

/**
 * @param {Record<string, unknown>} manifest package.json
 * @param {{ packages?: Record<string, Record<string, unknown>> }} lock package-lock.json
 */
function dependenciesMatch(manifest, lock) {
  const recorded = lock.packages?.[""];
  if (recorded === undefined) return false;
  return DEPENDENCY_FIELDS.every(
    (field) => sortedJson(manifest[field]) === sortedJson(recorded[field]),
  );
}

/** @param {unknown} value a flat name → range map, or nothing */
function sortedJson(value) {
  return JSON.stringify(
    Object.entries(value ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** @param {string} path */
function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** @param {string} path @returns {number | undefined} */
function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function isCi() {
  const value = process.env.CI;
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}
