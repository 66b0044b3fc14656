import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath } from "../workspace/confine.js";
import { openRegularFile, overwrite, readFromStart } from "../workspace/regular-file.js";
import { planEdit } from "./edit-match.js";
import { MAX_TEXT_FILE_BYTES, type ToolContext, type ToolReply } from "./tool-context.js";
import { fsFailure, ToolFailure } from "./tool-failure.js";

/**
 * `edit_file`: replaces `old_text` with `new_text` (see `planEdit` for exact and
 * whitespace-tolerant matching). Several matches without `replace_all` and no match are
 * `invalid_arguments`, saying how many; hard-linked and special files are `sandbox_violation`.
 * A file with CRLF line endings keeps them: the edit is
 * planned on `\n` text and CRLF restored on write.
 *
 * @example
 * await editFileTool(ctx, { path: "a.ts", old_text: "let x = 1;", new_text: "let x = 2;" });
 * // { changed: { modified: ["a.ts"] }, metadata: { replacements: 1, match: "exact", … } }
 */
export async function editFileTool(
  ctx: ToolContext,
  args: ToolArgs<"edit_file">,
): Promise<ToolReply> {
  const target = await confinePath(ctx.workspace, args.path);
  const { handle, info } = await openRegularFile(ctx.workspace, target, "readwrite");
  let crlf: boolean;
  let plan: ReturnType<typeof planEdit>;
  try {
    if (info.size > MAX_TEXT_FILE_BYTES) {
      throw new ToolFailure(
        "size_limit_exceeded",
        `${target.rel}: ${info.size} bytes is over the ${MAX_TEXT_FILE_BYTES}-byte edit limit`,
      );
    }
    const original = (await readFromStart(handle, info.size)).toString("utf8");
    crlf = original.includes("\r\n");
    plan = planEdit(
      toLf(original),
      toLf(args.old_text),
      toLf(args.new_text),
      args.replace_all ?? false,
    );
    if (plan.ok) await overwrite(handle, crlf ? plan.text.replace(/\n/g, "\r\n") : plan.text);
  } catch (err) {
    throw fsFailure(err, target.rel);
  } finally {
    await handle.close();
  }
  if (!plan.ok) {
    throw new ToolFailure(
      "invalid_arguments",
      plan.reason === "ambiguous"
        ? `old_text: matches ${plan.count} places in ${target.rel}; add surrounding lines to make it unique, or set replace_all`
        : `old_text: not found in ${target.rel} (neither exactly nor ignoring whitespace)`,
    );
  }
  return {
    stdout: `edited ${target.rel}: ${plan.replacements} replacement${plan.replacements === 1 ? "" : "s"} (${plan.match} match)`,
    metadata: {
      path: target.rel,
      replacements: plan.replacements,
      match: plan.match,
      line_endings: crlf ? "crlf" : "lf",
    },
    changed: { modified: [target.rel] },
  };
}

function toLf(text: string): string {
  return text.replace(/\r\n/g, "\n");
}
