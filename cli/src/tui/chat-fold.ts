import type { ServerFrame } from "../../../src/protocol/stream.js";
import type {
  AssistantBlock,
  ChatEvent,
  ChatItem,
  ChatState,
  ConnectionView,
  ToolCard,
  UsageView,
} from "./chat-state.js";
import { diffOfToolCall } from "./tool-diff.js";

/**
 * How the chat state follows the server: the fold of each `/stream` frame, of a connection
 * change (the rollback a resume needs) and of a backfilled answer, and the small item
 * helpers the reducer shares. Pure, as {@link chatReducer} is.
 */

/** The state after one server frame. */
export function foldFrame(state: ChatState, frame: ServerFrame): ChatState {
  switch (frame.type) {
    case "session_ready":
      return { ...state, agentId: frame.agent_id, sessionId: frame.session_id };
    case "assistant_message_start": {
      const open = openMessage(state);
      if (open && (open.messageId === undefined || open.messageId === frame.message_id)) {
        const next = replaceItem(state, { ...open, messageId: frame.message_id });
        return { ...next, turn: { ...state.turn, running: true } };
      }
      const id = state.nextId;
      const next = push(state, {
        kind: "assistant",
        id,
        messageId: frame.message_id,
        blocks: [],
        done: false,
      });
      return {
        ...next,
        turn: { ...state.turn, running: true },
        checkpoint: { itemId: id, blocks: [] },
      };
    }
    case "text_delta":
      return appendText(state, "text", frame.text);
    case "thinking_delta":
      return appendText(state, "thinking", frame.thinking);
    case "tool_use_start": {
      const withCard = withTool(state, frame.id, frame.name, (card) => card);
      return updateOpen(withCard, (blocks) =>
        blocks.some((b) => b.kind === "tool" && b.toolUseId === frame.id)
          ? blocks
          : [...blocks, { kind: "tool", toolUseId: frame.id }],
      );
    }
    case "tool_result": {
      const next = withTool(state, frame.tool_use_id, frame.name, (card) => ({
        ...card,
        state: frame.is_error ? (card.state === "denied" ? "denied" : "error") : "ok",
        result: frame.result,
      }));
      return {
        ...next,
        approvals: next.approvals.filter((a) => a.toolUseId !== frame.tool_use_id),
      };
    }
    case "approval_request": {
      const card = state.tools[frame.tool_use_id];
      if (card && card.state !== "running" && card.state !== "awaiting_approval") return state;
      if (state.approvals.some((a) => a.toolUseId === frame.tool_use_id)) return state;
      const next = withTool(state, frame.tool_use_id, frame.tool, (c) => ({
        ...withArgs(c, frame.args),
        state: "awaiting_approval",
      }));
      const ask = {
        toolUseId: frame.tool_use_id,
        tool: frame.tool,
        args: frame.args,
        reason: frame.reason,
      };
      return { ...next, approvals: [...next.approvals, ask] };
    }
    case "assistant_message_end": {
      const u = frame.usage;
      const usage: UsageView = {
        inputTokens: u.cumulative_input_tokens,
        outputTokens: u.cumulative_output_tokens,
        contextUtilization: u.context_utilization,
        model: u.model || state.usage?.model || state.model || "",
      };
      const open = openMessage(state);
      const items = open
        ? replaceItem(state, { ...open, done: true, stopReason: frame.stop_reason }).items
        : state.items;
      const { checkpoint: _, ...rest } = state;
      return { ...rest, items, usage, turn: { running: false, cancelling: false } };
    }
    case "error": {
      const next = push(state, {
        kind: "notice",
        id: state.nextId,
        text: `${frame.code}: ${frame.message}`,
        tone: "error",
      });
      // A refused message (no answer started for it) leaves no turn of ours running; an
      // error inside an answer is followed by the answer's end, which stops it.
      const answering = openMessage(state) !== undefined;
      const refused = frame.code === "turn_in_progress" || (state.turn.running && !answering);
      if (refused && state.unrecordedPrompts > 0)
        next.unrecordedPrompts = state.unrecordedPrompts - 1;
      const stillRunning = frame.code === "turn_in_progress" || (answering && frame.recoverable);
      return stillRunning || !state.turn.running
        ? next
        : { ...next, turn: { running: false, cancelling: false } };
    }
    case "record": {
      if (state.records.indexOf(frame.seq) >= 0) return state;
      const records = state.records.insert({
        seq: frame.seq,
        txType: frame.tx_type,
        shortHash: frame.hash.slice(0, 12),
      });
      const open = openMessage(state);
      const checkpoint = open ? { itemId: open.id, blocks: open.blocks } : undefined;
      const { checkpoint: _, ...rest } = state;
      const next: ChatState = { ...rest, records, ...(checkpoint ? { checkpoint } : {}) };
      if (frame.tx_type === "user_prompt") {
        // Ours, or another client's (whose text the shell reads from the entry).
        if (state.unrecordedPrompts > 0) next.unrecordedPrompts = state.unrecordedPrompts - 1;
        else next.foreignPrompts = [...state.foreignPrompts, frame.seq];
        if (next.unrecordedPrompts === 0) delete next.sentBeforeDrop;
      }
      const b = state.backfill;
      if (b && b.seq === undefined && frame.tx_type === "reasoning") {
        const item = state.items.find((i) => i.id === b.itemId);
        const split = item?.kind === "assistant" ? item.blocks.length : 0;
        return { ...next, backfill: { ...b, seq: frame.seq, split } };
      }
      return next;
    }
  }
}

/** The state after a connection change: a drop rolls the open message back to its last `record` frame. */
export function foldConnection(state: ChatState, connection: ConnectionView): ChatState {
  const dropped = state.connection.status === "open" && connection.status !== "open";
  const next: ChatState = { ...state, connection };
  if (!dropped) return next;
  if (state.unrecordedPrompts > 0) next.sentBeforeDrop = true;
  // What streamed after the last committed entry is replayed on resume: roll it back.
  const open = openMessage(state);
  if (!open) return next;
  const blocks = state.checkpoint?.itemId === open.id ? state.checkpoint.blocks : [];
  return { ...replaceItem(next, { ...open, blocks }), backfill: { itemId: open.id, base: blocks } };
}

/** The open message with a model answer read from its entry in place of what streamed in part. */
export function applyBackfill(
  state: ChatState,
  event: Extract<ChatEvent, { type: "backfill" }>,
): ChatState {
  const b = state.backfill;
  if (!b || b.seq !== event.seq || b.split === undefined) return state;
  const item = state.items.find((i) => i.id === b.itemId);
  const { backfill: _, ...rest } = state;
  if (item?.kind !== "assistant") return rest;
  let next: ChatState = rest;
  for (const tool of event.tools) next = withTool(next, tool.id, tool.name, (card) => card);
  const blocks = [...b.base, ...event.blocks, ...item.blocks.slice(b.split)];
  return replaceItem(next, { ...item, blocks });
}

type AssistantItem = Extract<ChatItem, { kind: "assistant" }>;

/** The assistant message still streaming, if any. */
export function openMessage(state: ChatState): AssistantItem | undefined {
  for (let i = state.items.length - 1; i >= 0; i--) {
    const item = state.items[i];
    if (item?.kind === "assistant") return item.done ? undefined : item;
    if (item?.kind === "user") return undefined;
  }
  return undefined;
}

/** `state` with `item` at the end of the transcript. */
export function push(state: ChatState, item: ChatItem): ChatState {
  return { ...state, items: [...state.items, item], nextId: state.nextId + 1 };
}

/** `state` with the item of the same id replaced. */
export function replaceItem(state: ChatState, item: ChatItem): ChatState {
  return { ...state, items: state.items.map((i) => (i.id === item.id ? item : i)) };
}

/** Applies `change` to the open message's blocks, opening a message when none is open. */
function updateOpen(
  state: ChatState,
  change: (blocks: AssistantBlock[]) => AssistantBlock[],
): ChatState {
  const open = openMessage(state);
  if (open) return replaceItem(state, { ...open, blocks: change(open.blocks) });
  const next = push(state, {
    kind: "assistant",
    id: state.nextId,
    blocks: change([]),
    done: false,
  });
  return { ...next, turn: { ...state.turn, running: true } };
}

function appendText(state: ChatState, kind: "text" | "thinking", text: string): ChatState {
  return updateOpen(state, (blocks) => {
    const last = blocks[blocks.length - 1];
    if (last?.kind === kind) return [...blocks.slice(0, -1), { kind, text: last.text + text }];
    return [...blocks, { kind, text }];
  });
}

/** `state` with the card `id` changed (created running when new). */
export function withTool(
  state: ChatState,
  id: string,
  name: string,
  change: (card: ToolCard) => ToolCard,
): ChatState {
  const card = state.tools[id] ?? { id, name, state: "running" };
  return { ...state, tools: { ...state.tools, [id]: change(card) } };
}

/** A card with its arguments, and the diff they stand for. */
export function withArgs(card: ToolCard, args: unknown): ToolCard {
  const diff = diffOfToolCall(card.name, args);
  return { ...card, args, ...(diff ? { diff } : {}) };
}
