import { common, createLowlight } from "lowlight";
import type { Span, SpanStyle, StyledLine } from "./styled-line.js";

const lowlight = createLowlight(common);

/** highlight.js scopes and the span style each becomes. */
const SCOPES: Record<string, SpanStyle> = {
  keyword: "keyword",
  built_in: "type",
  type: "type",
  literal: "number",
  number: "number",
  string: "string",
  regexp: "string",
  comment: "comment",
  doctag: "comment",
  title: "title",
  "title.function": "title",
  "title.class": "type",
  function: "title",
  attr: "type",
  attribute: "type",
  meta: "meta",
  symbol: "number",
  variable: "plain",
};

interface HastNode {
  type: string;
  value?: string;
  properties?: { className?: unknown };
  children?: HastNode[];
}

/**
 * Code as styled lines, highlighted by `lowlight` (highlight.js grammars) when `language`
 * is one it knows; plain lines otherwise, so unknown or missing languages never guess.
 *
 * @example
 * highlightCode("const x = 1;", "ts")[0]; // [{ text: "const", style: "keyword" }, { text: " x = ", style: "plain" }, …]
 */
export function highlightCode(code: string, language: string | undefined): StyledLine[] {
  const lang = language?.trim().split(/\s+/)[0]?.toLowerCase();
  let spans: Span[];
  if (lang && lowlight.registered(lang)) {
    const root = lowlight.highlight(lang, code) as unknown as HastNode;
    spans = [];
    collect(root, "plain", spans);
  } else {
    spans = [{ text: code, style: "plain" }];
  }
  return splitIntoLines(spans);
}

function collect(node: HastNode, style: SpanStyle, out: Span[]): void {
  if (node.type === "text") {
    out.push({ text: node.value ?? "", style });
    return;
  }
  const own = styleOf(node.properties?.className) ?? style;
  for (const child of node.children ?? []) collect(child, own, out);
}

function styleOf(className: unknown): SpanStyle | undefined {
  if (!Array.isArray(className)) return undefined;
  for (const name of className) {
    if (typeof name !== "string" || !name.startsWith("hljs-")) continue;
    const style = SCOPES[name.slice(5)];
    if (style) return style;
  }
  return undefined;
}

/** Spans cut at newlines into lines. */
export function splitIntoLines(spans: readonly Span[]): StyledLine[] {
  const lines: StyledLine[] = [[]];
  for (const span of spans) {
    const parts = span.text.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part !== "") lines[lines.length - 1]?.push({ text: part, style: span.style });
    });
  }
  return lines;
}
