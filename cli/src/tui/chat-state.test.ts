import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../../src/protocol/stream.js";
import {
  type ChatEvent,
  type ChatState,
  chatReducer,
  currentApproval,
  initialChatState,
} from "./chat-state.js";

const HASH = "ab".repeat(32);
const frame = (f: ServerFrame): ChatEvent => ({ type: "frame", frame: f });
const record = (seq: number, tx_type: "user_prompt" | "reasoning" | "tool_proposal") =>
  frame({ type: "record", seq, tx_type, hash: HASH });
const fold = (events: ChatEvent[], from: ChatState = initialChatState()) =>
  events.reduce(chatReducer, from);

const USAGE = {
  input_tokens: 10,
  output_tokens: 5,
  cumulative_input_tokens: 120,
  cumulative_output_tokens: 45,
  context_utilization: 0.25,
  model: "claude-test",
  provider: "anthropic",
};
const end = (stop: "end_turn" | "cancelled" = "end_turn") =>
  frame({
    type: "assistant_message_end",
    message_id: "m1",
    stop_reason: stop,
    usage: USAGE,
    files_changed: { created: [], modified: [], deleted: [] },
  });

function assistantText(state: ChatState): string {
  return state.items
    .flatMap((i) => (i.kind === "assistant" ? i.blocks : []))
    .map((b) => (b.kind === "text" ? b.text : ""))
    .join("|");
}

describe("chatReducer", () => {
  it("streams text deltas into one assistant message after the person's message", () => {
    const state = fold([
      { type: "user_sent", text: "hi" },
      record(2, "user_prompt"),
      frame({ type: "assistant_message_start", message_id: "m1" }),
      frame({ type: "text_delta", text: "Hel" }),
      frame({ type: "text_delta", text: "lo" }),
    ]);
    expect(state.items.map((i) => i.kind)).toEqual(["user", "assistant"]);
    expect(assistantText(state)).toBe("Hello");
    expect(state.turn.running).toBe(true);
  });

  it("keeps thinking apart from text and hides it until toggled", () => {
    const state = fold([
      frame({ type: "assistant_message_start", message_id: "m1" }),
      frame({ type: "thinking_delta", thinking: "let me see" }),
      frame({ type: "text_delta", text: "Answer" }),
    ]);
    const blocks = state.items[0]?.kind === "assistant" ? state.items[0].blocks : [];
    expect(blocks).toEqual([
      { kind: "thinking", text: "let me see" },
      { kind: "text", text: "Answer" },
    ]);
    expect(state.showThinking).toBe(false);
    expect(chatReducer(state, { type: "toggle_thinking" }).showThinking).toBe(true);
  });

  it("moves a tool card from running to ok, and shows an edit's diff from its arguments", () => {
    const state = fold([
      frame({ type: "assistant_message_start", message_id: "m1" }),
      frame({ type: "tool_use_start", id: "t1", name: "edit_file" }),
      {
        type: "tool_args",
        toolUseId: "t1",
        tool: "edit_file",
        args: { path: "a.ts", old_text: "x = 1\n", new_text: "x = 2\n" },
      },
    ]);
    expect(state.tools.t1?.state).toBe("running");
    const done = chatReducer(
      state,
      frame({
        type: "tool_result",
        tool_use_id: "t1",
        name: "edit_file",
        result: "edited a.ts",
        is_error: false,
      }),
    );
    expect(done.tools.t1).toMatchObject({ state: "ok", result: "edited a.ts" });
    expect(done.tools.t1?.diff?.lines).toEqual([
      { kind: "remove", text: "x = 1" },
      { kind: "add", text: "x = 2" },
    ]);
  });

  it("marks a failed tool call as error", () => {
    const state = fold([
      frame({ type: "tool_use_start", id: "t1", name: "run_command" }),
      frame({
        type: "tool_result",
        tool_use_id: "t1",
        name: "run_command",
        result: "boom",
        is_error: true,
      }),
    ]);
    expect(state.tools.t1?.state).toBe("error");
  });

  it("queues an approval request, and answering it lets the card run or denies it", () => {
    const asked = fold([
      frame({ type: "tool_use_start", id: "t1", name: "write_file" }),
      frame({
        type: "approval_request",
        tool_use_id: "t1",
        tool: "write_file",
        args: { path: "n.txt", content: "one\ntwo\n" },
        reason: "strict policy",
      }),
    ]);
    expect(currentApproval(asked)).toMatchObject({ toolUseId: "t1", tool: "write_file" });
    expect(asked.tools.t1?.state).toBe("awaiting_approval");
    expect(asked.tools.t1?.diff?.lines).toEqual([
      { kind: "add", text: "one" },
      { kind: "add", text: "two" },
    ]);
    const yes = chatReducer(asked, { type: "approval_answered", toolUseId: "t1", approved: true });
    expect(currentApproval(yes)).toBeUndefined();
    expect(yes.tools.t1?.state).toBe("running");
    const no = chatReducer(asked, { type: "approval_answered", toolUseId: "t1", approved: false });
    expect(no.tools.t1?.state).toBe("denied");
  });

  it("remembers a tool allowed for the session with `a`", () => {
    const state = fold([
      frame({
        type: "approval_request",
        tool_use_id: "t1",
        tool: "run_command",
        args: {},
        reason: "",
      }),
      { type: "approval_answered", toolUseId: "t1", approved: true, always: true },
    ]);
    expect(state.allowedTools).toEqual(["run_command"]);
  });

  it("ends the turn with usage: cumulative tokens, context utilisation and model", () => {
    const state = fold([
      { type: "user_sent", text: "hi" },
      frame({ type: "assistant_message_start", message_id: "m1" }),
      end(),
    ]);
    expect(state.usage).toEqual({
      inputTokens: 120,
      outputTokens: 45,
      contextUtilization: 0.25,
      model: "claude-test",
    });
    expect(state.turn.running).toBe(false);
    expect(state.items[1]).toMatchObject({ done: true, stopReason: "end_turn" });
  });

  it("lists record rows once each, even when a resume replays them", () => {
    const state = fold([record(1, "user_prompt"), record(2, "reasoning"), record(2, "reasoning")]);
    expect(state.records.length).toBe(2);
    expect(state.records.at(1)).toEqual({
      seq: 2,
      txType: "reasoning",
      shortHash: HASH.slice(0, 12),
    });
  });

  it("keeps record rows in seq order when replayed ones arrive after a newer live one", () => {
    const state = fold([
      record(1, "user_prompt"),
      record(4, "reasoning"),
      record(2, "reasoning"),
      record(3, "reasoning"),
    ]);
    expect(state.records.slice(0, 10).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it("rolls back text streamed after the last record frame when the socket drops, so the replay shows it once", () => {
    const before = fold([
      { type: "connection", connection: { status: "open" } },
      { type: "user_sent", text: "hi" },
      record(2, "user_prompt"),
      frame({ type: "assistant_message_start", message_id: "m1" }),
      frame({ type: "text_delta", text: "First call. " }),
      record(3, "reasoning"),
      frame({ type: "text_delta", text: "Second ca" }),
    ]);
    const dropped = chatReducer(before, {
      type: "connection",
      connection: { status: "reconnecting", attempt: 1 },
    });
    expect(assistantText(dropped)).toBe("First call. ");
    const resumed = fold(
      [
        { type: "connection", connection: { status: "open", resumedAfter: 3 } },
        frame({ type: "text_delta", text: "Second call." }),
        record(4, "reasoning"),
        end(),
      ],
      dropped,
    );
    expect(assistantText(resumed)).toBe("First call. Second call.");
    expect(resumed.connection.resumedAfter).toBe(3);
  });

  it("puts a model answer that streamed across a reconnect in place whole, from its entry", () => {
    const dropped = fold([
      { type: "connection", connection: { status: "open" } },
      { type: "user_sent", text: "hi" },
      record(2, "user_prompt"),
      frame({ type: "assistant_message_start", message_id: "m1" }),
      frame({ type: "text_delta", text: "First call. " }),
      record(3, "reasoning"),
      frame({ type: "text_delta", text: "Second" }),
      { type: "connection", connection: { status: "reconnecting", attempt: 1 } },
      { type: "connection", connection: { status: "open", resumedAfter: 3 } },
      // Only the tail of the answer arrives live on the new session.
      frame({ type: "text_delta", text: " call, the end." }),
      record(4, "reasoning"),
    ]);
    expect(dropped.backfill).toMatchObject({ seq: 4 });
    const whole = chatReducer(dropped, {
      type: "backfill",
      seq: 4,
      blocks: [{ kind: "text", text: "Second call, the middle, the end." }],
      tools: [],
    });
    expect(assistantText(whole)).toBe("First call. |Second call, the middle, the end.");
    expect(whole.backfill).toBeUndefined();
  });

  it("opens a message for deltas that arrive without a start (a resume in the middle of a turn)", () => {
    const state = fold([frame({ type: "text_delta", text: "late" })]);
    expect(assistantText(state)).toBe("late");
  });

  it("shows error frames as notices and ends the turn on an unrecoverable one", () => {
    const state = fold([
      { type: "user_sent", text: "hi" },
      frame({ type: "error", code: "llm_error", message: "down", recoverable: false }),
    ]);
    expect(state.items[1]).toMatchObject({
      kind: "notice",
      tone: "error",
      text: "llm_error: down",
    });
    expect(state.turn.running).toBe(false);
  });

  it("stops showing a turn as running when the message is refused before any answer started", () => {
    const state = fold([
      { type: "user_sent", text: "hi" },
      frame({ type: "error", code: "not_initialized", message: "no session", recoverable: true }),
    ]);
    expect(state.turn.running).toBe(false);
    const busy = fold([
      { type: "user_sent", text: "hi" },
      frame({ type: "error", code: "turn_in_progress", message: "busy", recoverable: true }),
    ]);
    expect(busy.turn.running).toBe(true);
  });

  it("asks for the text of a prompt another client sent, and shows it before its answer", () => {
    const state = fold([
      { type: "user_sent", text: "mine" },
      record(2, "user_prompt"),
      record(5, "user_prompt"),
      frame({ type: "assistant_message_start", message_id: "m5" }),
    ]);
    expect(state.foreignPrompts).toEqual([5]);
    const shown = chatReducer(state, {
      type: "prompt_loaded",
      seq: 5,
      messageId: "m5",
      text: "theirs",
    });
    expect(shown.items.map((i) => (i.kind === "user" ? i.text : i.kind))).toEqual([
      "mine",
      "theirs",
      "assistant",
    ]);
    expect(shown.foreignPrompts).toEqual([]);
  });

  it("lets Ctrl-C release a turn whose message was lost with the connection, and only then", () => {
    const open = { type: "connection" as const, connection: { status: "open" as const } };
    const down = { type: "connection" as const, connection: { status: "reconnecting" as const } };
    // Sent, then the connection dropped before its user_prompt was recorded
    const lost = fold([open, { type: "user_sent", text: "go" }, down, open]);
    expect(lost.turn.running).toBe(true);
    const released = chatReducer(lost, { type: "cancel_requested" });
    expect(released.turn).toEqual({ running: false, cancelling: false });
    expect(released.items.at(-1)).toMatchObject({ kind: "notice", tone: "error" });
    // Recorded before the drop: a cancel is a cancel, and the turn waits for its end
    const recorded = fold([
      open,
      { type: "user_sent", text: "go" },
      record(1, "user_prompt"),
      down,
      open,
    ]);
    expect(chatReducer(recorded, { type: "cancel_requested" }).turn).toEqual({
      running: true,
      cancelling: true,
    });
  });

  it("marks a cancel as requested only while a turn runs", () => {
    expect(fold([{ type: "cancel_requested" }]).turn.cancelling).toBe(false);
    const state = fold([{ type: "user_sent", text: "go" }, { type: "cancel_requested" }]);
    expect(state.turn.cancelling).toBe(true);
    expect(chatReducer(state, end("cancelled")).turn).toEqual({
      running: false,
      cancelling: false,
    });
  });

  it("toggles panels and clears the transcript but keeps the open message", () => {
    let state = fold([
      { type: "notice", text: "old" },
      frame({ type: "assistant_message_start", message_id: "m1" }),
    ]);
    state = chatReducer(state, { type: "toggle_panel", panel: "record" });
    expect(state.panels.record).toBe(true);
    state = chatReducer(state, { type: "clear" });
    expect(state.items.map((i) => i.kind)).toEqual(["assistant"]);
  });
});
