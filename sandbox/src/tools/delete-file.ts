import { lstat, unlink } from "node:fs/promises";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath } from "../workspace/confine.js";
import type { ToolContext, ToolReply } from "./tool-context.js";
import { fsFailure, ToolFailure } from "./tool-failure.js";

/**
 * `delete_file`: removes one file (or symbolic link); a directory is refused with `io_error`.
 *
 * @example
 * await deleteFileTool(ctx, { path: "old.txt" }); // { changed: { deleted: ["old.txt"] }, … }
 */
export async function deleteFileTool(
  ctx: ToolContext,
  args: ToolArgs<"delete_file">,
): Promise<ToolReply> {
  const target = await confinePath(ctx.workspace, args.path);
  try {
    const info = await lstat(target.abs);
    if (info.isDirectory()) {
      throw new ToolFailure(
        "io_error",
        `${target.rel}: is a directory; delete_file removes files only`,
      );
    }
    await unlink(target.abs);
  } catch (err) {
    throw fsFailure(err, target.rel);
  }
  return {
    stdout: `deleted ${target.rel}`,
    metadata: { path: target.rel },
    changed: { deleted: [target.rel] },
  };
}
