/** How an edit found its text. */
export type EditMatch = "exact" | "whitespace_tolerant";

/** The outcome of planning an edit on a file's text. */
export type EditPlan =
  | { ok: true; text: string; replacements: number; match: EditMatch }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "ambiguous"; count: number };

/**
 * Replaces `oldText` with `newText` in `content`, all three with `\n` line endings. An exact
 * match is tried first; failing that, a line-by-line match that ignores leading/trailing
 * whitespace and collapses inner runs of whitespace (whole lines only). More than one match
 * without `replaceAll` is refused with the count, so the caller can add context.
 *
 * @example
 * planEdit("a\n  b  \nc\n", "b", "B", false); // exact: { ok: true, text: "a\n  B  \nc\n", … }
 * planEdit("if (x) {\n    go();\n}\n", "if (x) {\n  go();\n}", "stop();", false);
 * // whitespace_tolerant: { ok: true, text: "stop();\n", … }
 */
export function planEdit(
  content: string,
  oldText: string,
  newText: string,
  replaceAll: boolean,
): EditPlan {
  const exact = countOccurrences(content, oldText);
  if (exact > 1 && !replaceAll) return { ok: false, reason: "ambiguous", count: exact };
  if (exact > 0) {
    const text = replaceAll
      ? content.split(oldText).join(newText)
      : replaceFirst(content, oldText, newText);
    return { ok: true, text, replacements: exact, match: "exact" };
  }
  return planLineEdit(content, oldText, newText, replaceAll);
}

function planLineEdit(
  content: string,
  oldText: string,
  newText: string,
  replaceAll: boolean,
): EditPlan {
  const needle = withoutFinalEmpty(oldText.split("\n")).map(normalise);
  if (needle.every((line) => line === "")) return { ok: false, reason: "not_found" };
  const lines = content.split("\n");
  const haystack = lines.map(normalise);
  const starts: number[] = [];
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((line, j) => haystack[i + j] === line)) {
      starts.push(i);
      i += needle.length - 1;
    }
  }
  if (starts.length === 0) return { ok: false, reason: "not_found" };
  if (starts.length > 1 && !replaceAll) {
    return { ok: false, reason: "ambiguous", count: starts.length };
  }
  const replacement = newText === "" ? [] : withoutFinalEmpty(newText.split("\n"));
  // Spliced from the last match backwards so earlier indices stay valid.
  for (const start of [...starts].reverse()) {
    lines.splice(start, needle.length, ...replacement);
  }
  return {
    ok: true,
    text: lines.join("\n"),
    replacements: starts.length,
    match: "whitespace_tolerant",
  };
}

/** Non-overlapping occurrences of `needle` in `text`. */
export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    count++;
  }
  return count;
}

function replaceFirst(text: string, needle: string, replacement: string): string {
  const at = text.indexOf(needle);
  return text.slice(0, at) + replacement + text.slice(at + needle.length);
}

function normalise(line: string): string {
  return line.trim().replace(/\s+/g, " ");
}

function withoutFinalEmpty(lines: string[]): string[] {
  return lines.length > 1 && lines.at(-1) === "" ? lines.slice(0, -1) : lines;
}
