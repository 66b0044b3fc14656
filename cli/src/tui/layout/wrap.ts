import stringWidth from "string-width";
import type { SpanStyle } from "../markdown/styled-line.js";
import type { UiRole } from "../theme.js";

/** A run of text in one look. */
export interface RowSpan {
  text: string;
  role: SpanStyle | UiRole;
}

/** One screen row: never wider than the width it was wrapped to. */
export type Row = RowSpan[];

const ASCII = /^[\x20-\x7e]*$/;

function widthOf(text: string): number {
  return ASCII.test(text) ? text.length : stringWidth(text);
}

/**
 * Spans wrapped at word boundaries into rows at most `width` columns wide (words longer than
 * a row are cut); `indent` starts every continuation row. Tabs become two spaces.
 *
 * @example
 * wrapSpans([{ text: "one two three", role: "plain" }], 8);
 * // [[{ text: "one two ", role: "plain" }], [{ text: "three", role: "plain" }]]
 */
export function wrapSpans(spans: readonly RowSpan[], width: number, indent = ""): Row[] {
  const max = Math.max(4, width);
  const rows: Row[] = [];
  let row: Row = [];
  let used = 0;
  const newRow = () => {
    rows.push(row);
    row = indent ? [{ text: indent, role: "plain" }] : [];
    used = widthOf(indent);
  };
  const put = (text: string, role: RowSpan["role"], w: number) => {
    const last = row[row.length - 1];
    if (last && last.role === role) row[row.length - 1] = { text: last.text + text, role };
    else row.push({ text, role });
    used += w;
  };
  for (const span of spans) {
    for (const word of span.text.replace(/\t/g, "  ").split(/(?<= )/)) {
      if (word === "") continue;
      let w = widthOf(word);
      if (used + w > max && used > widthOf(indent)) {
        const trimmed = word.trimEnd();
        if (used + widthOf(trimmed) <= max) {
          put(trimmed, span.role, widthOf(trimmed));
          newRow();
          continue;
        }
        newRow();
      }
      if (w <= max - used) {
        put(word, span.role, w);
        continue;
      }
      // A word longer than the room left: cut it by characters.
      let rest = word;
      while (rest !== "") {
        let take = "";
        let tw = 0;
        for (const ch of rest) {
          const cw = widthOf(ch);
          if (tw + cw > max - used) break;
          take += ch;
          tw += cw;
        }
        if (take === "") {
          newRow();
          continue;
        }
        put(take, span.role, tw);
        rest = rest.slice(take.length);
        w -= tw;
        if (rest !== "") newRow();
      }
    }
  }
  rows.push(row);
  return rows;
}
