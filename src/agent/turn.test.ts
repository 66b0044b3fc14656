import { describe, expect, it } from "vitest";
import { hashCanonical } from "../core/hash.js";
import type { ModelResponse } from "../reasoner/types.js";
import { nextTurnAction, type ReasoningRecord, type TurnSettings } from "./turn.js";

const settings: TurnSettings = { model: "claude-test", system: "You are terse.", maxTokens: 1024 };

function response(content: ModelResponse["content"]): ModelResponse {
  return {
    model: "claude-test",
    content,
    stop_reason: "end_turn",
    usage: { input_tokens: 1, output_tokens: 1 },
  };
}

function recorded(overrides: Partial<ReasoningRecord>): ReasoningRecord {
  return { request_digest: "d".repeat(64), provider: "mock", model: "claude-test", ...overrides };
}

describe("nextTurnAction", () => {
  it("given nothing recorded yet, when deciding, then it calls the model with the prompt, the system prompt and the settings", () => {
    const action = nextTurnAction(settings, "What is 2+2?", []);
    expect(action).toEqual({
      type: "call_model",
      request: {
        model: "claude-test",
        system: "You are terse.",
        max_tokens: 1024,
        messages: [{ role: "user", content: [{ type: "text", text: "What is 2+2?" }] }],
      },
      request_digest: expect.any(String),
    });
  });

  it("given nothing recorded yet, when deciding, then the request digest is the canonical hash of the request", () => {
    const action = nextTurnAction(settings, "hi", []);
    if (action.type !== "call_model") throw new Error("expected call_model");
    expect(action.request_digest).toBe(hashCanonical(action.request));
  });

  it("given no system prompt in the settings, when deciding, then the request has no system field", () => {
    const action = nextTurnAction({ model: "m", maxTokens: 10 }, "hi", []);
    if (action.type !== "call_model") throw new Error("expected call_model");
    expect("system" in action.request).toBe(false);
  });

  it("given the same prompt and settings twice, when deciding, then the request and its digest are identical", () => {
    expect(nextTurnAction(settings, "same", [])).toEqual(nextTurnAction(settings, "same", []));
    const a = nextTurnAction(settings, "one", []);
    const b = nextTurnAction(settings, "two", []);
    if (a.type !== "call_model" || b.type !== "call_model") throw new Error("expected call_model");
    expect(a.request_digest).not.toBe(b.request_digest);
  });

  it("given a recorded response, when deciding, then the turn finishes with the response's text", () => {
    const action = nextTurnAction(settings, "hi", [
      recorded({ response: response([{ type: "text", text: "4" }]) }),
    ]);
    expect(action).toEqual({ type: "finish", text: "4", stop_reason: "end_turn", failed: false });
  });

  it("given a recorded response with several blocks, when deciding, then the text blocks are joined and other blocks are left out", () => {
    const action = nextTurnAction(settings, "hi", [
      recorded({
        response: response([
          { type: "thinking", thinking: "let me see" },
          { type: "text", text: "Hello, " },
          { type: "tool_use", id: "t1", name: "read_file", input: { path: "a" } },
          { type: "text", text: "world" },
        ]),
      }),
    ]);
    expect(action).toMatchObject({ type: "finish", text: "Hello, world", failed: false });
  });

  it("given a recorded error, when deciding, then the turn finishes failed with the error message", () => {
    const action = nextTurnAction(settings, "hi", [
      recorded({ error: { code: "rate_limited", message: "429 from model" } }),
    ]);
    expect(action).toEqual({
      type: "finish",
      text: "error: 429 from model",
      stop_reason: "error",
      failed: true,
    });
  });

  it("given a recorded call with neither response nor error, when deciding, then the turn finishes failed", () => {
    const action = nextTurnAction(settings, "hi", [recorded({})]);
    expect(action).toMatchObject({ type: "finish", stop_reason: "error", failed: true });
    expect(action.type === "finish" && action.text).toBe("error: model returned no response");
  });

  it("given several recorded calls, when deciding, then only the last one decides", () => {
    const action = nextTurnAction(settings, "hi", [
      recorded({ error: { code: "x", message: "first failed" } }),
      recorded({ response: response([{ type: "text", text: "recovered" }]) }),
    ]);
    expect(action).toMatchObject({ type: "finish", text: "recovered", failed: false });
  });
});
