import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath } from "../workspace/confine.js";
import { openRegularFile, readFromStart } from "../workspace/regular-file.js";
import { MAX_TEXT_FILE_BYTES, type ToolContext, type ToolReply } from "./tool-context.js";
import { fsFailure, ToolFailure } from "./tool-failure.js";

/**
 * `read_file`: the file's text. Hard-linked and special files are refused (`sandbox_violation`,
 * see `openRegularFile`). A file over 5 MB is refused (`size_limit_exceeded`) unless
 * `max_bytes` asks for only its beginning; `max_bytes` reads at most that many bytes. With
 * `start_line`/`end_line` the selected lines (1-based, inclusive) are printed as `%6d|line`.
 *
 * @example
 * await readFileTool(ctx, { path: "a.txt", start_line: 2, end_line: 3 });
 * // { stdout: "     2|second\n     3|third", … }
 */
export async function readFileTool(
  ctx: ToolContext,
  args: ToolArgs<"read_file">,
): Promise<ToolReply> {
  const target = await confinePath(ctx.workspace, args.path);
  if (args.start_line !== undefined && args.end_line !== undefined) {
    if (args.end_line < args.start_line) {
      throw new ToolFailure("invalid_arguments", "end_line: must not be before start_line");
    }
  }
  const { handle, info } = await openRegularFile(ctx.workspace, target, "read");
  let text: string;
  let limit: number;
  try {
    if (args.max_bytes === undefined && info.size > MAX_TEXT_FILE_BYTES) {
      throw new ToolFailure(
        "size_limit_exceeded",
        `${target.rel}: ${info.size} bytes is over the ${MAX_TEXT_FILE_BYTES}-byte read limit (pass max_bytes to read its beginning)`,
      );
    }
    limit = Math.min(info.size, args.max_bytes ?? MAX_TEXT_FILE_BYTES);
    text = (await readFromStart(handle, limit)).toString("utf8");
  } catch (err) {
    throw fsFailure(err, target.rel);
  } finally {
    await handle.close();
  }
  const metadata: Record<string, unknown> = {
    path: target.rel,
    size: info.size,
    truncated: info.size > limit,
  };
  if (args.start_line === undefined && args.end_line === undefined) {
    return { stdout: text, metadata };
  }
  const lines = splitLines(text);
  const first = args.start_line ?? 1;
  const last = Math.min(args.end_line ?? lines.length, lines.length);
  const numbered: string[] = [];
  for (let n = first; n <= last; n++) {
    numbered.push(`${String(n).padStart(6)}|${lines[n - 1] ?? ""}`);
  }
  return {
    stdout: numbered.join("\n"),
    metadata: { ...metadata, total_lines: lines.length, start_line: first, end_line: last },
  };
}

/** Lines of `text` without their terminators (`\n` or `\r\n`); a final newline ends the last. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
