import { marked, type Token, type Tokens } from "marked";
import { highlightCode } from "./highlight.js";
import type { Span, SpanStyle, StyledLine } from "./styled-line.js";

/**
 * Markdown as styled terminal lines: headings, paragraphs with bold / italic / code / links,
 * lists, quotes, rules, tables as plain rows, and fenced code highlighted by language. Text
 * still streaming renders as well as it can (an open code fence is code to the end).
 *
 * @example
 * renderMarkdown("# Title\n\nSome **bold** text.");
 * // [[{ text: "Title", style: "heading" }], [], [{ text: "Some ", style: "plain" }, { text: "bold", style: "bold" }, …]]
 */
export function renderMarkdown(text: string): StyledLine[] {
  const lines: StyledLine[] = [];
  blocks(marked.lexer(text, { gfm: true }), lines, "");
  while (lines.length > 0 && lines[lines.length - 1]?.length === 0) lines.pop();
  return lines;
}

function blocks(tokens: readonly Token[], out: StyledLine[], indent: string): void {
  for (const token of tokens) block(token, out, indent);
}

function block(token: Token, out: StyledLine[], indent: string): void {
  const lead = (spans: Span[]): StyledLine =>
    indent ? [{ text: indent, style: "quote" }, ...spans] : spans;
  switch (token.type) {
    case "space":
      if (out.length > 0 && out[out.length - 1]?.length !== 0) out.push([]);
      return;
    case "heading": {
      const t = token as Tokens.Heading;
      out.push(lead(inline(t.tokens, "heading")));
      out.push([]);
      return;
    }
    case "paragraph": {
      const t = token as Tokens.Paragraph;
      for (const line of splitAtBreaks(inline(t.tokens, "plain"))) out.push(lead(line));
      return;
    }
    case "code": {
      const t = token as Tokens.Code;
      const lang = t.lang ?? "";
      out.push(lead([{ text: `\u2500\u2500 ${lang || "code"}`, style: "fence" }]));
      for (const line of highlightCode(t.text, lang)) {
        out.push(lead([{ text: "  ", style: "plain" }, ...line]));
      }
      out.push(lead([{ text: "\u2500\u2500", style: "fence" }]));
      return;
    }
    case "list": {
      const t = token as Tokens.List;
      const start = typeof t.start === "number" ? t.start : 1;
      t.items.forEach((item, i) => {
        const marker = t.ordered
          ? `${start + i}. `
          : item.task
            ? item.checked
              ? "[x] "
              : "[ ] "
            : "\u2022 ";
        const inner: StyledLine[] = [];
        blocks(item.tokens, inner, "");
        const body = inner.filter((l) => l.length > 0);
        body.forEach((line, j) => {
          const pad = j === 0 ? marker : " ".repeat(marker.length);
          out.push(lead([{ text: pad, style: "bullet" }, ...line]));
        });
      });
      return;
    }
    case "blockquote": {
      const t = token as Tokens.Blockquote;
      blocks(t.tokens, out, `${indent}\u2502 `);
      return;
    }
    case "hr":
      out.push(lead([{ text: "\u2500".repeat(24), style: "rule" }]));
      return;
    case "table": {
      const t = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) =>
        cells.flatMap((cell, i) => [
          ...(i > 0 ? [{ text: " \u2502 ", style: "rule" as const }] : []),
          ...inline(cell.tokens, "plain"),
        ]);
      out.push(lead(row(t.header).map((s) => ({ ...s, style: "bold" as const }))));
      for (const r of t.rows) out.push(lead(row(r)));
      return;
    }
    case "text": {
      const t = token as Tokens.Text;
      const spans = t.tokens
        ? inline(t.tokens, "plain")
        : [{ text: t.text, style: "plain" as const }];
      for (const line of splitAtBreaks(spans)) out.push(lead(line));
      return;
    }
    default: {
      const raw = "raw" in token && typeof token.raw === "string" ? token.raw.trimEnd() : "";
      for (const line of raw.split("\n")) out.push(lead([{ text: line, style: "plain" }]));
    }
  }
}

function inline(tokens: readonly Token[] | undefined, style: SpanStyle): Span[] {
  const out: Span[] = [];
  for (const token of tokens ?? []) {
    switch (token.type) {
      case "strong":
        out.push(...inline((token as Tokens.Strong).tokens, style === "heading" ? style : "bold"));
        break;
      case "em":
        out.push(...inline((token as Tokens.Em).tokens, style === "heading" ? style : "italic"));
        break;
      case "del":
        out.push(...inline((token as Tokens.Del).tokens, "strike"));
        break;
      case "codespan":
        out.push({ text: decodeEntities((token as Tokens.Codespan).text), style: "code" });
        break;
      case "link": {
        const t = token as Tokens.Link;
        out.push(...inline(t.tokens, "link"));
        if (t.href !== t.text) out.push({ text: ` (${t.href})`, style: "comment" });
        break;
      }
      case "br":
        out.push({ text: "\n", style });
        break;
      case "text": {
        const t = token as Tokens.Text;
        if (t.tokens && t.tokens.length > 0) out.push(...inline(t.tokens, style));
        else out.push({ text: decodeEntities(t.text), style });
        break;
      }
      case "escape":
        out.push({ text: (token as Tokens.Escape).text, style });
        break;
      default:
        out.push({ text: "raw" in token && typeof token.raw === "string" ? token.raw : "", style });
    }
  }
  return out;
}

function splitAtBreaks(spans: readonly Span[]): StyledLine[] {
  const lines: StyledLine[] = [[]];
  for (const span of spans) {
    span.text.split("\n").forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part !== "") lines[lines.length - 1]?.push({ text: part, style: span.style });
    });
  }
  return lines;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m);
}
