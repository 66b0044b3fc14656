import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { eventJson, eventText } from "./frame-text.js";

const plain = new Chalk({ level: 0 });
const HASH = "c".repeat(64);

describe("the REPL's rendering of events", () => {
  it("writes streamed text as it comes, without a line break", () => {
    expect(
      eventText({ kind: "frame", frame: { type: "text_delta", text: "Hel" } }, plain, {
        showRecord: false,
      }),
    ).toEqual({ inline: "Hel" });
  });

  it("shows a tool result's first line with a mark for success or failure", () => {
    const frame = {
      type: "tool_result" as const,
      tool_use_id: "t1",
      name: "run_command",
      result: "\nboom\nmore",
      is_error: true,
    };
    expect(eventText({ kind: "frame", frame }, plain, { showRecord: false })).toEqual({
      line: "✗ run_command: boom",
    });
  });

  it("shows record frames only while the record is toggled on", () => {
    const frame = { type: "record" as const, seq: 7, tx_type: "reasoning" as const, hash: HASH };
    expect(eventText({ kind: "frame", frame }, plain, { showRecord: false })).toBeUndefined();
    expect(eventText({ kind: "frame", frame }, plain, { showRecord: true })).toEqual({
      line: `#7 reasoning ${"c".repeat(12)}`,
    });
  });

  it("says when the connection is lost and being re-established", () => {
    expect(
      eventText({ kind: "state", state: "reconnecting", attempt: 2 }, plain, { showRecord: false }),
    ).toEqual({
      line: "… connection lost; reconnecting (attempt 2)",
    });
  });

  it("prints frames as the server sent them and connection changes as connection objects in JSON mode", () => {
    expect(eventJson({ kind: "frame", frame: { type: "text_delta", text: "x" } })).toEqual({
      type: "text_delta",
      text: "x",
    });
    expect(eventJson({ kind: "state", state: "closed", reason: "bye" })).toEqual({
      type: "connection",
      state: "closed",
      reason: "bye",
    });
  });
});
