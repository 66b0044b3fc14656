import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { RE2JS } from "re2js";
import { splitLines } from "./read-file.js";
import { MAX_TEXT_FILE_BYTES } from "./tool-context.js";

/** Longest line text printed; longer lines are cut with `…`. */
const MAX_LINE_CHARS = 500;
/** Bytes inspected for a NUL to tell a binary file. */
const BINARY_SNIFF_BYTES = 8000;
/** Opens a file without following a final symlink and without blocking on a FIFO. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** One search, as sent to the thread that runs it. */
export interface SearchJob {
  pattern: string;
  /** Files to search, in order: absolute paths and their workspace-relative names. */
  files: ReadonlyArray<{ abs: string; rel: string }>;
  maxResults: number;
  contextLines: number;
}

/** What a search found. */
export interface SearchOutcome {
  /** Output lines: `path:line:text`, context `path-line-text`, and `--` between groups. */
  lines: string[];
  matches: number;
  searched: number;
  skipped: number;
}

/**
 * Why `pattern` cannot be compiled by RE2 (backreferences, lookaround, bad syntax), or
 * `undefined` when it can.
 *
 * @example
 * patternError("(a+)+$"); // undefined
 * patternError("(a)\\1"); // "error parsing regexp: invalid escape sequence: `\\1`"
 */
export function patternError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : "invalid";
  }
}

/**
 * Runs a search with RE2 (linear in the text searched, whatever the pattern): every line of
 * every file, up to `maxResults` matching lines. Skipped, not read: what is not a regular
 * file (a symlink, FIFO, socket, device), a file with more than one hard link (its other name
 * may be outside the workspace), a file over 5 MB and a binary file (a NUL in its first 8000
 * bytes). Synchronous: it runs on a thread of its own (`search-worker.ts`).
 *
 * @example
 * scanFiles({ pattern: "TODO", files: [{ abs, rel: "a.ts" }], maxResults: 100, contextLines: 0 });
 * // { lines: ["a.ts:3:// TODO"], matches: 1, searched: 1, skipped: 0 }
 */
export function scanFiles(job: SearchJob): SearchOutcome {
  const regex = RE2JS.compile(job.pattern);
  const lines: string[] = [];
  let matches = 0;
  let searched = 0;
  let skipped = 0;
  for (const file of job.files) {
    if (matches >= job.maxResults) break;
    const text = readText(file.abs);
    if (text === undefined) {
      skipped++;
      continue;
    }
    searched++;
    const fileLines = splitLines(text);
    const hits: number[] = [];
    for (let i = 0; i < fileLines.length && matches + hits.length < job.maxResults; i++) {
      if (regex.test(fileLines[i] ?? "")) hits.push(i);
    }
    if (hits.length === 0) continue;
    matches += hits.length;
    printHits(lines, file.rel, fileLines, hits, job.contextLines);
  }
  return { lines, matches, searched, skipped };
}

/** The file's text, or `undefined` when it is skipped (see {@link scanFiles}). */
function readText(abs: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(abs, READ_FLAGS);
  } catch {
    // A symlink (ELOOP), a file that vanished or became unreadable is skipped, like a binary.
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.nlink > 1 || info.size > MAX_TEXT_FILE_BYTES) return undefined;
    const bytes = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    const content = bytes.subarray(0, filled);
    if (content.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return undefined;
    return content.toString("utf8");
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
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
