import { describe, expect, it } from "vitest";
import { ModelError, type ModelMessage } from "../reasoner/types.js";
import { CANCELLED_RESULT, runAgentLoop } from "./loop.js";
import {
  eventLog,
  FakeExecutor,
  failed,
  RecordingProvider,
  reply,
  TOOLS,
  text,
  toolUse,
} from "./loop-fixture.js";
import type { LoopInput } from "./loop-types.js";

function input(settings: Partial<LoopInput["settings"]> = {}): LoopInput {
  return {
    settings: { model: "claude-test", tools: TOOLS, ...settings },
    conversation: [],
    user_message: "go",
  };
}

const throwing = (err: unknown) => () => {
  throw err;
};

function toolResults(message: ModelMessage | undefined) {
  return (message?.content ?? []).flatMap((b) => (b.type === "tool_result" ? [b] : []));
}

describe("runAgentLoop: cancel", () => {
  it("stops with cancelled before the first model call when a cancel is already recorded", async () => {
    const provider = new RecordingProvider([reply([text("never")])]);
    const result = await runAgentLoop(input(), {
      provider,
      tools: new FakeExecutor(),
      isCancelled: () => true,
    });
    expect(result.stop_reason).toBe("cancelled");
    expect(provider.requests).toHaveLength(0);
    expect(result.messages).toEqual([{ role: "user", content: [text("go")] }]);
  });

  it("answers the tool calls left after a cancel with cancelled errors, runs none of them, and stops", async () => {
    let cancelled = false;
    const tools = new FakeExecutor({
      read_file: () => {
        cancelled = true;
        return { content: "A", is_error: false };
      },
    });
    const provider = new RecordingProvider([
      reply([
        toolUse("t1", "read_file"),
        toolUse("t2", "write_file"),
        toolUse("t3", "run_command"),
      ]),
      reply([text("never")]),
    ]);
    const result = await runAgentLoop(input(), {
      provider,
      tools,
      isCancelled: async () => cancelled,
    });
    expect(result.stop_reason).toBe("cancelled");
    expect(tools.calls.map((c) => c.name)).toEqual(["read_file"]);
    expect(toolResults(result.messages[2])).toEqual([
      { type: "tool_result", tool_use_id: "t1", content: "A", is_error: false },
      { type: "tool_result", tool_use_id: "t2", content: CANCELLED_RESULT, is_error: true },
      { type: "tool_result", tool_use_id: "t3", content: CANCELLED_RESULT, is_error: true },
    ]);
    expect(provider.requests).toHaveLength(1);
  });

  it("stops with cancelled before the next model call when the cancel comes after the tool calls", async () => {
    let checks = 0;
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file")]),
      reply([text("x")]),
    ]);
    const result = await runAgentLoop(input(), {
      provider,
      tools: new FakeExecutor(),
      // 1: before call 1, 2: before t1, 3: before call 2.
      isCancelled: () => ++checks >= 3,
    });
    expect(result.stop_reason).toBe("cancelled");
    expect(provider.requests).toHaveLength(1);
    expect(toolResults(result.messages[2])).toHaveLength(1);
  });

  it("stops with cancelled when the model call itself reports cancelled", async () => {
    const provider = new RecordingProvider([throwing(new ModelError("cancelled", "aborted"))]);
    const result = await runAgentLoop(input(), { provider, tools: new FakeExecutor() });
    expect(result.stop_reason).toBe("cancelled");
    expect(result.error).toBeUndefined();
  });
});

describe("runAgentLoop: model errors", () => {
  it("stops with insufficient_credits on a 402 from the model and never calls it again", async () => {
    const log = eventLog();
    const provider = new RecordingProvider([
      throwing(new ModelError("insufficient_credits", "402 payment required")),
      reply([text("never")]),
    ]);
    const result = await runAgentLoop(input(), {
      provider,
      tools: new FakeExecutor(),
      onEvent: log.onEvent,
    });
    expect(result.stop_reason).toBe("insufficient_credits");
    expect(result.error).toEqual({ code: "insufficient_credits", message: "402 payment required" });
    expect(provider.requests).toHaveLength(1);
    expect(log.events).toContainEqual({
      type: "error",
      code: "insufficient_credits",
      message: "402 payment required",
      recoverable: false,
    });
  });

  it("stops with error and the model's message on any other model error", async () => {
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file")]),
      throwing(new ModelError("rate_limited", "429 after 3 attempts")),
    ]);
    const log = eventLog();
    const result = await runAgentLoop(input(), {
      provider,
      tools: new FakeExecutor(),
      onEvent: log.onEvent,
    });
    expect(result.stop_reason).toBe("error");
    expect(result.error).toEqual({ code: "llm_error", message: "429 after 3 attempts" });
    expect(log.events).toContainEqual(
      expect.objectContaining({ type: "error", recoverable: true }),
    );
    expect(result.messages).toHaveLength(3);
  });

  it("rethrows an error that is not a ModelError", async () => {
    const provider = new RecordingProvider([throwing(new TypeError("bug"))]);
    await expect(runAgentLoop(input(), { provider, tools: new FakeExecutor() })).rejects.toThrow(
      "bug",
    );
  });
});

describe("runAgentLoop: credit budget", () => {
  it("stops with insufficient_credits before a call the budget cannot cover, without calling the model", async () => {
    const provider = new RecordingProvider([reply([text("never")])]);
    const result = await runAgentLoop(input({ credit_budget_tokens: 500 }), {
      provider,
      tools: new FakeExecutor(),
    });
    expect(result.stop_reason).toBe("insufficient_credits");
    expect(result.error?.code).toBe("insufficient_credits");
    expect(provider.requests).toHaveLength(0);
  });

  it("lowers max_tokens to what the budget leaves after the estimated input", async () => {
    const provider = new RecordingProvider([reply([text("ok")])]);
    await runAgentLoop(input({ credit_budget_tokens: 3_000, tools: [] }), {
      provider,
      tools: new FakeExecutor(),
    });
    // "go" is one estimated token.
    expect(provider.requests[0]!.max_tokens).toBe(2_999);
  });

  it("counts the turn's usage against the budget and stops before the call that would exceed it", async () => {
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file")], "tool_use", { input_tokens: 1_500, output_tokens: 500 }),
      reply([text("never")]),
    ]);
    const result = await runAgentLoop(input({ credit_budget_tokens: 3_000 }), {
      provider,
      tools: new FakeExecutor(),
    });
    expect(result.stop_reason).toBe("insufficient_credits");
    expect(provider.requests).toHaveLength(1);
  });
});

describe("runAgentLoop: stall detection", () => {
  it("stops with error stall_detected after 3 iterations of failing writes to the same file", async () => {
    const provider = new RecordingProvider(
      Array.from({ length: 6 }, (_, i) =>
        reply([toolUse(`w${i}`, "write_file", { path: "a.ts" })]),
      ),
    );
    const tools = new FakeExecutor({ write_file: () => failed() });
    const result = await runAgentLoop(input(), { provider, tools });
    expect(result.stop_reason).toBe("error");
    expect(result.error?.code).toBe("stall_detected");
    expect(provider.requests).toHaveLength(3);
  });

  it("stops with end_turn_with_errors after 5 iterations in which every tool call failed", async () => {
    const provider = new RecordingProvider(
      Array.from({ length: 8 }, (_, i) =>
        reply([toolUse(`r${i}`, "run_command"), toolUse(`x${i}`, "read_file", { path: `${i}` })]),
      ),
    );
    const tools = new FakeExecutor({ run_command: () => failed(), read_file: () => failed() });
    const result = await runAgentLoop(input(), { provider, tools });
    expect(result.stop_reason).toBe("end_turn_with_errors");
    expect(result.error).toBeUndefined();
    expect(provider.requests).toHaveLength(5);
  });
});
