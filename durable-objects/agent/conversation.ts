import { decodeReasoning } from "../../src/agent/reasoning-record.js";
import { base64ToText } from "../../src/core/base64.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { ModelMessage } from "../../src/reasoner/types.js";

/** What a run of entries adds to an agent's conversation. */
export interface ConversationPart {
  messages: ModelMessage[];
  /** Tokens (input + output) the model calls recorded in the entries used. */
  tokensUsed: number;
}

/**
 * The conversation an agent's finished turns add up to, derived from their entries alone:
 * each `user_prompt` is a user message, each recorded model answer an assistant message.
 * Tool calls are answered in the next request by the loop's sanitising (a call with no
 * recorded result gets an error result), so the same record always yields the same
 * conversation — which is what lets a resumed turn repeat its requests exactly. Each
 * reasoning entry is decoded once, for its answer and its usage.
 */
export function conversationOf(entries: readonly RecordEntry[]): ConversationPart {
  const part: ConversationPart = { messages: [], tokensUsed: 0 };
  for (const entry of entries) {
    if (entry.tx.tx_type === "user_prompt") {
      part.messages.push({
        role: "user",
        content: [{ type: "text", text: base64ToText(entry.tx.payload) }],
      });
    } else if (entry.tx.tx_type === "reasoning") {
      const { response } = decodeReasoning(entry.tx.payload);
      if (!response) continue;
      part.tokensUsed += response.usage.input_tokens + response.usage.output_tokens;
      if (response.content.length > 0)
        part.messages.push({ role: "assistant", content: response.content });
    }
  }
  return part;
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
  #tokensUsed = 0;

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
    return this.#tokensUsed;
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
      this.#tokensUsed = 0;
    }
    if (turnSeq > this.#beforeSeq) {
      this.#add(conversationOf(read(this.#beforeSeq, turnSeq)));
      this.#beforeSeq = turnSeq;
    }
  }

  #add(part: ConversationPart): void {
    for (const message of part.messages) this.#messages.push(message);
    this.#tokensUsed += part.tokensUsed;
  }
}
