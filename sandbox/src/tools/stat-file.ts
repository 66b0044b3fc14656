import { lstat, stat } from "node:fs/promises";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath } from "../workspace/confine.js";
import type { ToolContext, ToolReply } from "./tool-context.js";
import { fsFailure } from "./tool-failure.js";

/**
 * `stat_file`: size, kind and write permission of a path, as JSON in `stdout` and the same
 * fields in `metadata`. `readonly` means no write bit is set for anyone (like Rust's
 * `Permissions::readonly`); a symbolic link is described by its target, with `is_symlink`.
 *
 * @example
 * await statFileTool(ctx, { path: "README.md" });
 * // stdout: {"path":"README.md","size":120,"is_file":true,"is_dir":false,…}
 */
export async function statFileTool(
  ctx: ToolContext,
  args: ToolArgs<"stat_file">,
): Promise<ToolReply> {
  const target = await confinePath(ctx.workspace, args.path);
  try {
    const [info, link] = await Promise.all([stat(target.abs), lstat(target.abs)]);
    const fields = {
      path: target.rel,
      size: info.size,
      is_file: info.isFile(),
      is_dir: info.isDirectory(),
      is_symlink: link.isSymbolicLink(),
      readonly: (info.mode & 0o222) === 0,
      modified_ms: Math.trunc(info.mtimeMs),
    };
    return { stdout: JSON.stringify(fields), metadata: fields };
  } catch (err) {
    throw fsFailure(err, target.rel);
  }
}
