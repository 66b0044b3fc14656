import { stat } from "node:fs/promises";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath, toRelative } from "../workspace/confine.js";
import type { ToolContext, ToolReply } from "./tool-context.js";
import { fsFailure, ToolFailure } from "./tool-failure.js";
import { checkGlob, globFiles } from "./workspace-glob.js";

/** Most paths `find_files` returns. */
export const MAX_FIND_RESULTS = 200;

/**
 * `find_files`: files matching a glob under `path` (default the workspace root), one
 * workspace-relative path per line in code-point order, at most {@link MAX_FIND_RESULTS}
 * (`metadata.truncated` and `total` say when there were more). Symbolic links are never
 * followed, so no result lies outside the workspace.
 *
 * @example
 * await findFilesTool(ctx, { pattern: "**\/*.ts" }); // { stdout: "src/a.ts\nsrc/b.ts", … }
 */
export async function findFilesTool(
  ctx: ToolContext,
  args: ToolArgs<"find_files">,
): Promise<ToolReply> {
  checkGlob(args.pattern, "pattern");
  const base = await confinePath(ctx.workspace, args.path ?? ".");
  const info = await stat(base.abs).catch((err: unknown) => {
    throw fsFailure(err, base.rel);
  });
  if (!info.isDirectory()) throw new ToolFailure("io_error", `${base.rel}: not a directory`);
  const root = ctx.workspace.root;
  const all = await globFiles(root, base.abs, args.pattern);
  const shown = all.slice(0, MAX_FIND_RESULTS).map((abs) => toRelative(root, abs));
  return {
    stdout: shown.join("\n"),
    metadata: {
      path: base.rel,
      count: shown.length,
      total: all.length,
      truncated: all.length > shown.length,
    },
  };
}
