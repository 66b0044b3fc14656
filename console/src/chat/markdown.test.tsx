import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { Markdown } from "./markdown.js";

describe("markdown rendering", () => {
  it("renders emphasis, code, lists and tables as elements", () => {
    const html = render(
      <Markdown text={"# Title\n\n**bold** and `code`\n\n- one\n- two\n\n| a |\n|---|\n| 1 |"} />,
    );
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<li><p>one</p></li>");
    expect(html).toContain("<td>1</td>");
  });

  it("shows HTML a model writes as text, never as markup", () => {
    const html = render(
      <Markdown text={'<script>alert(1)</script> <img src=x onerror="alert(1)">'} />,
    );
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script>");
  });

  it("links only http(s) and mailto addresses", () => {
    const html = render(<Markdown text={"[ok](https://example.com) [bad](javascript:alert(1))"} />);
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('rel="noopener noreferrer"');
    expect(html).not.toContain('javascript:alert(1)"');
    expect(html).not.toMatch(/href="javascript/);
  });
});
