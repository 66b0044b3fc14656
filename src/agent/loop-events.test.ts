import { describe, expect, it } from "vitest";
import type {
  ModelCallOptions,
  ModelProvider,
  ModelRequest,
  ModelResponse,
} from "../reasoner/types.js";
import { runAgentLoop } from "./loop.js";
import {
  eventLog,
  FakeExecutor,
  RecordingProvider,
  reply,
  TOOLS,
  text,
  toolUse,
} from "./loop-fixture.js";
import type { LoopInput } from "./loop-types.js";

const input: LoopInput = {
  settings: { model: "claude-test", tools: TOOLS, context_window: 1_000 },
  conversation: [],
  user_message: "go",
  message_id: "msg-7",
};

/** A provider that streams its scripted response's pieces before returning it. */
class StreamingProvider implements ModelProvider {
  readonly name = "anthropic";
  readonly defaultModel = "claude-test";
  #next = 0;
  constructor(readonly script: ModelResponse[]) {}
  async complete(_request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    const response = this.script[this.#next++]!;
    for (const block of response.content) {
      if (block.type === "text") options?.onEvent?.({ type: "text_delta", text: block.text });
      if (block.type === "thinking") {
        options?.onEvent?.({ type: "thinking_delta", thinking: block.thinking });
      }
    }
    return response;
  }
}

describe("runAgentLoop: live events", () => {
  it("emits start, the response's pieces, each tool result and an end with the stop reason, in order", async () => {
    const log = eventLog();
    const provider = new RecordingProvider([
      reply([text("Reading."), toolUse("t1", "read_file", { path: "a" })]),
      reply([text("Done.")]),
    ]);
    await runAgentLoop(input, { provider, tools: new FakeExecutor(), onEvent: log.onEvent });
    expect(log.events.map((e) => e.type)).toEqual([
      "assistant_message_start",
      "text_delta",
      "tool_use_start",
      "tool_result",
      "text_delta",
      "assistant_message_end",
    ]);
    expect(log.events[0]).toEqual({ type: "assistant_message_start", message_id: "msg-7" });
    expect(log.events[3]).toEqual({
      type: "tool_result",
      tool_use_id: "t1",
      name: "read_file",
      result: "read_file ok",
      is_error: false,
    });
    expect(log.events.at(-1)).toMatchObject({ message_id: "msg-7", stop_reason: "end_turn" });
  });

  it("forwards a streaming provider's deltas, thinking included, once each", async () => {
    const log = eventLog();
    const provider = new StreamingProvider([
      reply([{ type: "thinking", thinking: "hmm" }, text("Hi")]),
    ]);
    await runAgentLoop(input, { provider, tools: new FakeExecutor(), onEvent: log.onEvent });
    const deltas = log.events.filter((e) => e.type === "text_delta" || e.type === "thinking_delta");
    expect(deltas).toEqual([
      { type: "thinking_delta", thinking: "hmm" },
      { type: "text_delta", text: "Hi" },
    ]);
  });

  it("reports the turn's tokens, the session's cumulative tokens, the context utilisation, model and provider", async () => {
    const log = eventLog();
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file")], "tool_use", { input_tokens: 100, output_tokens: 20 }),
      reply([text("ok")], "end_turn", { input_tokens: 250, output_tokens: 30 }),
    ]);
    const result = await runAgentLoop(
      { ...input, usage_baseline: { input_tokens: 1_000, output_tokens: 2_000 } },
      { provider, tools: new FakeExecutor(), onEvent: log.onEvent },
    );
    const usage = {
      input_tokens: 350,
      output_tokens: 50,
      cumulative_input_tokens: 1_350,
      cumulative_output_tokens: 2_050,
      context_utilization: 0.25,
      model: "claude-test",
      provider: "mock",
    };
    expect(result.usage).toEqual(usage);
    expect(log.events.at(-1)).toMatchObject({ type: "assistant_message_end", usage });
  });

  it("emits the error event before the end event when a stop carries an error code", async () => {
    const log = eventLog();
    const provider = new RecordingProvider([reply([text("x")])]);
    await runAgentLoop(
      { ...input, settings: { ...input.settings, credit_budget_tokens: 10 } },
      { provider, tools: new FakeExecutor(), onEvent: log.onEvent },
    );
    expect(log.events.map((e) => e.type)).toEqual([
      "assistant_message_start",
      "error",
      "assistant_message_end",
    ]);
    expect(log.events.at(-1)).toMatchObject({ stop_reason: "insufficient_credits" });
  });
});
