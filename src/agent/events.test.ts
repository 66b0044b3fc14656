import { describe, expect, it } from "vitest";
import { streamEventsOf } from "./events.js";
import { reply, text, toolUse } from "./loop-fixture.js";

describe("streamEventsOf", () => {
  it("gives the stream events a response stands for, in content order, skipping empty pieces", () => {
    const response = reply([
      { type: "thinking", thinking: "plan" },
      text("Reading"),
      text(""),
      toolUse("t1", "read_file"),
      { type: "tool_result", tool_use_id: "x", content: "ignored" },
    ]);
    expect(streamEventsOf(response)).toEqual([
      { type: "thinking_delta", thinking: "plan" },
      { type: "text_delta", text: "Reading" },
      { type: "tool_use_start", id: "t1", name: "read_file" },
    ]);
  });
});
