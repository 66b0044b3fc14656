import type { ContextMeasure } from "../../src/agent/loop-types.js";
import { decodeReasoning } from "../../src/agent/reasoning-record.js";
import type { ToolResultBlock } from "../../src/agent/tool-executor.js";
import { decodeToolExecution, executionText } from "../../src/agent/tool-record.js";
import type { RecordEntry } from "../../src/core/record.js";
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
 * The conversation before a turn, and the tokens spent before it, kept per Durable Object
 * instance: built from the record once after a wake, then extended with each turn's entries
 * as later turns start.
 */
export class ConversationCache {
  #beforeSeq = 1;
  #messages: ModelMessage[] = [];
  #usage: Usage = { input_tokens: 0, output_tokens: 0 };
  #measured?: ContextMeasure;

  /**
   * The conversation of every turn recorded before `turnSeq`. The array is extended in
   * place by later calls: callers use it for one turn and do not keep it.
   */
  before(turnSeq: number, read: ReadTurns): ModelMessage[] {
    this.#extend(turnSeq, read);
    return this.#messages;
  }

  /** Tokens (input + output) that the model calls recorded before `turnSeq` used. */
  tokensUsedBefore(turnSeq: number, read: ReadTurns): number {
    this.#extend(turnSeq, read);
    return this.#usage.input_tokens + this.#usage.output_tokens;
  }

  /** What the last model call recorded before `turnSeq` measured of its context, if any. */
  measuredBefore(turnSeq: number, read: ReadTurns): ContextMeasure | undefined {
    this.#extend(turnSeq, read);
    return this.#measured;
  }

  /** Input and output tokens the model calls recorded before `turnSeq` used. */
  usageBefore(turnSeq: number, read: ReadTurns): Usage {
    this.#extend(turnSeq, read);
    return { ...this.#usage };
  }

  /**
   * Adds the entries of the turn at `turnSeq`, which this object just finished, without
   * reading them back; `nextSeq` is the seq after its last entry. Ignored unless the cache
   * already covers everything before the turn (it is then rebuilt from the record).
   */
  append(turnSeq: number, entries: readonly RecordEntry[], nextSeq: number): void {
    if (this.#beforeSeq !== turnSeq) return;
    this.#add(conversationOf(entries));
    this.#beforeSeq = nextSeq;
  }

  #extend(turnSeq: number, read: ReadTurns): void {
    if (turnSeq < this.#beforeSeq) {
      this.#beforeSeq = 1;
      this.#messages = [];
      this.#usage = { input_tokens: 0, output_tokens: 0 };
      this.#measured = undefined;
    }
    if (turnSeq > this.#beforeSeq) {
      this.#add(conversationOf(read(this.#beforeSeq, turnSeq)));
      this.#beforeSeq = turnSeq;
    }
  }

  #add(part: ConversationPart): void {
    if (part.measured) {
      const { tokens, messages } = part.measured;
      this.#measured = { tokens, messages: this.#messages.length + messages };
    }
    for (const message of part.messages) this.#messages.push(message);
    this.#usage.input_tokens += part.usage.input_tokens;
    this.#usage.output_tokens += part.usage.output_tokens;
  }
}
