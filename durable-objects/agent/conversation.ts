import type { ContextMeasure } from "../../src/agent/loop-types.js";
import { decodeReasoning, type ReasoningRecord } from "../../src/agent/reasoning-record.js";
import type { ToolResultBlock } from "../../src/agent/tool-executor.js";
import { decodeToolExecution, executionText } from "../../src/agent/tool-record.js";
import type { RecordEntry } from "../../src/core/record.js";
import { opensTurn } from "../../src/metrics/entry-timing.js";
import { inboundTurnText } from "../../src/protocol/agent-message.js";
import type { ModelMessage, Usage } from "../../src/reasoner/types.js";
import { decodeSessionStart } from "../../src/session/session-record.js";

/** What a run of entries adds to an agent's conversation. */
export interface ConversationPart {
  messages: ModelMessage[];
  /** Tokens the model calls recorded in the entries used. */
  usage: Usage;
  /**
   * The input tokens the last recorded model call measured, and how many of `messages` its
   * request held (the loop estimates only what came after).
   */
  measured?: ContextMeasure;
}

/**
 * The conversation an agent's finished turns add up to, derived from their entries alone:
 * each turn's inbound entry (a `user_prompt`, or an `agent_msg` that is not the turn's own
 * reply) is a user message, a `session_start` adds the messages its session was seeded with,
 * each recorded model answer is an assistant message, and the
 * recorded tool executions after it the user message of its tool results. A tool call with
 * no recorded execution is answered in the next request by the loop's sanitising, so the
 * same record always yields the same conversation — which is what lets a resumed turn repeat
 * its requests exactly. Each reasoning entry is decoded once, for its answer and its usage.
 */
export function conversationOf(entries: readonly RecordEntry[]): ConversationPart {
  const part: ConversationPart = { messages: [], usage: { input_tokens: 0, output_tokens: 0 } };
  let inbound: string | undefined;
  let results: ToolResultBlock[] = [];
  const closeResults = () => {
    if (results.length > 0) part.messages.push({ role: "user", content: results });
    results = [];
  };
  for (const entry of entries) {
    const { tx } = entry;
    if (tx.tx_type === "tool_execution") {
      const execution = decodeToolExecution(tx.payload);
      results.push(
        resultBlock(execution.tool_use_id, executionText(execution), execution.is_error),
      );
      continue;
    }
    if (tx.tx_type === "agent_msg" && tx.reference_tx_hash === inbound) continue;
    closeResults();
    if (tx.tx_type === "user_prompt" || tx.tx_type === "agent_msg") {
      inbound = tx.hash;
      part.messages.push({ role: "user", content: [{ type: "text", text: inboundTurnText(tx) }] });
    } else if (tx.tx_type === "session_start") {
      // A session may seed the conversation with earlier messages (its `session_init`).
      for (const message of decodeSessionStart(tx.payload).conversation_messages ?? []) {
        part.messages.push({
          role: message.role,
          content: [{ type: "text", text: message.content }],
        });
      }
    } else if (tx.tx_type === "reasoning") {
      const { response } = decodeReasoning(tx.payload);
      if (!response) continue;
      part.usage.input_tokens += response.usage.input_tokens;
      part.usage.output_tokens += response.usage.output_tokens;
      part.measured = { tokens: response.usage.input_tokens, messages: part.messages.length };
      if (response.content.length > 0)
        part.messages.push({ role: "assistant", content: response.content });
    }
  }
  closeResults();
  return part;
}

function resultBlock(toolUseId: string, content: string, isError: boolean): ToolResultBlock {
  return isError
    ? { type: "tool_result", tool_use_id: toolUseId, content, is_error: true }
    : { type: "tool_result", tool_use_id: toolUseId, content, is_error: false };
}

/** Reads the entries of `fromSeq ≤ seq < beforeSeq` that a conversation is made of. */
export type ReadTurns = (fromSeq: number, beforeSeq: number) => RecordEntry[];

/**
 * How far back, in entries, a turn's conversation reaches: the turns (and session starts) that
 * began in the last this-many entries before the turn. Fixed, so the conversation is a
 * function of the record alone; older turns are no longer sent (compaction then shortens the
 * older of the ones that are), so what a turn sends and reads stays bounded however long the
 * record grows.
 */
export const CONVERSATION_WINDOW_ENTRIES = 1000;

/**
 * The first seq whose entries the conversation of the turn at `turnSeq` may hold: the window
 * starts at the first turn (or session start) at or after it.
 *
 * @example
 * conversationWindowStart(5000); // 4000
 */
export function conversationWindowStart(turnSeq: number): number {
  return Math.max(1, turnSeq - CONVERSATION_WINDOW_ENTRIES);
}

/**
 * True when an entry starts a piece of the conversation: a turn's inbound entry (a prompt, a
 * message that is not a turn's reply, told apart by the reply's recorded trace) or a session's
 * start. Decided from the entry alone, so a window may start at any of them and give the
 * conversation that reading the whole record would from there.
 */
export function startsConversationPiece(entry: RecordEntry): boolean {
  return entry.tx.tx_type === "session_start" || opensTurn(entry);
}

/** One piece of the conversation: a turn, or a session start, from its first entry. */
interface Piece {
  startSeq: number;
  messages: ModelMessage[];
  measured?: ContextMeasure;
}

/**
 * Splits entries into conversation pieces; `leading` are the entries before the first piece
 * starts (the end of a turn that began earlier).
 */
function piecesOf(entries: readonly RecordEntry[]): { leading: number; pieces: Piece[] } {
  const pieces: Piece[] = [];
  const first = entries.findIndex(startsConversationPiece);
  if (first < 0) return { leading: entries.length, pieces };
  let from = first;
  for (let i = first + 1; i <= entries.length; i++) {
    const entry = entries[i];
    if (entry !== undefined && !startsConversationPiece(entry)) continue;
    const part = conversationOf(entries.slice(from, i));
    const piece: Piece = { startSeq: (entries[from] as RecordEntry).seq, messages: part.messages };
    if (part.measured) piece.measured = part.measured;
    pieces.push(piece);
    from = i;
  }
  return { leading: first, pieces };
}

/**
 * The conversation before a turn, kept per Durable Object instance: the pieces of the turns
 * that began within {@link CONVERSATION_WINDOW_ENTRIES} entries before it. After a wake it is
 * read from the record once — the window only, never the whole record — then extended with
 * each turn's entries as later turns start, the oldest pieces dropped as the window moves.
 * Built either way, it is the same conversation.
 */
export class ConversationCache {
  /** Entries before this seq are covered. */
  #beforeSeq = 1;
  #pieces: Piece[] = [];

  /**
   * The conversation of the turns recorded in the window before `turnSeq`. A new array each
   * call: callers use it for one turn.
   */
  before(turnSeq: number, read: ReadTurns): ModelMessage[] {
    this.#extend(turnSeq, read);
    return this.#pieces.flatMap((piece) => piece.messages);
  }

  /**
   * What the last model call recorded in the window before `turnSeq` measured of its
   * context, with the messages its request held counted within the window's conversation.
   */
  measuredBefore(turnSeq: number, read: ReadTurns): ContextMeasure | undefined {
    this.#extend(turnSeq, read);
    let offset = this.#pieces.reduce((n, piece) => n + piece.messages.length, 0);
    for (let i = this.#pieces.length - 1; i >= 0; i--) {
      const piece = this.#pieces[i] as Piece;
      offset -= piece.messages.length;
      if (piece.measured)
        return { tokens: piece.measured.tokens, messages: offset + piece.measured.messages };
    }
    return undefined;
  }

  /**
   * Adds the entries of the turn at `turnSeq`, which this object just finished, without
   * reading them back; `nextSeq` is the seq after its last entry. Ignored unless the cache
   * already covers everything before the turn (it is then read from the record).
   */
  append(turnSeq: number, entries: readonly RecordEntry[], nextSeq: number): void {
    if (this.#beforeSeq !== turnSeq) return;
    const { leading, pieces } = piecesOf(entries);
    if (leading > 0) {
      this.#reset();
      return;
    }
    this.#pieces.push(...pieces);
    this.#beforeSeq = nextSeq;
  }

  #extend(turnSeq: number, read: ReadTurns): void {
    if (turnSeq < this.#beforeSeq) this.#reset();
    const from = conversationWindowStart(turnSeq);
    if (turnSeq > this.#beforeSeq) {
      // What the cache ends with is older than the window: read the window alone.
      if (this.#beforeSeq < from) this.#reset(from);
      const { leading, pieces } = piecesOf(read(this.#beforeSeq, turnSeq));
      if (leading > 0 && this.#pieces.length > 0) {
        // The read began inside a piece the cache holds: read the whole window again.
        this.#reset(from);
        this.#pieces = piecesOf(read(from, turnSeq)).pieces;
      } else {
        this.#pieces.push(...pieces);
      }
      this.#beforeSeq = turnSeq;
    }
    const firstKept = this.#pieces.findIndex((piece) => piece.startSeq >= from);
    this.#pieces = firstKept < 0 ? [] : this.#pieces.slice(firstKept);
  }

  #reset(beforeSeq = 1): void {
    this.#beforeSeq = beforeSeq;
    this.#pieces = [];
  }
}

/**
 * Input and output tokens the model calls recorded before a turn used, from the record's
 * totals through its head (the metrics fold) less what the turn's own recorded model calls
 * used (every call from the turn's first entry to the head): no read of the record.
 *
 * @example
 * usageBeforeTurn(store.metrics.read(), recordedTurn(rest).reasoning);
 */
export function usageBeforeTurn(
  total: { tokens_in: number; tokens_out: number },
  turnCalls: readonly ReasoningRecord[],
): Usage {
  let input = total.tokens_in;
  let output = total.tokens_out;
  for (const { response } of turnCalls) {
    input -= response?.usage.input_tokens ?? 0;
    output -= response?.usage.output_tokens ?? 0;
  }
  return { input_tokens: input, output_tokens: output };
}
