import type { ServerFrame } from "../../../src/protocol/stream.js";

/** A tool call as the chat shows it: a card with its arguments, result and approval. */
export interface ToolBlock {
  kind: "tool";
  id: string;
  name: string;
  args?: unknown;
  result?: string;
  isError?: boolean;
  /** Set while (or after) the turn waits on a person for this call. */
  approval?: { reason: string; answer?: boolean };
}

/** One piece of an assistant message, in the order the model produced it. */
export type Block = { kind: "text"; text: string } | { kind: "thinking"; text: string } | ToolBlock;

/** How a finished turn ended (`assistant_message_end`). */
export type TurnEnd = Extract<ServerFrame, { type: "assistant_message_end" }>;

/** One row of the conversation. */
export type ChatItem =
  | { kind: "user"; key: string; seq?: number; text?: string }
  | {
      kind: "assistant";
      key: string;
      blocks: Block[];
      end?: TurnEnd;
      /** How much of `blocks` the record holds: what a resume will not send again. */
      committed: { blocks: number; lastLength: number };
    }
  | { kind: "error"; key: string; code: string; message: string };

/** The conversation the chat tab shows, folded from `/stream` frames. */
export interface ChatState {
  items: ChatItem[];
  /** Index in `items` of the assistant message of the open turn, if a turn is open. */
  open?: number;
}

/** An empty conversation. */
export const emptyChat: ChatState = { items: [] };

/**
 * Folds one server frame into the conversation. Pure: the same frames give the same state.
 *
 * @example
 * let chat = emptyChat;
 * for (const frame of frames) chat = applyFrame(chat, frame);
 */
export function applyFrame(state: ChatState, frame: ServerFrame): ChatState {
  switch (frame.type) {
    case "record":
      return onRecord(state, frame.seq, frame.tx_type);
    case "assistant_message_start": {
      if (state.items.some((i) => i.kind === "assistant" && i.key === frame.message_id)) {
        return state;
      }
      const item: ChatItem = {
        kind: "assistant",
        key: frame.message_id,
        blocks: [],
        committed: { blocks: 0, lastLength: 0 },
      };
      return { items: [...state.items, item], open: state.items.length };
    }
    case "text_delta":
      return appendText(state, "text", frame.text);
    case "thinking_delta":
      return appendText(state, "thinking", frame.thinking);
    case "tool_use_start":
      return withOpen(state, (blocks) =>
        blocks.some((b) => b.kind === "tool" && b.id === frame.id)
          ? blocks
          : [...blocks, { kind: "tool", id: frame.id, name: frame.name }],
      );
    case "approval_request":
      return withOpen(state, (blocks) => {
        const approval = { reason: frame.reason };
        const found = blocks.some((b) => b.kind === "tool" && b.id === frame.tool_use_id);
        if (!found) {
          return [
            ...blocks,
            { kind: "tool", id: frame.tool_use_id, name: frame.tool, args: frame.args, approval },
          ];
        }
        return blocks.map((b) =>
          b.kind === "tool" && b.id === frame.tool_use_id
            ? { ...b, args: frame.args, approval }
            : b,
        );
      });
    case "tool_result":
      return withOpen(state, (blocks) =>
        blocks.map((b) =>
          b.kind === "tool" && b.id === frame.tool_use_id
            ? { ...b, result: frame.result, isError: frame.is_error }
            : b,
        ),
      );
    case "assistant_message_end": {
      const next = withOpen(state, (blocks) => blocks, frame);
      return { items: next.items };
    }
    case "error":
      return {
        ...state,
        items: [
          ...state.items,
          {
            kind: "error",
            key: `error-${state.items.length}`,
            code: frame.code,
            message: frame.message,
          },
        ],
      };
    case "session_ready":
      return state;
  }
}

/** Shows a message the person sent before its `user_prompt` entry is committed. */
export function addPendingUser(state: ChatState, text: string): ChatState {
  return {
    ...state,
    items: [...state.items, { kind: "user", key: `pending-${state.items.length}`, text }],
  };
}

/** Fills in a user message's text read from its record entry. */
export function fillUserText(state: ChatState, seq: number, text: string): ChatState {
  let changed = false;
  const items = state.items.map((item) => {
    if (item.kind !== "user" || item.seq !== seq || item.text !== undefined) return item;
    changed = true;
    return { ...item, text };
  });
  return changed ? { ...state, items } : state;
}

/** Records the person's answer on a parked call's card (the turn then continues). */
export function answerApproval(state: ChatState, toolUseId: string, approved: boolean): ChatState {
  const items = state.items.map((item) =>
    item.kind !== "assistant"
      ? item
      : {
          ...item,
          blocks: item.blocks.map((b) =>
            b.kind === "tool" && b.id === toolUseId && b.approval
              ? { ...b, approval: { ...b.approval, answer: approved } }
              : b,
          ),
        },
  );
  return { ...state, items };
}

/**
 * Drops what the open turn streamed that the record does not hold yet: after a reconnect,
 * `resume` sends it again from the record, so keeping it would show it twice.
 */
export function rollbackUncommitted(state: ChatState): ChatState {
  return withOpen(state, (blocks, committed) => {
    const kept = blocks.slice(0, committed.blocks);
    const last = blocks[committed.blocks];
    if (last && last.kind !== "tool" && committed.lastLength > 0) {
      kept.push({ ...last, text: last.text.slice(0, committed.lastLength) });
    }
    return kept;
  });
}

function onRecord(state: ChatState, seq: number, txType: string): ChatState {
  if (txType === "user_prompt") {
    const pending = state.items.findIndex((i) => i.kind === "user" && i.seq === undefined);
    if (pending >= 0) {
      const items = state.items.slice();
      items[pending] = { ...(items[pending] as ChatItem & { kind: "user" }), seq };
      return { ...state, items };
    }
    if (state.items.some((i) => i.kind === "user" && i.seq === seq)) return state;
    return { ...state, items: [...state.items, { kind: "user", key: `user-${seq}`, seq }] };
  }
  // Any commit inside an open turn means the record now holds everything streamed so far.
  return withOpen(state, (blocks) => blocks, undefined, true);
}

function appendText(state: ChatState, kind: "text" | "thinking", text: string): ChatState {
  return withOpen(state, (blocks) => {
    const last = blocks[blocks.length - 1];
    if (last && last.kind === kind) {
      return [...blocks.slice(0, -1), { kind, text: last.text + text }];
    }
    return [...blocks, { kind, text }];
  });
}

/** Changes the open turn's blocks (nothing when no turn is open). */
function withOpen(
  state: ChatState,
  change: (blocks: Block[], committed: { blocks: number; lastLength: number }) => Block[],
  end?: TurnEnd,
  commit = false,
): ChatState {
  if (state.open === undefined) return state;
  const item = state.items[state.open];
  if (!item || item.kind !== "assistant") return state;
  const blocks = change(item.blocks, item.committed);
  const last = blocks[blocks.length - 1];
  const committed = commit
    ? {
        blocks: last && last.kind !== "tool" ? blocks.length - 1 : blocks.length,
        lastLength: last && last.kind !== "tool" ? last.text.length : 0,
      }
    : item.committed;
  const items = state.items.slice();
  items[state.open] = { ...item, blocks, committed, ...(end ? { end } : {}) };
  return { ...state, items };
}
