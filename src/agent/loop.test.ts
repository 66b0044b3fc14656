import { describe, expect, it } from "vitest";
import type {
  ModelMessage,
  ModelProvider,
  ModelRequest,
  ModelResponse,
} from "../reasoner/types.js";
import { runAgentLoop, TRUNCATED_RESULT } from "./loop.js";
import {
  FakeExecutor,
  failed,
  RecordingProvider,
  reply,
  TOOLS,
  text,
  toolUse,
} from "./loop-fixture.js";
import type { LoopInput } from "./loop-types.js";

/** The content of the first block of `message`, which must be a tool result. */
function resultContent(message: ModelMessage | undefined): string {
  const block = message?.content[0];
  if (block?.type !== "tool_result") throw new Error("expected a tool result");
  return block.content;
}

function input(overrides: Partial<LoopInput> = {}): LoopInput {
  return {
    settings: { model: "claude-test", system: "Be brief.", tools: TOOLS },
    conversation: [],
    user_message: "do it",
    ...overrides,
  };
}

/** Every tool_use of the conversation is answered, in order, by the next message. */
function expectWellFormed(messages: ModelMessage[]) {
  messages.forEach((m, i) => {
    const ids = m.content.flatMap((b) => (b.type === "tool_use" ? [b.id] : []));
    if (m.role !== "assistant" || ids.length === 0) return;
    const next = messages[i + 1]!;
    const answered = next.content.flatMap((b) => (b.type === "tool_result" ? [b.tool_use_id] : []));
    expect(next.role).toBe("user");
    expect(answered).toEqual(ids);
  });
}

describe("runAgentLoop: ending a turn", () => {
  it("ends the turn on end_turn after one model call, returning the user message, the answer and its text", async () => {
    const provider = new RecordingProvider([reply([text("Done.")])]);
    const result = await runAgentLoop(input(), { provider, tools: new FakeExecutor() });
    expect(result.stop_reason).toBe("end_turn");
    expect(result.final_text).toBe("Done.");
    expect(provider.requests).toHaveLength(1);
    expect(result.messages).toEqual([
      { role: "user", content: [text("do it")] },
      { role: "assistant", content: [text("Done.")] },
    ]);
  });

  it("ends the turn on stop_sequence", async () => {
    const provider = new RecordingProvider([
      reply([text("x")], "stop_sequence"),
      reply([text("y")]),
    ]);
    const result = await runAgentLoop(input(), { provider, tools: new FakeExecutor() });
    expect(result.stop_reason).toBe("end_turn");
    expect(provider.requests).toHaveLength(1);
  });

  it("sends the prior conversation, the new message, the system prompt, the tools and the default max_tokens", async () => {
    const prior: ModelMessage[] = [
      { role: "user", content: [text("earlier")] },
      { role: "assistant", content: [text("reply")] },
    ];
    const provider = new RecordingProvider([reply([text("ok")])]);
    await runAgentLoop(input({ conversation: prior }), { provider, tools: new FakeExecutor() });
    expect(provider.requests[0]).toEqual({
      model: "claude-test",
      system: "Be brief.",
      tools: TOOLS,
      max_tokens: 16384,
      messages: [...prior, { role: "user", content: [text("do it")] }],
    });
  });

  it("continues after a pause_turn response without tool calls", async () => {
    const provider = new RecordingProvider([
      reply([text("part")], "pause_turn"),
      reply([text("rest")]),
    ]);
    const result = await runAgentLoop(input(), { provider, tools: new FakeExecutor() });
    expect(provider.requests).toHaveLength(2);
    expect(result.final_text).toBe("rest");
  });

  it("ends the turn when max_tokens cuts a response that has no tool calls", async () => {
    const provider = new RecordingProvider([reply([text("cut sh")], "max_tokens")]);
    const result = await runAgentLoop(input(), { provider, tools: new FakeExecutor() });
    expect(result.stop_reason).toBe("end_turn");
    expect(result.final_text).toBe("cut sh");
  });
});

describe("runAgentLoop: tool calls", () => {
  it("answers every tool_use with one tool_result, in order, in the next user message, then calls the model again", async () => {
    const provider = new RecordingProvider([
      reply([
        text("reading"),
        toolUse("t1", "read_file", { path: "a" }),
        toolUse("t2", "run_command"),
      ]),
      reply([text("all done")]),
    ]);
    const tools = new FakeExecutor({ read_file: () => ({ content: "A", is_error: false }) });
    const result = await runAgentLoop(input(), { provider, tools });
    expect(tools.calls.map((c) => c.tool_use_id)).toEqual(["t1", "t2"]);
    expect(tools.calls[0]).toEqual({ tool_use_id: "t1", name: "read_file", input: { path: "a" } });
    const results = result.messages[2]!;
    expect(results).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "t1", content: "A", is_error: false },
        { type: "tool_result", tool_use_id: "t2", content: "run_command ok", is_error: false },
      ],
    });
    expect(provider.requests[1]!.messages.at(-1)).toEqual(results);
    expect(result.stop_reason).toBe("end_turn");
  });

  it("answers a call to an unknown tool with an unknown_tool error without reaching the executor", async () => {
    const provider = new RecordingProvider([
      reply([toolUse("t1", "launch_rocket")]),
      reply([text("ok")]),
    ]);
    const tools = new FakeExecutor();
    const result = await runAgentLoop(input(), { provider, tools });
    expect(tools.calls).toEqual([]);
    expect(result.messages[2]!.content[0]).toMatchObject({ tool_use_id: "t1", is_error: true });
    expect(JSON.stringify(result.messages[2])).toContain("unknown_tool");
  });

  it("turns an executor that throws into an error result and keeps going", async () => {
    const provider = new RecordingProvider([
      reply([toolUse("t1", "run_command")]),
      reply([text("ok")]),
    ]);
    const tools = new FakeExecutor({
      run_command: () => {
        throw new Error("sandbox unreachable");
      },
    });
    const result = await runAgentLoop(input(), { provider, tools });
    expect(result.messages[2]!.content[0]).toMatchObject({ is_error: true });
    expect(JSON.stringify(result.messages[2])).toContain("sandbox unreachable");
    expect(result.stop_reason).toBe("end_turn");
  });

  it("answers tool calls cut by max_tokens with truncation errors, runs none of them, and continues", async () => {
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file"), toolUse("t2", "write_file", { path: "a" })], "max_tokens"),
      reply([text("retrying later")]),
    ]);
    const tools = new FakeExecutor();
    const result = await runAgentLoop(input(), { provider, tools });
    expect(tools.calls).toEqual([]);
    expect(result.messages[2]!.content).toEqual([
      { type: "tool_result", tool_use_id: "t1", content: TRUNCATED_RESULT, is_error: true },
      { type: "tool_result", tool_use_id: "t2", content: TRUNCATED_RESULT, is_error: true },
    ]);
    expect(provider.requests).toHaveLength(2);
    expect(result.stop_reason).toBe("end_turn");
  });

  it("passes the signal to the executor and the signal and call context to the model", async () => {
    const signal = new AbortController().signal;
    const context = { agent_id: "a".repeat(64), org_id: "org" };
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file")]),
      reply([text("ok")]),
    ]);
    const tools = new FakeExecutor();
    await runAgentLoop(input(), { provider, tools, signal, context });
    expect(tools.options[0]).toEqual({ signal });
    expect(provider.options[0]).toMatchObject({ signal, context });
  });

  it("sums the files the tool calls changed, each path once", async () => {
    const provider = new RecordingProvider([
      reply([
        toolUse("t1", "write_file", { path: "a" }),
        toolUse("t2", "write_file", { path: "a" }),
      ]),
      reply([toolUse("t3", "delete_file", { path: "b" })]),
      reply([text("ok")]),
    ]);
    const tools = new FakeExecutor({
      write_file: () => ({ content: "ok", is_error: false, files_changed: { created: ["a"] } }),
      delete_file: () => ({ content: "ok", is_error: false, files_changed: { deleted: ["b"] } }),
    });
    const result = await runAgentLoop(input(), { provider, tools });
    expect(result.files_changed).toEqual({ created: ["a"], modified: [], deleted: ["b"] });
  });
});

describe("runAgentLoop: max_turns", () => {
  it("stops with max_turns after max_turns model calls when the model keeps calling tools", async () => {
    const provider = new RecordingProvider(
      Array.from({ length: 10 }, (_, i) => reply([toolUse(`t${i}`, "read_file")])),
    );
    const settings = { model: "claude-test", tools: TOOLS, max_turns: 3 };
    const result = await runAgentLoop(input({ settings }), { provider, tools: new FakeExecutor() });
    expect(result.stop_reason).toBe("max_turns");
    expect(provider.requests).toHaveLength(3);
    expectWellFormed(result.messages);
  });

  it("allows 25 model calls by default", async () => {
    const provider = new RecordingProvider(
      Array.from({ length: 30 }, (_, i) => reply([toolUse(`t${i}`, "read_file")])),
    );
    const result = await runAgentLoop(input(), { provider, tools: new FakeExecutor() });
    expect(result.stop_reason).toBe("max_turns");
    expect(provider.requests).toHaveLength(25);
    expect(result.iterations).toHaveLength(25);
  });
});

describe("runAgentLoop: determinism", () => {
  it("makes identical requests and returns identical results when given the same responses again", async () => {
    const script = () => [
      reply([toolUse("t1", "read_file", { path: "a" })]),
      reply([toolUse("t2", "write_file", { path: "b" })]),
      reply([text("done")]),
    ];
    const run = async () => {
      const provider = new RecordingProvider(script());
      const tools = new FakeExecutor({ write_file: () => failed() });
      const result = await runAgentLoop(input(), { provider, tools });
      return { requests: provider.requests, result };
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.requests).toHaveLength(3);
  });

  it("resumed with a gateway that replays the recorded calls, repeats the recorded requests exactly and finishes the turn", async () => {
    const script = [
      reply([toolUse("t1", "read_file", { path: "a" })]),
      reply([toolUse("t2", "edit_file", { path: "a" })]),
      reply([text("done")]),
    ];
    const recorded: { request: ModelRequest; response: ModelResponse }[] = [];
    // First attempt: the Durable Object is evicted during the third model call.
    const evicted: ModelProvider = {
      name: "mock",
      defaultModel: "mock",
      async complete(request) {
        if (recorded.length === 2) throw new Error("evicted");
        const response = script[recorded.length]!;
        recorded.push({ request: structuredClone(request), response });
        return response;
      },
    };
    await expect(
      runAgentLoop(input(), { provider: evicted, tools: new FakeExecutor() }),
    ).rejects.toThrow("evicted");
    // Resume: recorded calls are answered from the record, after checking the request matches.
    let call = 0;
    const replaying: ModelProvider = {
      name: "mock",
      defaultModel: "mock",
      async complete(request) {
        const entry = recorded[call++];
        if (entry === undefined) return script[2]!;
        expect(request).toEqual(entry.request);
        return entry.response;
      },
    };
    const result = await runAgentLoop(input(), { provider: replaying, tools: new FakeExecutor() });
    expect(call).toBe(3);
    expect(result.stop_reason).toBe("end_turn");
    expect(result.final_text).toBe("done");
  });

  it("does not modify the conversation it is given, even when it sanitises and compacts it", async () => {
    const prior: ModelMessage[] = Array.from({ length: 12 }, (_, i) => ({
      role: i % 3 === 0 ? "assistant" : "user",
      content: [text(`${i}`.repeat(5_000))],
    }));
    const copy = structuredClone(prior);
    const provider = new RecordingProvider([reply([text("ok")])]);
    const settings = { model: "claude-test", context_window: 20_000 };
    const result = await runAgentLoop(input({ conversation: prior, settings }), {
      provider,
      tools: new FakeExecutor(),
    });
    expect(result.iterations[0]!.compaction_keep_recent).toBe(2);
    expect(prior).toEqual(copy);
  });
});

describe("runAgentLoop: sanitising and compaction", () => {
  it("sanitises the conversation before each call: same-role messages merged, dangling tool calls answered", async () => {
    const prior: ModelMessage[] = [
      { role: "user", content: [text("one")] },
      { role: "assistant", content: [toolUse("old", "read_file")] },
    ];
    const provider = new RecordingProvider([reply([text("ok")])]);
    await runAgentLoop(input({ conversation: prior }), { provider, tools: new FakeExecutor() });
    const messages = provider.requests[0]!.messages;
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(messages[2]!.content[0]).toMatchObject({ tool_use_id: "old", is_error: true });
    expect(messages[2]!.content.at(-1)).toEqual(text("do it"));
  });

  it("compacts older tool results in requests when the context fills up, but returns the messages whole", async () => {
    const big = "x".repeat(20_000);
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file")], "tool_use", { input_tokens: 10, output_tokens: 5 }),
      ...["t2", "t3", "t4", "t5"].map((id) =>
        reply([toolUse(id, "read_file")], "tool_use", { input_tokens: 180_000, output_tokens: 5 }),
      ),
      reply([text("done")]),
    ]);
    const tools = new FakeExecutor({ read_file: () => ({ content: big, is_error: false }) });
    const result = await runAgentLoop(input(), { provider, tools });
    const last = provider.requests.at(-1)?.messages ?? [];
    expect(resultContent(last[2]).length).toBeLessThanOrEqual(500);
    expect(resultContent(last.at(-1))).toBe(big);
    expect(result.iterations.at(-1)?.compaction_keep_recent).toBe(2);
    expect(resultContent(result.messages[2])).toBe(big);
  });

  it("leaves requests uncompacted while the context is below 30% of the window", async () => {
    const provider = new RecordingProvider([
      reply([toolUse("t1", "read_file")]),
      reply([toolUse("t2", "read_file")]),
      reply([text("done")]),
    ]);
    const result = await runAgentLoop(input(), { provider, tools: new FakeExecutor() });
    expect(result.iterations.map((i) => i.compaction_keep_recent)).toEqual([null, null, null]);
  });

  it("starts from the conversation's recorded measure: its tokens plus an estimate of what came after", async () => {
    const prior: ModelMessage[] = [
      { role: "user", content: [text("short")] },
      { role: "assistant", content: [text("reply")] },
    ];
    const run = (measure?: { tokens: number; messages: number }) =>
      runAgentLoop(
        input({
          conversation: prior,
          settings: { model: "claude-test", context_window: 1_000 },
          ...(measure ? { context_measured: measure } : {}),
        }),
        { provider: new RecordingProvider([reply([text("ok")])]), tools: new FakeExecutor() },
      );
    // Measured at 90% of the window when the first message was all: the fullest tier applies
    expect((await run({ tokens: 900, messages: 1 })).iterations[0]?.compaction_keep_recent).toBe(2);
    // Without it, the estimate of the few characters here selects no tier
    expect((await run()).iterations[0]?.compaction_keep_recent).toBeNull();
    // A measure of more messages than the conversation holds is ignored
    expect(
      (await run({ tokens: 900, messages: 5 })).iterations[0]?.compaction_keep_recent,
    ).toBeNull();
  });
});
