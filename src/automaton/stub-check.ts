/** Text a task's turn wrote: a file's new content, or the text an edit put in. */
export interface WrittenText {
  path: string;
  text: string;
}

/** Markers of work left undone, each with the words the model is told. */
const MARKERS: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /\bTODO\b/, what: "a TODO marker" },
  { pattern: /\bFIXME\b/, what: "a FIXME marker" },
  { pattern: /\btodo!\s*\(/, what: "todo!()" },
  { pattern: /\bunimplemented!?\s*\(/, what: "unimplemented" },
  { pattern: /\bnot implemented\b/i, what: "a 'not implemented' placeholder" },
  { pattern: /^\s*(?:pass|\.\.\.)\s*(?:#.*)?$/m, what: "a placeholder body (pass / ...)" },
];

/**
 * An empty function body: `function f(...) {}`, `name(...) {}` (a method) or
 * `(...) => {}`, with only blanks between the braces (not `if (x) {}` and other blocks).
 * Rust's `fn f() {}` counts too.
 */
const EMPTY_BODY =
  /(?:\bfunction\b[^{;]*\)|\bfn\b[^{;]*\)|\)\s*=>|^\s*(?!(?:if|for|while|switch|catch|with)\b)[A-Za-z_$][\w$]*\s*\([^()]*\))\s*(?::[^{;]*)?\{\s*\}/m;

/**
 * The obvious stubs in what a task's turn wrote, one line each (`path: what`), empty when
 * there are none. Deliberately shallow: it catches the markers a model leaves when it stops
 * short (`TODO`, `FIXME`, `todo!()`, `unimplemented`, `pass`, empty function bodies), not
 * every unfinished program; a finished change that mentions them on purpose can say so and
 * be marked `no_changes_needed` only when it changed nothing.
 *
 * @example
 * findStubs([{ path: "a.ts", text: "export function f() {}" }]); // ["a.ts: an empty function body"]
 */
export function findStubs(written: readonly WrittenText[]): string[] {
  const found: string[] = [];
  for (const { path, text } of written) {
    for (const { pattern, what } of MARKERS) {
      if (pattern.test(text)) found.push(`${path}: ${what}`);
    }
    if (EMPTY_BODY.test(text)) found.push(`${path}: an empty function body`);
  }
  return found;
}
