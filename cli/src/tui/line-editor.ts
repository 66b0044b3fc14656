/**
 * The input line as a pure state machine: typed text with a cursor, and the history of sent
 * lines browsed with up/down (the line being typed is kept while browsing).
 */
export interface LineEditor {
  text: string;
  /** Cursor position, in UTF-16 units of `text`. */
  cursor: number;
  /** Sent lines, oldest first. */
  history: string[];
  /** Index into `history` while browsing; `history.length` when not. */
  browsing: number;
  /** What was typed before browsing started. */
  draft: string;
}

export type EditKey =
  | { kind: "insert"; text: string }
  | { kind: "backspace" }
  | { kind: "left" }
  | { kind: "right" }
  | { kind: "home" }
  | { kind: "end" }
  | { kind: "up" }
  | { kind: "down" }
  | { kind: "kill" };

/** Most lines the history keeps. */
export const HISTORY_SIZE = 500;

/**
 * An empty line with `history`.
 *
 * @example
 * let editor = emptyEditor();
 */
export function emptyEditor(history: string[] = []): LineEditor {
  return { text: "", cursor: 0, history, browsing: history.length, draft: "" };
}

/**
 * The editor after one key.
 *
 * @example
 * editLine(emptyEditor(["ls"]), { kind: "up" }).text; // "ls"
 */
export function editLine(e: LineEditor, key: EditKey): LineEditor {
  switch (key.kind) {
    case "insert": {
      const clean = [...key.text.replace(/[\r\n]+/g, " ")].filter((ch) => !isControl(ch)).join("");
      if (clean === "") return e;
      const text = e.text.slice(0, e.cursor) + clean + e.text.slice(e.cursor);
      return { ...e, text, cursor: e.cursor + clean.length };
    }
    case "backspace":
      if (e.cursor === 0) return e;
      return {
        ...e,
        text: e.text.slice(0, e.cursor - 1) + e.text.slice(e.cursor),
        cursor: e.cursor - 1,
      };
    case "left":
      return { ...e, cursor: Math.max(0, e.cursor - 1) };
    case "right":
      return { ...e, cursor: Math.min(e.text.length, e.cursor + 1) };
    case "home":
      return { ...e, cursor: 0 };
    case "end":
      return { ...e, cursor: e.text.length };
    case "kill":
      return { ...e, text: "", cursor: 0 };
    case "up": {
      if (e.browsing === 0) return e;
      const draft = e.browsing === e.history.length ? e.text : e.draft;
      const text = e.history[e.browsing - 1] ?? "";
      return { ...e, browsing: e.browsing - 1, draft, text, cursor: text.length };
    }
    case "down": {
      if (e.browsing >= e.history.length) return e;
      const browsing = e.browsing + 1;
      const text = browsing === e.history.length ? e.draft : (e.history[browsing] ?? "");
      return { ...e, browsing, text, cursor: text.length };
    }
  }
}

/**
 * The line to send and the editor after sending it (the line joins the history unless it
 * repeats the last one); `line` is undefined for a blank line.
 *
 * @example
 * const { line, editor } = submitLine(editLine(emptyEditor(), { kind: "insert", text: "hi" }));
 */
export function submitLine(e: LineEditor): { line: string | undefined; editor: LineEditor } {
  const line = e.text.trim();
  if (line === "") return { line: undefined, editor: { ...e, text: "", cursor: 0 } };
  const history =
    e.history[e.history.length - 1] === line
      ? e.history
      : [...e.history, line].slice(-HISTORY_SIZE);
  return { line, editor: emptyEditor(history) };
}

/** C0 controls and DEL: never part of a typed line. */
function isControl(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}
