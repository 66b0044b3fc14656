// Whether an esbuild bundle is older than what it was built from. A build writes the list of
// files esbuild read (its metafile's inputs) beside the bundle; a bundle is fresh while that
// list exists and no file in it is missing or newer than the bundle. Files esbuild does not
// read but the bundle still depends on (its build script, the lockfile, files copied beside
// it) are recorded in the same list.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A built bundle, both paths relative to the repository root.
 * @typedef {object} BundleFiles
 * @property {string} output the file whose modification time says when the bundle was built
 * @property {string} inputsList where the list of files it was built from is kept
 */

/**
 * Writes the inputs list of a build just finished: every file esbuild read (virtual modules a
 * plugin made, named `namespace:path`, have no file and are left out), then `alsoDependsOn`.
 *
 * @param {string} root the repository root (esbuild's `absWorkingDir`)
 * @param {BundleFiles} bundle
 * @param {{ inputs: Record<string, unknown> }} metafile the build result's `metafile`
 * @param {readonly string[]} [alsoDependsOn] files outside esbuild's view, relative to root
 * @example
 * const result = await build({ absWorkingDir: root, metafile: true, ... });
 * recordInputs(root, CLI_BUNDLE, result.metafile, ["package-lock.json"]);
 */
export function recordInputs(root, bundle, metafile, alsoDependsOn = []) {
  const read = Object.keys(metafile.inputs).filter((input) => !VIRTUAL_MODULE.test(input));
  const path = join(root, bundle.inputsList);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify([...read, ...alsoDependsOn]));
}

/**
 * Why the bundle must be rebuilt — it is missing, its inputs list is, or an input is gone or
 * newer than it — or undefined when it is up to date.
 *
 * @param {string} root the repository root
 * @param {BundleFiles} bundle
 * @returns {string | undefined}
 * @example
 * staleReason(root, CLI_BUNDLE); // "cli/src/main.ts is newer than cli/dist/aura.mjs"
 */
export function staleReason(root, bundle) {
  const built = mtimeOf(join(root, bundle.output));
  if (built === undefined) return `${bundle.output} does not exist`;
  const inputs = readInputs(join(root, bundle.inputsList));
  if (inputs === undefined) return `${bundle.inputsList} does not exist`;
  for (const input of inputs) {
    const modified = mtimeOf(join(root, input));
    if (modified === undefined) return `${input}, which ${bundle.output} was built from, is gone`;
    if (modified > built) return `${input} is newer than ${bundle.output}`;
  }
  return undefined;
}

/** An esbuild input that a plugin made in its own namespace (`zod-english:/abs/path`). */
const VIRTUAL_MODULE = /^[\w-]+:/;

/**
 * The inputs list at `path`, or undefined when it is missing or not a list of strings.
 * @param {string} path
 * @returns {string[] | undefined}
 */
function readInputs(path) {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8"));
    return Array.isArray(parsed) && parsed.every((input) => typeof input === "string")
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/** @param {string} path @returns {number | undefined} */
function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
