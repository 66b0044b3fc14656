import type { ServerFrame } from "../../../src/protocol/stream.js";
import {
  applyBackfill,
  foldConnection,
  foldFrame,
  openMessage,
  push,
  withArgs,
  withTool,
} from "./chat-fold.js";
import { RecordLog as Log, type RecordLog } from "./record-log.js";
import type { FileDiff } from "./tool-diff.js";

/**
 * The full-screen chat's view model: a pure fold of `/stream` frames and local events
 * (`chatReducer(state, event)`), so every screen the TUI can show is reachable in a unit test.
 * Nothing here reads the clock or does I/O.
 */

/** The socket as the status bar shows it. */
export interface ConnectionView {
  status: "connecting" | "open" | "reconnecting" | "closed";
  /** Set once a reconnect resumed: the last seq seen before the drop. */
  resumedAfter?: number;
  /** Reconnect attempts so far, or why it closed. */
  attempt?: number;
  detail?: string;
}

export type ToolState = "running" | "awaiting_approval" | "ok" | "error" | "denied";

/** A tool call as a card: keyed by its `tool_use` id. */
export interface ToolCard {
  id: string;
  name: string;
  state: ToolState;
  args?: unknown;
  result?: string;
  diff?: FileDiff;
}

/** A part of an assistant message, in the order it streamed. */
export type AssistantBlock =
  | { kind: "text"; text: string }
  | { kind: "thinking"; text: string }
  | { kind: "tool"; toolUseId: string };

export type NoticeTone = "info" | "ok" | "error";

/** One entry of the transcript. */
export type ChatItem =
  | { kind: "user"; id: number; text: string }
  | {
      kind: "assistant";
      id: number;
      messageId?: string;
      blocks: AssistantBlock[];
      done: boolean;
      stopReason?: string;
    }
  | { kind: "notice"; id: number; text: string; tone: NoticeTone };

/** An `approval_request` not answered yet. */
export interface PendingApproval {
  toolUseId: string;
  tool: string;
  args: unknown;
  reason: string;
}

/** Tokens and context of the latest finished turn. */
export interface UsageView {
  inputTokens: number;
  outputTokens: number;
  contextUtilization: number;
  model: string;
}

/** One agent of the swarm panel. */
export interface AgentView {
  agentId: string;
  name?: string;
  headSeq: number;
  status: string;
}

export interface ChatState {
  agentId?: string;
  sessionId?: string;
  /** The model asked for, until a turn reports the one used. */
  model?: string;
  items: ChatItem[];
  tools: Record<string, ToolCard>;
  approvals: PendingApproval[];
  /** Tools the person allowed for this session (`a`): their requests are answered yes. */
  allowedTools: string[];
  usage?: UsageView;
  connection: ConnectionView;
  records: RecordLog;
  turn: { running: boolean; cancelling: boolean };
  showThinking: boolean;
  panels: { record: boolean; swarm: boolean };
  agents: AgentView[];
  /** The open message's blocks at the last `record` frame: what a resume replays after. */
  checkpoint?: { itemId: number; blocks: AssistantBlock[] };
  /**
   * After a drop inside a turn: the message's blocks kept by the rollback, and (once the
   * first `reasoning` entry after the reconnect commits) its seq and where its blocks end. A
   * model answer that was streaming across the reconnect arrives only in part, live; the
   * shell reads that entry and {@link ChatEvent} `backfill` puts the whole answer in place.
   */
  backfill?: { itemId: number; base: AssistantBlock[]; seq?: number; split?: number };
  /** Messages this client sent whose `user_prompt` entry has not been seen yet. */
  unrecordedPrompts: number;
  /**
   * True when the connection dropped while such a message was unrecorded: the server may never
   * have got it, so Ctrl-C releases the turn the chat is waiting on (see `cancel_requested`).
   */
  sentBeforeDrop?: boolean;
  /** Seqs of `user_prompt` entries another client sent: the shell reads their text. */
  foreignPrompts: number[];
  /** The prompt of a masked question the input line asks (`/login URL`'s token). */
  secretPrompt?: string;
  nextId: number;
}

export type ChatEvent =
  | { type: "frame"; frame: ServerFrame }
  | { type: "user_sent"; text: string }
  | { type: "connection"; connection: ConnectionView }
  | { type: "tool_args"; toolUseId: string; tool: string; args: unknown }
  | { type: "approval_answered"; toolUseId: string; approved: boolean; always?: boolean }
  | { type: "cancel_requested" }
  | { type: "notice"; text: string; tone?: NoticeTone }
  | { type: "agents"; agents: AgentView[] }
  | { type: "toggle_thinking" }
  | { type: "toggle_panel"; panel: "record" | "swarm"; open?: boolean }
  | { type: "clear" }
  /** The input line asks for a secret with `prompt` (masked), or stops asking (no prompt). */
  | { type: "secret"; prompt?: string }
  | { type: "reset"; agentId?: string; model?: string }
  | { type: "prompt_loaded"; seq: number; messageId: string; text: string }
  | {
      type: "history_loaded";
      messages: { role: "user" | "assistant"; text: string }[];
      rows: { seq: number; txType: string; hash: string }[];
    }
  | {
      type: "backfill";
      seq: number;
      blocks: AssistantBlock[];
      tools: { id: string; name: string }[];
    };

/**
 * The state before anything happened.
 *
 * @example
 * const state = initialChatState({ model: "claude-opus-4-6" });
 */
export function initialChatState(init: { agentId?: string; model?: string } = {}): ChatState {
  return {
    ...(init.agentId ? { agentId: init.agentId } : {}),
    ...(init.model ? { model: init.model } : {}),
    items: [],
    tools: {},
    approvals: [],
    allowedTools: [],
    connection: { status: "connecting" },
    records: Log.empty(),
    turn: { running: false, cancelling: false },
    showThinking: false,
    panels: { record: false, swarm: false },
    agents: [],
    unrecordedPrompts: 0,
    foreignPrompts: [],
    nextId: 1,
  };
}

/**
 * The state after `event`. Pure: `state` is never changed. Replayed frames after a resume
 * are folded once: `record` frames at or below the last seq are dropped, tool cards are keyed
 * by id, and a drop rolls the open message back to its last `record` frame, since the server
 * replays the deltas of every entry after it.
 *
 * @example
 * let state = initialChatState();
 * state = chatReducer(state, { type: "user_sent", text: "hi" });
 * state = chatReducer(state, { type: "frame", frame: { type: "text_delta", text: "Hello" } });
 */
export function chatReducer(state: ChatState, event: ChatEvent): ChatState {
  switch (event.type) {
    case "frame":
      return foldFrame(state, event.frame);
    case "user_sent":
      return {
        ...push(state, { kind: "user", id: state.nextId, text: event.text }),
        turn: { running: true, cancelling: false },
        unrecordedPrompts: state.unrecordedPrompts + 1,
      };
    case "prompt_loaded": {
      if (!state.foreignPrompts.includes(event.seq)) return state;
      const foreignPrompts = state.foreignPrompts.filter((s) => s !== event.seq);
      const item: ChatItem = { kind: "user", id: state.nextId, text: event.text };
      const at = state.items.findIndex(
        (i) => i.kind === "assistant" && i.messageId === event.messageId,
      );
      const items =
        at < 0
          ? [...state.items, item]
          : [...state.items.slice(0, at), item, ...state.items.slice(at)];
      return { ...state, items, foreignPrompts, nextId: state.nextId + 1 };
    }
    case "connection":
      return foldConnection(state, event.connection);
    case "tool_args":
      return withTool(state, event.toolUseId, event.tool, (card) => withArgs(card, event.args));
    case "approval_answered": {
      const approvals = state.approvals.filter((a) => a.toolUseId !== event.toolUseId);
      const asked = state.approvals.find((a) => a.toolUseId === event.toolUseId);
      const allowedTools =
        event.always && asked && !state.allowedTools.includes(asked.tool)
          ? [...state.allowedTools, asked.tool]
          : state.allowedTools;
      const card = state.tools[event.toolUseId];
      const tools =
        card && card.state === "awaiting_approval"
          ? {
              ...state.tools,
              [card.id]: { ...card, state: event.approved ? "running" : "denied" } as ToolCard,
            }
          : state.tools;
      return { ...state, approvals, allowedTools, tools };
    }
    case "cancel_requested": {
      if (!state.turn.running) return state;
      if (state.sentBeforeDrop && state.unrecordedPrompts > 0 && !openMessage(state)) {
        // Nothing of the turn ever arrived and its message was never recorded: it was lost
        // with the connection. Stop waiting for it (a turn the server does run still shows).
        const { sentBeforeDrop: _, ...rest } = state;
        const next = push(rest, {
          kind: "notice",
          id: state.nextId,
          text: "the last message never reached the agent (the connection dropped as it was sent): send it again",
          tone: "error",
        });
        return { ...next, unrecordedPrompts: 0, turn: { running: false, cancelling: false } };
      }
      return { ...state, turn: { running: true, cancelling: true } };
    }
    case "notice":
      return push(state, {
        kind: "notice",
        id: state.nextId,
        text: event.text,
        tone: event.tone ?? "info",
      });
    case "agents":
      return { ...state, agents: event.agents };
    case "toggle_thinking":
      return { ...state, showThinking: !state.showThinking };
    case "toggle_panel": {
      const open = event.open ?? !state.panels[event.panel];
      return { ...state, panels: { ...state.panels, [event.panel]: open } };
    }
    case "backfill":
      return applyBackfill(state, event);
    case "history_loaded": {
      // Earlier messages go before anything already shown; rows only into an empty panel.
      let id = state.nextId;
      const earlier: ChatItem[] = event.messages.map((m) =>
        m.role === "user"
          ? { kind: "user", id: id++, text: m.text }
          : { kind: "assistant", id: id++, blocks: [{ kind: "text", text: m.text }], done: true },
      );
      let records = state.records;
      if (records.length === 0) {
        for (const r of event.rows) {
          records = records.append({
            seq: r.seq,
            txType: r.txType,
            shortHash: r.hash.slice(0, 12),
          });
        }
      }
      return { ...state, items: [...earlier, ...state.items], records, nextId: id };
    }
    case "secret": {
      const { secretPrompt: _asked, ...rest } = state;
      return event.prompt === undefined ? rest : { ...rest, secretPrompt: event.prompt };
    }
    case "reset":
      return {
        ...initialChatState({ agentId: event.agentId, model: event.model ?? state.model }),
        panels: state.panels,
        showThinking: state.showThinking,
        agents: state.agents,
      };
    case "clear": {
      const open = openMessage(state);
      return { ...state, items: open ? [open] : [] };
    }
  }
}

/** The approval the prompt shows: the oldest one unanswered. */
export function currentApproval(state: ChatState): PendingApproval | undefined {
  return state.approvals[0];
}
