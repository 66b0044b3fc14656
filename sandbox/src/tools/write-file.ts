import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath } from "../workspace/confine.js";
import {
  checkRegularFile,
  createRegularFile,
  type OpenedFile,
  openRegularFile,
  overwrite,
} from "../workspace/regular-file.js";
import type { ToolContext, ToolReply } from "./tool-context.js";
import { errnoCode, fsFailure, ToolFailure } from "./tool-failure.js";

/** Files smaller than this may be rewritten to any size; the shrink guard ignores them. */
export const SHRINK_GUARD_MIN_BYTES = 512;
/** A rewrite below this fraction of a guarded file's size is refused as likely truncation. */
export const SHRINK_GUARD_RATIO = 0.1;

/**
 * `write_file`: writes the whole content, creating parent directories. A hard-linked or special
 * file is refused (`sandbox_violation`) before anything is written. Rewriting an existing
 * file of at least {@link SHRINK_GUARD_MIN_BYTES} bytes with less than 10% of its size is
 * refused (`invalid_arguments`): that is what a model's truncated output looks like.
 *
 * @example
 * await writeFileTool(ctx, { path: "src/new.ts", content: "export {};\n" });
 * // { changed: { created: ["src/new.ts"] }, … }
 */
export async function writeFileTool(
  ctx: ToolContext,
  args: ToolArgs<"write_file">,
): Promise<ToolReply> {
  const target = await confinePath(ctx.workspace, args.path);
  const bytes = Buffer.byteLength(args.content);
  const existing = await stat(target.abs).catch((err: unknown) => {
    if (errnoCode(err) === "ENOENT") return undefined;
    throw fsFailure(err, target.rel);
  });
  if (existing?.isDirectory()) throw new ToolFailure("io_error", `${target.rel}: is a directory`);
  if (existing !== undefined) checkRegularFile(existing, target.rel);
  if (
    existing !== undefined &&
    existing.size >= SHRINK_GUARD_MIN_BYTES &&
    bytes < existing.size * SHRINK_GUARD_RATIO
  ) {
    throw new ToolFailure(
      "invalid_arguments",
      `content: refusing to shrink ${target.rel} from ${existing.size} to ${bytes} bytes ` +
        "(below 10% of its size looks like truncated output); use edit_file for a partial " +
        "change, or delete_file first to really replace it",
    );
  }
  let opened: OpenedFile;
  if (existing === undefined) {
    await mkdir(path.dirname(target.abs), { recursive: true }).catch((err: unknown) => {
      throw fsFailure(err, target.rel);
    });
    opened = await createRegularFile(target);
  } else {
    opened = await openRegularFile(ctx.workspace, target, "write");
  }
  try {
    await overwrite(opened.handle, args.content);
  } catch (err) {
    throw fsFailure(err, target.rel);
  } finally {
    await opened.handle.close();
  }
  const created = existing === undefined;
  return {
    stdout: `${created ? "created" : "wrote"} ${target.rel} (${bytes} bytes)`,
    metadata: { path: target.rel, bytes, created },
    changed: created ? { created: [target.rel] } : { modified: [target.rel] },
  };
}
