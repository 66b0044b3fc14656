import { lstat } from "node:fs/promises";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath, toRelative } from "../workspace/confine.js";
import { patternError } from "./search-scan.js";
import { runSearchJob } from "./search-worker.js";
import type { ToolContext, ToolReply } from "./tool-context.js";
import { fsFailure, ToolFailure } from "./tool-failure.js";
import { checkGlob, globFiles } from "./workspace-glob.js";

/** Matching lines returned when `max_results` is not given. */
export const DEFAULT_MAX_RESULTS = 100;
/** How long one search may run before it ends `tool_timeout`, unless the context says. */
export const DEFAULT_SEARCH_DEADLINE_MS = 10_000;

/**
 * `search_code`: lines matching a regular expression (RE2 syntax: no backreferences or
 * lookaround; matching is linear in the text), as `path:line:text` (workspace-relative path,
 * 1-based line). `path` may be a directory (default the workspace root) or one file;
 * `include` is a glob of files to search (`*.ts` matches at any depth). Files over 5 MB,
 * binary files (a NUL in their first 8000 bytes), hard-linked and special files are skipped.
 * With `context_lines`, neighbouring lines print as `path-line-text` and separate groups are
 * divided by `--`, as ripgrep does. Stops after `max_results` matching lines (default 100).
 *
 * The search runs on a thread of its own with a deadline (`ctx.searchDeadlineMs`, default
 * 10 s); past it the thread is terminated and the call ends `tool_timeout`.
 *
 * @example
 * await searchCodeTool(ctx, { pattern: "TODO\\(\\w+\\)", include: "*.ts" });
 * // { stdout: "src/a.ts:12:// TODO(ana): split", … }
 */
export async function searchCodeTool(
  ctx: ToolContext,
  args: ToolArgs<"search_code">,
): Promise<ToolReply> {
  const invalid = patternError(args.pattern);
  if (invalid !== undefined) {
    throw new ToolFailure(
      "invalid_arguments",
      `pattern: not a regular expression RE2 accepts (no backreferences or lookaround): ${invalid}`,
    );
  }
  if (args.include !== undefined) checkGlob(args.include, "include");
  const root = ctx.workspace.root;
  const base = await confinePath(ctx.workspace, args.path ?? ".");
  const info = await lstat(base.abs).catch((err: unknown) => {
    throw fsFailure(err, base.rel);
  });
  const files = info.isDirectory()
    ? await globFiles(root, base.abs, anyDepth(args.include ?? "**/*"))
    : [base.abs];
  const maxResults = args.max_results ?? DEFAULT_MAX_RESULTS;
  const deadlineMs = ctx.searchDeadlineMs ?? DEFAULT_SEARCH_DEADLINE_MS;
  const outcome = await runSearchJob(
    {
      pattern: args.pattern,
      files: files.map((abs) => ({ abs, rel: toRelative(root, abs) })),
      maxResults,
      contextLines: args.context_lines ?? 0,
    },
    deadlineMs,
  );
  if (outcome === undefined) {
    return {
      stdout: "",
      stderr: `search_code: stopped after ${deadlineMs} ms (the search deadline)`,
      errorCode: "tool_timeout",
      metadata: { deadline_ms: deadlineMs },
    };
  }
  return {
    stdout: outcome.lines.join("\n"),
    metadata: {
      matches: outcome.matches,
      files_searched: outcome.searched,
      files_skipped: outcome.skipped,
      truncated: outcome.matches >= maxResults,
    },
  };
}

/** A pattern without `/` matches a file name at any depth, as in `.gitignore`. */
function anyDepth(pattern: string): string {
  return pattern.includes("/") ? pattern : `**/${pattern}`;
}
