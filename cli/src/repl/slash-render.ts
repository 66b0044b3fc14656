import type { Output } from "../output/output.js";
import type { SlashResult } from "../slash/types.js";

/**
 * Prints a slash command's result on a terminal: lines (red for errors), or a table sized to
 * the terminal. Actions are the caller's.
 *
 * @example
 * printSlash(out, { kind: "lines", lines: ["ok (head seq 4)"] });
 */
export function printSlash(out: Output, result: SlashResult): void {
  if (result.kind === "lines") {
    for (const line of result.lines) out.line(result.tone === "error" ? out.color.red(line) : line);
  } else if (result.kind === "table") {
    if (result.title) out.line(out.color.bold(result.title));
    out.table(result.columns, result.rows);
  } else if (result.action === "credentials_changed") {
    for (const line of result.lines) out.line(line);
  }
}
