import path from "node:path";
import { glob } from "tinyglobby";
import { byCodePoint } from "../workspace/code-point-order.js";
import { isInside } from "../workspace/confine.js";
import { TOOL_SKIP_DIRS } from "./tool-context.js";
import { ToolFailure } from "./tool-failure.js";

const IGNORED = [...TOOL_SKIP_DIRS].map((name) => `**/${name}/**`);

/**
 * Refuses a glob that could name paths outside its base directory: absolute patterns, any
 * `..`, and NUL bytes are `sandbox_violation`.
 *
 * @example
 * checkGlob("src/**\/*.ts", "pattern"); // fine
 * checkGlob("../**", "pattern"); // throws ToolFailure("sandbox_violation")
 */
export function checkGlob(pattern: string, field: string): void {
  if (pattern.includes("\0")) {
    throw new ToolFailure("sandbox_violation", `${field}: contains a NUL byte`);
  }
  if (pattern.startsWith("/") || pattern.includes("..")) {
    throw new ToolFailure(
      "sandbox_violation",
      `${field}: must be relative to the workspace and may not contain ".."`,
    );
  }
}

/**
 * Regular files under `base` (an absolute directory inside the workspace `root`) matching
 * `pattern`, as absolute paths in code-point order. Symbolic links are neither followed nor
 * returned, `.git`, `node_modules`, `target` and `__pycache__` are skipped, and dot-files
 * match only a pattern that names them. A result outside `root` is dropped, whatever the
 * pattern did.
 *
 * @example
 * await globFiles(workspace.root, workspace.root, "src/**\/*.ts");
 */
export async function globFiles(root: string, base: string, pattern: string): Promise<string[]> {
  const found = await glob(pattern, {
    cwd: base,
    followSymbolicLinks: false,
    expandDirectories: false,
    onlyFiles: true,
    ignore: IGNORED,
  });
  return found
    .map((rel) => path.resolve(base, rel))
    .filter((abs) => isInside(root, abs))
    .sort(byCodePoint);
}
