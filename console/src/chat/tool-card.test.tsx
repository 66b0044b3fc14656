import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { ToolCard } from "./tool-card.js";

const noop = () => undefined;

describe("a tool card", () => {
  it("offers Approve and Deny while its call waits on a person", () => {
    const html = render(
      <ToolCard
        block={{
          kind: "tool",
          id: "t1",
          name: "run_command",
          args: { command: "ls" },
          approval: { reason: "always_ask" },
        }}
        details={undefined}
        onApprove={noop}
      />,
    );
    expect(html).toContain("waiting for approval");
    expect(html).toContain(">Approve</button>");
    expect(html).toContain(">Deny</button>");
    expect(html).toContain("&quot;command&quot;: &quot;ls&quot;");
  });

  it("shows the result and the duration once the call ran, without buttons", () => {
    const html = render(
      <ToolCard
        block={{
          kind: "tool",
          id: "t1",
          name: "read_file",
          result: "contents",
          isError: false,
          approval: { reason: "r", answer: true },
        }}
        details={{ durationMs: 41 }}
        onApprove={noop}
      />,
    );
    expect(html).toContain("done");
    expect(html).toContain("41 ms");
    expect(html).toContain("contents");
    expect(html).not.toContain("Approve");
  });

  it("shows an edit as removed and added lines", () => {
    const html = render(
      <ToolCard
        block={{
          kind: "tool",
          id: "t1",
          name: "edit_file",
          args: { path: "a.txt", old_text: "old", new_text: "new" },
        }}
        details={undefined}
        onApprove={noop}
      />,
    );
    expect(html).toContain('<span class="del">- old\n</span>');
    expect(html).toContain('<span class="ins">+ new\n</span>');
  });
});
