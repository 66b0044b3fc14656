import { describe, expect, it } from "vitest";
import {
  errorFrame,
  REFERENCE_ERROR_CODE_OF,
  ReferenceErrorCode,
  SERVER_FRAME_ORIGIN,
  type ServerFrame,
  StreamErrorCode,
} from "../protocol/stream.js";
import { audienceOf, frameFor } from "./frame-audience.js";

const HASH = "c".repeat(64);
const RECORD: ServerFrame = { type: "record", seq: 3, tx_type: "user_prompt", hash: HASH };
const ASK: ServerFrame = {
  type: "approval_request",
  tool_use_id: "t1",
  tool: "run_command",
  args: { command: "ls" },
  reason: "needs approval",
};
const DELTA: ServerFrame = { type: "text_delta", text: "hi" };

describe("frameFor", () => {
  it("given a client that opted in, when any frame is sent, then it gets it unchanged", () => {
    for (const frame of [RECORD, ASK, DELTA, errorFrame("not_found", "gone", true)]) {
      expect(frameFor("extended", frame)).toBe(frame);
    }
  });

  it("given a reference client, when a frame the reference does not define is sent, then it gets nothing", () => {
    expect(frameFor("reference", RECORD)).toBeUndefined();
    expect(frameFor("reference", ASK)).toBeUndefined();
  });

  it("given a reference client, when a reference frame is sent, then it gets it unchanged", () => {
    expect(frameFor("reference", DELTA)).toBe(DELTA);
    const error = errorFrame("turn_in_progress", "busy", true);
    expect(frameFor("reference", error)).toBe(error);
  });

  it("given a reference client, when an error with our not_found code is sent, then it carries parse_error and the same message", () => {
    const error = errorFrame("not_found", "aura_agent_id: no agent", true);
    expect(frameFor("reference", error)).toEqual({ ...error, code: "parse_error" });
    expect(error.code).toBe("not_found");
  });

  it("maps every code to a reference code, and every reference code to itself", () => {
    for (const code of StreamErrorCode.options) {
      expect(ReferenceErrorCode.options).toContain(REFERENCE_ERROR_CODE_OF[code]);
    }
    for (const code of ReferenceErrorCode.options) expect(REFERENCE_ERROR_CODE_OF[code]).toBe(code);
  });

  it("marks exactly the reference's eight outbound types as reference frames", () => {
    const reference = Object.entries(SERVER_FRAME_ORIGIN)
      .filter(([, origin]) => origin === "reference")
      .map(([type]) => type)
      .sort();
    expect(reference).toEqual(
      [
        "assistant_message_end",
        "assistant_message_start",
        "error",
        "session_ready",
        "text_delta",
        "thinking_delta",
        "tool_result",
        "tool_use_start",
      ].sort(),
    );
  });
});

describe("audienceOf", () => {
  it("is extended only for an explicit true", () => {
    expect(audienceOf(true)).toBe("extended");
    expect(audienceOf(false)).toBe("reference");
    expect(audienceOf(undefined)).toBe("reference");
  });
});
