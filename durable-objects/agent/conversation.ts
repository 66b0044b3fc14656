import { ReasoningRecord } from "../../src/agent/reasoning-record.js";
import { base64ToText } from "../../src/core/base64.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { ModelMessage } from "../../src/reasoner/types.js";

/**
 * The conversation an agent's finished turns add up to, derived from their entries alone:
 * each `user_prompt` is a user message, each recorded model answer an assistant message.
 * Tool calls are answered in the next request by the loop's sanitising (a call with no
 * recorded result gets an error result), so the same record always yields the same
 * conversation — which is what lets a resumed turn repeat its requests exactly.
 */
export function conversationOf(entries: readonly RecordEntry[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const entry of entries) {
    if (entry.tx.tx_type === "user_prompt") {
      messages.push({
        role: "user",
        content: [{ type: "text", text: base64ToText(entry.tx.payload) }],
      });
    } else if (entry.tx.tx_type === "reasoning") {
      const record = ReasoningRecord.parse(JSON.parse(base64ToText(entry.tx.payload)));
      if (record.response && record.response.content.length > 0) {
        messages.push({ role: "assistant", content: record.response.content });
      }
    }
  }
  return messages;
}

/**
 * The conversation before a turn, kept per Durable Object instance: built from the record
 * once after a wake, then extended with each turn's entries as later turns start.
 */
export class ConversationCache {
  #beforeSeq = 1;
  #messages: ModelMessage[] = [];

  /**
   * The conversation of every turn recorded before `turnSeq`. The array is extended in
   * place by later calls: callers use it for one turn and do not keep it.
   */
  before(
    turnSeq: number,
    read: (fromSeq: number, beforeSeq: number) => RecordEntry[],
  ): ModelMessage[] {
    if (turnSeq < this.#beforeSeq) {
      this.#beforeSeq = 1;
      this.#messages = [];
    }
    if (turnSeq > this.#beforeSeq) {
      for (const message of conversationOf(read(this.#beforeSeq, turnSeq)))
        this.#messages.push(message);
      this.#beforeSeq = turnSeq;
    }
    return this.#messages;
  }
}
