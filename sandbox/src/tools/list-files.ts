import { readdir } from "node:fs/promises";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { byCodePoint } from "../workspace/code-point-order.js";
import { confinePath } from "../workspace/confine.js";
import { TOOL_SKIP_DIRS, type ToolContext, type ToolReply } from "./tool-context.js";
import { fsFailure } from "./tool-failure.js";

/**
 * `list_files`: the entries of one directory (default the workspace root), one per line,
 * directories first with a trailing `/`, each group sorted by name. `.git`, `node_modules`,
 * `target` and `__pycache__` are left out.
 *
 * @example
 * await listFilesTool(ctx, {}); // { stdout: "src/\ntest/\nREADME.md", … }
 */
export async function listFilesTool(
  ctx: ToolContext,
  args: ToolArgs<"list_files">,
): Promise<ToolReply> {
  const target = await confinePath(ctx.workspace, args.path ?? ".");
  const entries = await readdir(target.abs, { withFileTypes: true }).catch((err: unknown) => {
    throw fsFailure(err, target.rel);
  });
  const dirs: string[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (TOOL_SKIP_DIRS.has(entry.name)) continue;
    (entry.isDirectory() ? dirs : files).push(entry.name);
  }
  dirs.sort(byCodePoint);
  files.sort(byCodePoint);
  const lines = [...dirs.map((name) => `${name}/`), ...files];
  return {
    stdout: lines.join("\n"),
    metadata: { path: target.rel, dirs: dirs.length, files: files.length },
  };
}
