import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The bundle `node sandbox/dist/server.mjs` runs (built by scripts/build-sandbox.mjs). */
export const SANDBOX_BUNDLE = "sandbox/dist/server.mjs";

/**
 * What the bundle is built from: the sandbox's sources, the wire contract it shares with the
 * Worker, the build script, and the lockfile that pins its dependencies.
 */
const SOURCES = ["sandbox/src", "src/protocol", "scripts/build-sandbox.mjs", "package-lock.json"];

/**
 * Why the sandbox bundle must be rebuilt — it is missing, or a source is newer — or
 * undefined when it is up to date.
 *
 * @param {string} root the repository root
 * @returns {string | undefined}
 * @example
 * staleBundleReason(root); // "sandbox/src/server.ts is newer than sandbox/dist/server.mjs"
 */
export function staleBundleReason(root) {
  const built = mtimeOf(join(root, SANDBOX_BUNDLE));
  if (built === undefined) return `${SANDBOX_BUNDLE} does not exist`;
  for (const source of SOURCES) {
    const newer = newestFile(root, source);
    if (newer && newer.mtime > built) return `${newer.path} is newer than ${SANDBOX_BUNDLE}`;
  }
  return undefined;
}

/**
 * Builds the sandbox bundle when {@link staleBundleReason} says so, saying why.
 *
 * @param {string} root the repository root
 * @param {(line: string) => void} log
 * @returns {Promise<boolean>} whether it was built
 * @example
 * await ensureSandboxBundle(root, console.log);
 */
export async function ensureSandboxBundle(root, log) {
  const reason = staleBundleReason(root);
  if (reason === undefined) return false;
  log(`Building the sandbox (${reason}) ...`);
  // esbuild is a dependency: loaded only once a build is needed.
  const { buildSandbox } = await import("../build-sandbox.mjs");
  await buildSandbox();
  return true;
}

/**
 * The most recently modified file at or below `relative` (a file or a directory).
 * @param {string} root
 * @param {string} relative
 * @returns {{ path: string, mtime: number } | undefined}
 */
function newestFile(root, relative) {
  const absolute = join(root, relative);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return { path: relative, mtime: stat.mtimeMs };
  /** @type {{ path: string, mtime: number } | undefined} */
  let newest;
  for (const entry of readdirSync(absolute)) {
    const found = newestFile(root, join(relative, entry));
    if (found && (newest === undefined || found.mtime > newest.mtime)) newest = found;
  }
  return newest;
}

/** @param {string} path @returns {number | undefined} */
function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
