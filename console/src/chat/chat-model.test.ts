import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../../src/protocol/stream.js";
import {
  addPendingUser,
  answerApproval,
  applyFrame,
  type ChatState,
  emptyChat,
  fillUserText,
  rollbackUncommitted,
} from "./chat-model.js";

const HASH = "ab".repeat(32);
const record = (seq: number, tx_type: string): ServerFrame =>
  ({ type: "record", seq, tx_type, hash: HASH }) as ServerFrame;
const fold = (frames: ServerFrame[], from: ChatState = emptyChat) =>
  frames.reduce(applyFrame, from);
const end: ServerFrame = {
  type: "assistant_message_end",
  message_id: "m1",
  stop_reason: "end_turn",
  usage: {
    input_tokens: 3,
    output_tokens: 4,
    cumulative_input_tokens: 3,
    cumulative_output_tokens: 4,
    context_utilization: 0,
    model: "m",
    provider: "p",
  },
  files_changed: { created: [], modified: [], deleted: [] },
};

describe("the chat model", () => {
  it("folds a turn's frames into a user message and an answer of text and tool cards", () => {
    const chat = fold([
      record(2, "user_prompt"),
      { type: "assistant_message_start", message_id: "m1" },
      { type: "text_delta", text: "Hel" },
      { type: "text_delta", text: "lo" },
      { type: "tool_use_start", id: "t1", name: "read_file" },
      record(3, "reasoning"),
      {
        type: "tool_result",
        tool_use_id: "t1",
        name: "read_file",
        result: "data",
        is_error: false,
      },
      end,
    ]);
    expect(chat.open).toBeUndefined();
    expect(chat.items).toMatchObject([
      { kind: "user", seq: 2 },
      {
        kind: "assistant",
        blocks: [
          { kind: "text", text: "Hello" },
          { kind: "tool", id: "t1", name: "read_file", result: "data", isError: false },
        ],
        end: { stop_reason: "end_turn" },
      },
    ]);
  });

  it("gives a message sent from this page the seq of its entry instead of showing it twice", () => {
    let chat = addPendingUser(emptyChat, "hi");
    chat = fold([record(5, "user_prompt")], chat);
    expect(chat.items).toEqual([{ kind: "user", key: "pending-0", text: "hi", seq: 5 }]);
    expect(fillUserText(chat, 5, "other")).toBe(chat);
  });

  it("fills in another client's prompt from its record entry", () => {
    const chat = fillUserText(fold([record(2, "user_prompt")]), 2, "from elsewhere");
    expect(chat.items).toEqual([{ kind: "user", key: "user-2", seq: 2, text: "from elsewhere" }]);
  });

  it("puts an approval request on its tool card and keeps the person's answer", () => {
    let chat = fold([
      { type: "assistant_message_start", message_id: "m1" },
      { type: "tool_use_start", id: "t1", name: "run_command" },
      {
        type: "approval_request",
        tool_use_id: "t1",
        tool: "run_command",
        args: { command: "ls" },
        reason: "asks",
      },
    ]);
    chat = answerApproval(chat, "t1", true);
    expect(chat.items[0]).toMatchObject({
      blocks: [
        { kind: "tool", args: { command: "ls" }, approval: { reason: "asks", answer: true } },
      ],
    });
  });

  it("drops what was streamed but not committed when the socket drops, so the resume does not repeat it", () => {
    const before = fold([
      { type: "assistant_message_start", message_id: "m1" },
      { type: "text_delta", text: "committed" },
      record(3, "reasoning"),
      { type: "text_delta", text: " streaming" },
      { type: "tool_use_start", id: "t2", name: "ls" },
    ]);
    const after = fold(
      [
        { type: "text_delta", text: " streaming" },
        { type: "tool_use_start", id: "t2", name: "ls" },
      ],
      rollbackUncommitted(before),
    );
    expect(after.items[0]).toMatchObject({
      blocks: [
        { kind: "text", text: "committed streaming" },
        { kind: "tool", id: "t2" },
      ],
    });
  });

  it("ignores a replayed start of a message it already shows", () => {
    const chat = fold([
      { type: "assistant_message_start", message_id: "m1" },
      end,
      { type: "assistant_message_start", message_id: "m1" },
    ]);
    expect(chat.items).toHaveLength(1);
  });
});
