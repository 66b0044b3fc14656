import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown.js";
import type { StyledLine } from "./styled-line.js";

const text = (line: StyledLine | undefined) => (line ?? []).map((s) => s.text).join("");

describe("renderMarkdown", () => {
  it("styles headings, bold, italic and inline code, and decodes entities", () => {
    const lines = renderMarkdown("# Title\n\nSome **bold**, *it* and `a<b>`.");
    expect(lines[0]).toEqual([{ text: "Title", style: "heading" }]);
    expect(lines[2]).toEqual([
      { text: "Some ", style: "plain" },
      { text: "bold", style: "bold" },
      { text: ", ", style: "plain" },
      { text: "it", style: "italic" },
      { text: " and ", style: "plain" },
      { text: "a<b>", style: "code" },
      { text: ".", style: "plain" },
    ]);
  });

  it("highlights a fenced code block by its language", () => {
    const lines = renderMarkdown('```ts\nconst s = "x"; // note\n```');
    expect(text(lines[0])).toBe("\u2500\u2500 ts");
    expect(lines[1]).toContainEqual({ text: "const", style: "keyword" });
    expect(lines[1]).toContainEqual({ text: '"x"', style: "string" });
    expect(lines[1]).toContainEqual({ text: "// note", style: "comment" });
  });

  it("renders an unclosed fence while it streams as code to the end", () => {
    const lines = renderMarkdown("Look:\n\n```py\nprint(1)");
    expect(lines.map(text)).toContain("  print(1)");
  });

  it("renders lists, quotes and links", () => {
    const lines = renderMarkdown("- one\n- two\n\n1. first\n\n> said\n\n[site](https://x.dev)").map(
      text,
    );
    expect(lines).toContain("\u2022 one");
    expect(lines).toContain("1. first");
    expect(lines).toContain("\u2502 said");
    expect(lines).toContain("site (https://x.dev)");
  });
});
