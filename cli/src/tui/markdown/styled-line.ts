/**
 * What a span of rendered text means; a theme maps each to colours (or to nothing, under
 * `NO_COLOR`), so the markdown and code renderers never pick colours themselves.
 */
export type SpanStyle =
  | "plain"
  | "bold"
  | "italic"
  | "strike"
  | "code"
  | "link"
  | "heading"
  | "quote"
  | "bullet"
  | "rule"
  | "fence"
  | "keyword"
  | "string"
  | "comment"
  | "number"
  | "title"
  | "type"
  | "meta";

/** A run of text in one style. */
export interface Span {
  text: string;
  style: SpanStyle;
}

/** One terminal line (Ink wraps it to the width) made of spans. */
export type StyledLine = Span[];
