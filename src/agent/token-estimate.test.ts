import { describe, expect, it } from "vitest";
import { text, toolUse } from "./loop-fixture.js";
import { estimateTokens } from "./token-estimate.js";

describe("estimateTokens", () => {
  it("counts four characters per token, rounded up", () => {
    expect(estimateTokens([{ role: "user", content: [text("abcde")] }])).toBe(2);
  });

  it("counts the system prompt, the tool definitions and every kind of block", () => {
    const tool = { name: "t", description: "d", input_schema: {} };
    const chars =
      "sys".length +
      ("t".length + "d".length + "{}".length) +
      "hi".length +
      ("read_file".length + JSON.stringify({ path: "a" }).length) +
      "out".length +
      "hmm".length;
    const tokens = estimateTokens(
      [
        { role: "user", content: [text("hi")] },
        { role: "assistant", content: [toolUse("t1", "read_file", { path: "a" })] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "out" }] },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm" }] },
      ],
      "sys",
      [tool],
    );
    expect(tokens).toBe(Math.ceil(chars / 4));
  });

  it("estimates an empty prompt as zero tokens", () => {
    expect(estimateTokens([])).toBe(0);
  });
});
