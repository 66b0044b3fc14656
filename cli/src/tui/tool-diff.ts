import { diffLines } from "diff";

/** One line of a tool card's diff. */
export interface DiffLine {
  kind: "add" | "remove" | "context";
  text: string;
}

/** What a write or edit changes in a file, as a card shows it. */
export interface FileDiff {
  path: string;
  lines: DiffLine[];
  /** Lines left out after `lines` (long diffs are cut). */
  omitted: number;
}

/** Most diff lines a card keeps. */
export const MAX_DIFF_LINES = 40;

/**
 * The diff a `write_file` or `edit_file` call stands for, from its arguments: a write shows
 * its content as added lines, an edit its old text against its new text. Undefined for other
 * tools and for arguments of the wrong shape.
 *
 * @example
 * diffOfToolCall("edit_file", { path: "a.ts", old_text: "x = 1", new_text: "x = 2" });
 * // { path: "a.ts", lines: [{ kind: "remove", text: "x = 1" }, { kind: "add", text: "x = 2" }], omitted: 0 }
 */
export function diffOfToolCall(tool: string, args: unknown): FileDiff | undefined {
  if (typeof args !== "object" || args === null) return undefined;
  const a = args as Record<string, unknown>;
  if (typeof a.path !== "string") return undefined;
  if (tool === "write_file" && typeof a.content === "string") {
    return cut(
      a.path,
      splitLines(a.content).map((text) => ({ kind: "add", text })),
    );
  }
  if (tool === "edit_file" && typeof a.old_text === "string" && typeof a.new_text === "string") {
    const lines: DiffLine[] = [];
    for (const part of diffLines(a.old_text, a.new_text)) {
      const kind = part.added ? "add" : part.removed ? "remove" : "context";
      for (const text of splitLines(part.value)) lines.push({ kind, text });
    }
    return cut(a.path, lines);
  }
  return undefined;
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function cut(path: string, lines: DiffLine[]): FileDiff {
  return {
    path,
    lines: lines.slice(0, MAX_DIFF_LINES),
    omitted: Math.max(0, lines.length - MAX_DIFF_LINES),
  };
}
