import { describe, expect, it } from "vitest";
import type { ModelMessage } from "../reasoner/types.js";
import { text, toolUse } from "./loop-fixture.js";
import { MISSING_RESULT, sanitizeMessages } from "./sanitize.js";

const user = (...content: ModelMessage["content"]): ModelMessage => ({ role: "user", content });
const assistant = (...content: ModelMessage["content"]): ModelMessage => ({
  role: "assistant",
  content,
});
const result = (id: string, content = "ok", is_error = false) =>
  ({ type: "tool_result", tool_use_id: id, content, is_error }) as const;

describe("sanitizeMessages", () => {
  it("drops empty text blocks and the messages they leave empty", () => {
    const out = sanitizeMessages([
      user(text("hi")),
      assistant(text("")),
      user(text(""), text("x")),
    ]);
    expect(out).toEqual([user(text("hi"), text("x"))]);
  });

  it("merges consecutive messages of the same role, keeping block order", () => {
    const out = sanitizeMessages([user(text("a")), user(text("b")), assistant(text("c"))]);
    expect(out).toEqual([user(text("a"), text("b")), assistant(text("c"))]);
  });

  it("leaves a well-formed conversation unchanged", () => {
    const conversation = [
      user(text("go")),
      assistant(toolUse("t1", "read_file"), toolUse("t2", "read_file")),
      user(result("t1"), result("t2"), text("and then?")),
      assistant(text("done")),
    ];
    expect(sanitizeMessages(conversation)).toEqual(conversation);
  });

  it("puts tool results first and in the order of their tool calls", () => {
    const out = sanitizeMessages([
      assistant(toolUse("t1", "a"), toolUse("t2", "b")),
      user(text("note"), result("t2"), result("t1")),
    ]);
    expect(out[1]).toEqual(user(result("t1"), result("t2"), text("note")));
  });

  it("answers a tool call with no result with an error result", () => {
    const out = sanitizeMessages([
      user(text("go")),
      assistant(toolUse("t1", "a"), toolUse("t2", "b")),
      user(result("t2")),
    ]);
    expect(out[2]).toEqual(
      user(
        { type: "tool_result", tool_use_id: "t1", content: MISSING_RESULT, is_error: true },
        result("t2"),
      ),
    );
  });

  it("adds a user message of error results after a final assistant message with tool calls", () => {
    const out = sanitizeMessages([user(text("go")), assistant(toolUse("t1", "a"))]);
    expect(out).toHaveLength(3);
    expect(out[2]).toEqual(
      user({ type: "tool_result", tool_use_id: "t1", content: MISSING_RESULT, is_error: true }),
    );
  });

  it("turns an orphan tool result into text that quotes it", () => {
    const out = sanitizeMessages([user(result("gone", "old output", true), text("hi"))]);
    expect(out).toEqual([user(text("[result of tool call gone (error)]\nold output"), text("hi"))]);
  });

  it("turns a second result for the same tool call into text, keeping the first", () => {
    const out = sanitizeMessages([
      assistant(toolUse("t1", "a")),
      user(result("t1", "first"), result("t1", "second")),
    ]);
    expect(out[1]).toEqual(user(result("t1", "first"), text("[result of tool call t1]\nsecond")));
  });

  it("does not modify the messages it is given", () => {
    const input = [user(text("a")), user(text("b"))];
    const copy = structuredClone(input);
    sanitizeMessages(input);
    expect(input).toEqual(copy);
  });

  it("returns messages that need no change as the same objects, and never changes its input", () => {
    const messages: ModelMessage[] = [
      { role: "user", content: [{ type: "text", text: "a" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "x", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
      { role: "assistant", content: [{ type: "text", text: "done" }] },
      { role: "user", content: [{ type: "text", text: "b" }] },
      { role: "user", content: [{ type: "text", text: "c" }] },
    ];
    const before = structuredClone(messages);
    const out = sanitizeMessages(messages);
    expect(out.slice(0, 4).every((m, i) => m === messages[i])).toBe(true);
    expect(out[4]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "b" },
        { type: "text", text: "c" },
      ],
    });
    expect(messages).toEqual(before);
  });

  it("rebuilds a results message that answers an id twice, as before", () => {
    const messages: ModelMessage[] = [
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "t1", name: "x", input: {} },
          { type: "tool_use", id: "t1", name: "x", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "one" },
          { type: "tool_result", tool_use_id: "t1", content: "two" },
        ],
      },
    ];
    const out = sanitizeMessages(messages);
    expect(out[1]).not.toBe(messages[1]);
    expect(out[1]?.content.map((b) => b.type)).toEqual(["tool_result", "tool_result", "text"]);
  });
});
