import { lstat, readFile } from "node:fs/promises";
import type { ToolArgs } from "../../../src/protocol/tool-args.js";
import { confinePath, toRelative } from "../workspace/confine.js";
import { splitLines } from "./read-file.js";
import { MAX_TEXT_FILE_BYTES, type ToolContext, type ToolReply } from "./tool-context.js";
import { fsFailure, ToolFailure } from "./tool-failure.js";
import { checkGlob, globFiles } from "./workspace-glob.js";

/** Matching lines returned when `max_results` is not given. */
export const DEFAULT_MAX_RESULTS = 100;
/** Longest line text printed; longer lines are cut with `…`. */
const MAX_LINE_CHARS = 500;
/** Bytes inspected for a NUL to tell a binary file. */
const BINARY_SNIFF_BYTES = 8000;

/**
 * `search_code`: lines matching a JavaScript regular expression, as `path:line:text`
 * (workspace-relative path, 1-based line). `path` may be a directory (default the workspace
 * root) or one file; `include` is a glob of files to search (`*.ts` matches at any depth).
 * Files over 5 MB and binary files (a NUL in their first 8000 bytes) are skipped. With
 * `context_lines`, neighbouring lines print as `path-line-text` and separate groups are
 * divided by `--`, as ripgrep does. Stops after `max_results` matching lines (default 100).
 *
 * @example
 * await searchCodeTool(ctx, { pattern: "TODO\\(\\w+\\)", include: "*.ts" });
 * // { stdout: "src/a.ts:12:// TODO(ana): split", … }
 */
export async function searchCodeTool(
  ctx: ToolContext,
  args: ToolArgs<"search_code">,
): Promise<ToolReply> {
  let regex: RegExp;
  try {
    regex = new RegExp(args.pattern);
  } catch (err) {
    const reason = err instanceof Error ? err.message : "invalid";
    throw new ToolFailure(
      "invalid_arguments",
      `pattern: not a valid regular expression: ${reason}`,
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
  const context = args.context_lines ?? 0;
  const out: string[] = [];
  let matches = 0;
  let searched = 0;
  let skipped = 0;
  for (const abs of files) {
    if (matches >= maxResults) break;
    const text = await readText(abs);
    if (text === undefined) {
      skipped++;
      continue;
    }
    searched++;
    const lines = splitLines(text);
    const hits: number[] = [];
    for (let i = 0; i < lines.length && matches + hits.length < maxResults; i++) {
      if (regex.test(lines[i] ?? "")) hits.push(i);
    }
    if (hits.length === 0) continue;
    matches += hits.length;
    printHits(out, toRelative(root, abs), lines, hits, context);
  }
  return {
    stdout: out.join("\n"),
    metadata: {
      matches,
      files_searched: searched,
      files_skipped: skipped,
      truncated: matches >= maxResults,
    },
  };
}

/** A pattern without `/` matches a file name at any depth, as in `.gitignore`. */
function anyDepth(pattern: string): string {
  return pattern.includes("/") ? pattern : `**/${pattern}`;
}

/** The file's text, or `undefined` for a symlink, a file over 5 MB or a binary file. */
async function readText(abs: string): Promise<string | undefined> {
  try {
    const info = await lstat(abs);
    if (!info.isFile() || info.size > MAX_TEXT_FILE_BYTES) return undefined;
    const bytes = await readFile(abs);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return undefined;
    return bytes.toString("utf8");
  } catch {
    // A file that vanished or became unreadable during the walk is skipped, like a binary.
    return undefined;
  }
}

function printHits(
  out: string[],
  rel: string,
  lines: string[],
  hits: number[],
  context: number,
): void {
  const matched = new Set(hits);
  let printedUpTo = -1;
  for (const hit of hits) {
    const from = Math.max(0, hit - context, printedUpTo + 1);
    const to = Math.min(lines.length - 1, hit + context);
    const startsGroup = printedUpTo === -1 || from > printedUpTo + 1;
    if (context > 0 && out.length > 0 && startsGroup) out.push("--");
    for (let i = from; i <= to; i++) {
      const separator = matched.has(i) ? ":" : "-";
      out.push(`${rel}${separator}${i + 1}${separator}${clip(lines[i] ?? "")}`);
    }
    printedUpTo = Math.max(printedUpTo, to);
  }
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
}
