import { describe, expect, it } from "vitest";
import type { ReasoningRecord } from "../../src/agent/reasoning-record.js";
import { textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { RecordEntry, TxType } from "../../src/core/record.js";
import { fakeEntry, hexId } from "../../src/core/record-fixture.js";
import { ConversationCache, conversationOf } from "./conversation.js";

const hex = hexId;

function entry(seq: number, tx_type: TxType, payload: string, reference?: string): RecordEntry {
  return fakeEntry(seq, tx_type, payload, {
    txBase: 0,
    ...(reference === undefined ? {} : { reference }),
  });
}

const reasoning = (text: string, inputTokens: number): string => {
  const record: ReasoningRecord = {
    request_digest: "d",
    provider: "mock",
    model: "m",
    response: {
      model: "m",
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      usage: { input_tokens: inputTokens, output_tokens: 3 },
    },
  };
  return textToBase64(canonicalJson(record));
};

/** Two turns: prompt, answer, reply; prompt, answer, reply. */
const record = [
  entry(1, "user_prompt", textToBase64("first")),
  entry(2, "reasoning", reasoning("one", 40), hex(1)),
  entry(3, "agent_msg", textToBase64("one"), hex(1)),
  entry(4, "user_prompt", textToBase64("second")),
  entry(5, "reasoning", reasoning("two", 90), hex(4)),
  entry(6, "agent_msg", textToBase64("two"), hex(4)),
];

describe("conversation", () => {
  it("records what the last model call measured and how many messages its request held", () => {
    const part = conversationOf(record);
    expect(part.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(part.measured).toEqual({ tokens: 90, messages: 3 });
    expect(part.usage).toEqual({ input_tokens: 130, output_tokens: 6 });
  });

  it("gives the same measure whether built turn by turn or read from the record at once", () => {
    const read = (from: number, before: number) =>
      record.filter((e) => e.seq >= from && e.seq < before);
    const whole = new ConversationCache();
    expect(whole.measuredBefore(7, read)).toEqual({ tokens: 90, messages: 3 });
    const stepwise = new ConversationCache();
    stepwise.before(4, read);
    stepwise.append(4, record.slice(3), 7);
    expect(stepwise.measuredBefore(7, read)).toEqual({ tokens: 90, messages: 3 });
  });
});
