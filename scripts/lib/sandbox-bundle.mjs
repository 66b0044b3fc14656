import { staleReason } from "./bundle-freshness.mjs";

/** The bundle `node sandbox/dist/server.mjs` runs (built by scripts/build-sandbox.mjs). */
export const SANDBOX_BUNDLE = "sandbox/dist/server.mjs";

/** The bundle and the list of files it was built from (written by scripts/build-sandbox.mjs). */
export const SANDBOX_BUNDLE_FILES = Object.freeze({
  output: SANDBOX_BUNDLE,
  inputsList: "sandbox/dist/inputs.json",
});

/**
 * What the bundle depends on besides the files esbuild reads: the build script, and the
 * lockfile that pins its dependencies.
 */
export const SANDBOX_BUILD_INPUTS = Object.freeze([
  "scripts/build-sandbox.mjs",
  "package-lock.json",
]);

/**
 * Why the sandbox bundle must be rebuilt — it is missing, or a file it was built from is gone
 * or newer — or undefined when it is up to date.
 *
 * @param {string} root the repository root
 * @returns {string | undefined}
 * @example
 * staleBundleReason(root); // "sandbox/src/server.ts is newer than sandbox/dist/server.mjs"
 */
export function staleBundleReason(root) {
  return staleReason(root, SANDBOX_BUNDLE_FILES);
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
