import { describe, expect, expectTypeOf, it } from "vitest";
import type { LoopEvent } from "../agent/events.js";
import {
  ClientFrame,
  errorFrame,
  InstalledTool,
  type ServerFrame,
  ServerFrame as ServerFrameSchema,
  SessionInitFrame,
} from "./stream.js";

const AGENT = "a".repeat(64);

const tool = {
  name: "lookup",
  description: "Looks things up",
  input_schema: { type: "object", properties: { q: { type: "string" } } },
  endpoint: "https://tools.example.com/lookup",
};

describe("client frames", () => {
  it("given a session_init with every SPEC field, when parsed, then each field is kept", () => {
    const init = {
      type: "session_init",
      system_prompt: "be brief",
      model: "claude-opus-4-6",
      max_tokens: 16384,
      temperature: 0.2,
      max_turns: 25,
      installed_tools: [
        { ...tool, auth: { type: "bearer", token: "t0k" }, timeout_ms: 5000 },
        { ...tool, name: "other", auth: { type: "api_key", header: "X-Api-Key", key: "k" } },
        { ...tool, name: "third", auth: { type: "headers", headers: { "X-A": "1" } } },
      ],
      workspace: "projects/demo",
      project_path: "projects/demo/app",
      conversation_messages: [{ role: "user", content: "earlier" }],
      aura_agent_id: AGENT,
      aura_session_id: "sess-1",
      aura_org_id: "org-1",
      token: "jwt.jwt.jwt",
    };
    const parsed = SessionInitFrame.parse(init);
    expect(parsed).toEqual(init);
  });

  it("given null for optional fields, as a reference client sends, when parsed, then they are absent", () => {
    const parsed = SessionInitFrame.parse({ type: "session_init", model: null, workspace: null });
    expect(parsed.model).toBeUndefined();
    expect(parsed.workspace).toBeUndefined();
  });

  it("given unknown fields, when parsed, then they are ignored as the reference ignores them", () => {
    const parsed = ClientFrame.parse({ type: "cancel", extra: 1 });
    expect(parsed).toEqual({ type: "cancel" });
  });

  it("given an installed tool without auth, when parsed, then its auth is none", () => {
    expect(InstalledTool.parse(tool).auth).toEqual({ type: "none" });
  });

  it("given a tool endpoint that is not http or https, when parsed, then it is refused", () => {
    for (const endpoint of ["ftp://x.example", "javascript:alert(1)", "file:///etc/passwd", "x"]) {
      expect(InstalledTool.safeParse({ ...tool, endpoint }).success).toBe(false);
    }
  });

  it("given auth values with CR or LF, when parsed, then they are refused (no header splitting)", () => {
    const bad = [
      { type: "bearer", token: "a\r\nX-Evil: 1" },
      { type: "api_key", header: "X-Key\n", key: "k" },
      { type: "headers", headers: { "X-A": "1\r\n" } },
      { type: "headers", headers: { "Bad Header": "1" } },
    ];
    for (const auth of bad) expect(InstalledTool.safeParse({ ...tool, auth }).success).toBe(false);
  });

  it("given two installed tools with one name, when parsed, then the second name is refused", () => {
    const result = SessionInitFrame.safeParse({
      type: "session_init",
      installed_tools: [tool, tool],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["installed_tools", 1, "name"]);
  });

  it("given values out of bounds, when parsed, then they are refused", () => {
    const init = { type: "session_init" };
    expect(SessionInitFrame.safeParse({ ...init, max_tokens: 0 }).success).toBe(false);
    expect(SessionInitFrame.safeParse({ ...init, temperature: 1.5 }).success).toBe(false);
    expect(SessionInitFrame.safeParse({ ...init, max_turns: 10_000 }).success).toBe(false);
    expect(SessionInitFrame.safeParse({ ...init, aura_agent_id: "a b" }).success).toBe(false);
    expect(SessionInitFrame.safeParse({ ...init, aura_extensions: "yes" }).success).toBe(false);
    expect(SessionInitFrame.safeParse({ ...init, model: "m".repeat(201) }).success).toBe(false);
    const many = Array.from({ length: 65 }, (_, i) => ({ ...tool, name: `t${i}` }));
    expect(SessionInitFrame.safeParse({ ...init, installed_tools: many }).success).toBe(false);
  });

  it("given the other client frames, when parsed, then they are accepted", () => {
    const frames = [
      { type: "user_message", content: "hi", tool_hints: ["read_file"] },
      { type: "cancel" },
      { type: "approval_response", tool_use_id: "toolu_01", approved: true },
      { type: "resume", after_seq: 0 },
    ];
    for (const frame of frames) expect(ClientFrame.parse(frame)).toEqual(frame);
  });

  it("given an empty user message, when parsed, then it is accepted, as the reference accepts it", () => {
    expect(ClientFrame.parse({ type: "user_message", content: "" })).toEqual({
      type: "user_message",
      content: "",
    });
  });

  it("given conversation_messages with roles other than user and assistant, when parsed, then those messages are skipped", () => {
    const parsed = SessionInitFrame.parse({
      type: "session_init",
      conversation_messages: [
        { role: "system", content: "be a pirate" },
        { role: "user", content: "q" },
        { role: "tool", content: "out" },
        { role: "assistant", content: "a" },
      ],
    });
    expect(parsed.conversation_messages).toEqual([
      { role: "user", content: "q" },
      { role: "assistant", content: "a" },
    ]);
  });

  it("given a UUID aura_agent_id and the opt-in, when parsed, then both are kept", () => {
    const uuid = "6f1c2a4e-0b7d-4c55-9a3e-2f8d1e0c9b71";
    const parsed = SessionInitFrame.parse({
      type: "session_init",
      aura_agent_id: uuid,
      aura_extensions: true,
    });
    expect(parsed).toMatchObject({ aura_agent_id: uuid, aura_extensions: true });
  });

  it("given a negative or fractional after_seq, when parsed, then it is refused", () => {
    expect(ClientFrame.safeParse({ type: "resume", after_seq: -1 }).success).toBe(false);
    expect(ClientFrame.safeParse({ type: "resume", after_seq: 1.5 }).success).toBe(false);
  });
});

describe("server frames", () => {
  it("every live event of the agent loop is a server frame", () => {
    expectTypeOf<LoopEvent>().toExtend<ServerFrame>();
  });

  it("given each server frame, when parsed, then it is accepted as it is", () => {
    const frames: ServerFrame[] = [
      {
        type: "session_ready",
        session_id: "s1",
        agent_id: AGENT,
        tools: [{ name: "read_file", description: "Reads a file" }],
      },
      { type: "assistant_message_start", message_id: "m1" },
      { type: "text_delta", text: "hi" },
      { type: "thinking_delta", thinking: "hmm" },
      { type: "tool_use_start", id: "toolu_1", name: "read_file" },
      {
        type: "tool_result",
        tool_use_id: "toolu_1",
        name: "read_file",
        result: "x",
        is_error: false,
      },
      {
        type: "assistant_message_end",
        message_id: "m1",
        stop_reason: "end_turn",
        usage: {
          input_tokens: 1,
          output_tokens: 2,
          cumulative_input_tokens: 1,
          cumulative_output_tokens: 2,
          context_utilization: 0.01,
          model: "claude-opus-4-6",
          provider: "anthropic",
        },
        files_changed: { created: ["a.ts"], modified: [], deleted: [] },
      },
      errorFrame("llm_error", "overloaded", true),
      {
        type: "approval_request",
        tool_use_id: "toolu_2",
        tool: "run_command",
        args: { command: "ls" },
        reason: "run_command is always_ask",
      },
      { type: "record", seq: 3, tx_type: "reasoning", hash: "b".repeat(64) },
    ];
    for (const frame of frames) expect(ServerFrameSchema.parse(frame)).toEqual(frame);
  });

  it("given an error code outside the registry, when parsed, then it is refused", () => {
    const frame = { type: "error", code: "oops", message: "m", recoverable: true };
    expect(ServerFrameSchema.safeParse(frame).success).toBe(false);
  });
});
