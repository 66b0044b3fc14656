import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../src/protocol/stream.js";
import { MockProvider } from "../../src/reasoner/mock.js";
import type { ModelRequest } from "../../src/reasoner/types.js";
import { createAgent, getRecord, getVerify, mintToken, payloadText, waitFor } from "./helpers.js";
import { holdModelCalls, recordModelRequests } from "./model-spy.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { openSession, openStream } from "./stream-client.js";

const ORG = "org-stream";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "sam" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The frames of one turn, from its start to its end, as one client saw them. */
function turnFrames(frames: ServerFrame[], messageId: string): ServerFrame[] {
  const start = frames.findIndex(
    (f) => f.type === "assistant_message_start" && f.message_id === messageId,
  );
  const end = frames.findIndex(
    (f) => f.type === "assistant_message_end" && f.message_id === messageId,
  );
  return frames.slice(start, end + 1);
}

describe("/stream protocol", () => {
  it("refuses a connection without a token, and an agent_id of another org", async () => {
    await expect(openStream("not-a-token")).rejects.toThrow(/401/);
    const stranger = await mintToken({ org: "org-stream-other" });
    const theirs = await createAgent(stranger);
    await expect(openStream(token, theirs)).rejects.toThrow(/404/);
  });

  it("attaches a socket opened without agent_id to the agent its session_init names", async () => {
    // Given an agent with one finished turn, and a client that knows only its id
    const agentId = await createAgent(token);
    const first = (await openSession(token, agentId)).client;
    first.send({ type: "user_message", content: "remember kiwi" });
    await first.next("assistant_message_end");
    first.close();

    // When a client connects to /stream without agent_id and names it in session_init
    const client = await openStream(token);
    client.send({ type: "session_init", aura_agent_id: agentId });
    const ready = await client.next("session_ready");

    // Then the session is that agent's: its turns continue the agent's record
    expect(ready.agent_id).toBe(agentId);
    const from = client.count();
    client.send({ type: "user_message", content: "and now?" });
    await client.next("assistant_message_end", { from });
    const prompts = (await getRecord(token, agentId)).filter((e) => e.tx.tx_type === "user_prompt");
    expect(prompts.map((e) => payloadText(e))).toEqual(["remember kiwi", "and now?"]);
    client.close();
  });

  it("refuses an aura_agent_id that names no agent of the caller's org, and lets the client try again", async () => {
    const stranger = await mintToken({ org: "org-stream-elsewhere" });
    const theirs = await createAgent(stranger);
    const client = await openStream(token);
    client.send({ type: "session_init", aura_agent_id: theirs });
    expect(await client.next("error")).toMatchObject({ code: "not_found", recoverable: true });
    const from = client.count();
    client.send({ type: "session_init" });
    const ready = await client.next("session_ready", { from });
    expect(ready.agent_id).not.toBe(theirs);
    expect(await getRecord(stranger, theirs)).toEqual([]);
    client.close();
  });

  it("answers a frame before session_init with not_initialized, and a second init with already_initialized", async () => {
    const client = await openStream(token);
    client.send({ type: "user_message", content: "hi" });
    expect(await client.next("error")).toMatchObject({
      code: "not_initialized",
      recoverable: true,
    });
    client.send({ type: "session_init" });
    const ready = await client.next("session_ready");
    expect(ready.agent_id).toMatch(/^[0-9a-f]{64}$/);
    expect(ready.tools.map((t) => t.name)).toContain("read_file");
    const from = client.count();
    client.send({ type: "session_init" });
    expect(await client.next("error", { from })).toMatchObject({ code: "already_initialized" });
    client.close();
  });

  it("answers unknown types, {}, wrong field types and non-JSON with parse_error and stays usable", async () => {
    const { client } = await openSession(token);
    const bad = ['{"type":"dance"}', "{}", '{"type":"user_message","content":5}', "not json", "[]"];
    for (const frame of bad) {
      const from = client.count();
      client.send(frame);
      expect(await client.next("error", { from })).toMatchObject({
        code: "parse_error",
        recoverable: true,
      });
    }
    const from = client.count();
    client.send({ type: "user_message", content: "still here?" });
    const end = await client.next("assistant_message_end", { from });
    expect(end.stop_reason).toBe("end_turn");
    client.close();
  });

  it("refuses a workspace or project_path that escapes the base with invalid_workspace", async () => {
    for (const init of [
      { workspace: "../elsewhere" },
      { workspace: "/etc" },
      { project_path: "a/../../b" },
      { project_path: "/abs/../path" },
    ]) {
      const client = await openStream(token);
      client.send({ type: "session_init", ...init });
      expect(await client.next("error")).toMatchObject({ code: "invalid_workspace" });
      client.close();
    }
  });

  it("ignores a cancel while idle and an approval_response that answers nothing", async () => {
    const { client } = await openSession(token);
    const from = client.count();
    client.send({ type: "cancel" });
    client.send({ type: "approval_response", tool_use_id: "nothing", approved: true });
    // A marker frame's parse_error shows the noise arrived; the message goes after it (frames
    // sent back to back are the e2e tier's: see its ordering test)
    client.send("{}");
    await client.next("error", { from });
    client.send({ type: "user_message", content: "after the noise" });
    const end = await client.next("assistant_message_end", { from });
    expect(end.stop_reason).toBe("end_turn");
    const errors = client.frames.slice(from).filter((f) => f.type === "error");
    expect(errors.map((f) => f.code)).toEqual(["parse_error"]);
    client.close();
  });

  it("gives every session its own id", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { client, ready } = await openSession(token);
      ids.add(ready.session_id);
      client.close();
    }
    expect(ids.size).toBe(5);
  });

  it("streams a turn in order: start, deltas, end with the same message_id and growing cumulative tokens", async () => {
    const { client, ready } = await openSession(token);
    const ends: Array<Extract<ServerFrame, { type: "assistant_message_end" }>> = [];
    for (const text of ["first", "second"]) {
      const from = client.count();
      client.send({ type: "user_message", content: text });
      ends.push(await client.next("assistant_message_end", { from }));
    }
    for (const end of ends) {
      const frames = turnFrames(client.frames, end.message_id);
      expect(frames[0]).toEqual({ type: "assistant_message_start", message_id: end.message_id });
      expect(frames.slice(1, -1).every((f) => f.type === "text_delta")).toBe(true);
      expect(frames.length).toBeGreaterThan(2);
    }
    expect(ends[1]!.usage.cumulative_input_tokens).toBeGreaterThan(
      ends[0]!.usage.cumulative_input_tokens,
    );
    expect(ends[1]!.usage.cumulative_output_tokens).toBeGreaterThan(
      ends[0]!.usage.cumulative_output_tokens,
    );
    // And every commit was announced with its seq, type and hash
    const entries = await getRecord(token, ready.agent_id);
    await waitFor("every record frame", async () =>
      client.frames.filter((f) => f.type === "record").length >= entries.length ? true : undefined,
    );
    const records = client.frames.filter((f) => f.type === "record");
    expect(records).toEqual(
      entries.map((e) => ({ type: "record", seq: e.seq, tx_type: e.tx.tx_type, hash: e.hash })),
    );
    expect(entries[0]?.tx.tx_type).toBe("session_start");
    client.close();
  });

  it("answers a user_message during a turn with turn_in_progress", async () => {
    const model = holdModelCalls();
    const { client } = await openSession(token);
    const from = client.count();
    client.send({ type: "user_message", content: "slow" });
    await waitFor("the model call", async () =>
      model.spy.mock.calls.length > 0 ? true : undefined,
    );
    client.send({ type: "user_message", content: "too soon" });
    expect(await client.next("error", { from })).toMatchObject({ code: "turn_in_progress" });
    model.release();
    await client.next("assistant_message_end", { from });
    client.close();
  });

  it("streams the model's thinking as thinking_delta before its text", async () => {
    scriptModel(({ opening, request }) =>
      opening === "think first"
        ? {
            model: request.model,
            content: [
              { type: "thinking", thinking: "let me consider", signature: "sig" },
              { type: "text", text: "considered" },
            ],
            stop_reason: "end_turn",
            usage: { input_tokens: 5, output_tokens: 5 },
          }
        : undefined,
    );
    const { client } = await openSession(token);
    const from = client.count();
    client.send({ type: "user_message", content: "think first" });
    await client.next("assistant_message_end", { from });
    const deltas = client.frames
      .slice(from)
      .filter((f) => f.type === "thinking_delta" || f.type === "text_delta");
    expect(deltas).toEqual([
      { type: "thinking_delta", thinking: "let me consider" },
      { type: "text_delta", text: "considered" },
    ]);
    client.close();
  });

  it("stops a turn at its next safe point on cancel: the pending tool call never runs", async () => {
    // Given a model whose answer (a tool call) is held until the client has sent cancel
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const spy = vi
      .spyOn(MockProvider.prototype, "complete")
      .mockImplementation(async (request: ModelRequest) => {
        await gate;
        return toolCalls(request.model, [
          { id: "cx1", name: "write_file", input: { path: "never.txt", content: "x" } },
        ]);
      });
    const { client, ready } = await openSession(token);
    const from = client.count();
    client.send({ type: "user_message", content: "cancel me" });
    await waitFor("the model call", async () => (spy.mock.calls.length > 0 ? true : undefined));

    // When the client cancels and the model then answers
    client.send({ type: "cancel" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();

    // Then the turn ends cancelled, the tool call answered without running, and it is recorded
    const end = await client.next("assistant_message_end", { from });
    expect(end.stop_reason).toBe("cancelled");
    expect(spy).toHaveBeenCalledTimes(1);
    const entries = await getRecord(token, ready.agent_id);
    expect(entries.some((e) => e.tx.tx_type === "tool_proposal")).toBe(false);
    expect(entries.at(-1)?.proposals.trace).toMatchObject({ turn: { stop_reason: "cancelled" } });
    client.close();
  });

  it("records the session's settings and seeds its conversation from session_init", async () => {
    const requests = recordModelRequests();
    const { client, ready } = await openSession(token, undefined, {
      system_prompt: "You are terse.",
      model: "claude-test-model",
      max_tokens: 1234,
      conversation_messages: [
        { role: "user", content: "earlier question" },
        { role: "assistant", content: "earlier answer" },
      ],
    });
    client.send({ type: "user_message", content: "now" });
    await client.next("assistant_message_end");
    const request = requests.at(-1)!;
    expect(request.system).toBe("You are terse.");
    expect(request.model).toBe("claude-test-model");
    expect(request.max_tokens).toBe(1234);
    expect(request.messages.map((m) => m.content[0]?.type === "text" && m.content[0].text)).toEqual(
      ["earlier question", "earlier answer", "now"],
    );
    const [start] = await getRecord(token, ready.agent_id);
    expect(JSON.parse(payloadText(start!))).toMatchObject({
      session_id: ready.session_id,
      system_prompt: "You are terse.",
      model: "claude-test-model",
      workspace: ".",
    });
    client.close();
  });

  it("asks for approval over the socket and runs the call once a client approves it", async () => {
    scriptModel(({ opening, step, request }) => {
      if (opening !== "needs approval") return undefined;
      return step === 0
        ? toolCalls(request.model, [
            { id: "ap1", name: "run_command", input: { command: "echo yes > ok.txt" } },
          ])
        : finalText(request.model, "approved and done");
    });
    const agentId = await createAgent(token, { policy: "strict" });
    const { client } = await openSession(token, agentId);
    client.send({ type: "user_message", content: "needs approval" });
    const ask = await client.next("approval_request");
    expect(ask).toMatchObject({
      tool_use_id: "ap1",
      tool: "run_command",
      args: { command: "echo yes > ok.txt" },
    });
    client.send({ type: "approval_response", tool_use_id: "ap1", approved: true });
    const result = await client.next("tool_result");
    expect(result).toMatchObject({ tool_use_id: "ap1", name: "run_command", is_error: false });
    const end = await client.next("assistant_message_end");
    expect(end.stop_reason).toBe("end_turn");
    // The resumed turn replays its recorded part silently: no event is sent twice
    const count = (type: string) => client.frames.filter((f) => f.type === type).length;
    expect(count("assistant_message_start")).toBe(1);
    expect(count("tool_use_start")).toBe(1);
    expect(count("tool_result")).toBe(1);
    const types = (await getRecord(token, agentId)).map((e) => e.tx.tx_type);
    expect(types).toContain("action_result");
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
    client.close();
  });
});
