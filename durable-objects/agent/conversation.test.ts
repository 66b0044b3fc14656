import { describe, expect, it } from "vitest";
import { decodeReasoning, type ReasoningRecord } from "../../src/agent/reasoning-record.js";
import { textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { RecordEntry, TxType } from "../../src/core/record.js";
import { fakeEntry, hexId } from "../../src/core/record-fixture.js";
import {
  CONVERSATION_WINDOW_ENTRIES,
  ConversationCache,
  conversationOf,
  conversationWindowStart,
  usageBeforeTurn,
} from "./conversation.js";

const hex = hexId;

function entry(seq: number, tx_type: TxType, payload: string, reference?: string): RecordEntry {
  const made = fakeEntry(seq, tx_type, payload, {
    txBase: 0,
    ...(reference === undefined ? {} : { reference }),
  });
  // A turn's reply carries the turn's trace, as the runner records it
  if (tx_type === "agent_msg" && reference !== undefined)
    made.proposals = { proposals: [], trace: { turn: { stop_reason: "end_turn" } } };
  return made;
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

  it("holds only the turns that began in the window before the turn, built stepwise or read once", () => {
    // 600 finished turns (prompt, answer, reply: seqs 3k+1…3k+3), then the turn at 1801
    const long: RecordEntry[] = [];
    for (let k = 0; k < 600; k++) {
      const at = 3 * k + 1;
      long.push(entry(at, "user_prompt", textToBase64(`q${k}`)));
      long.push(entry(at + 1, "reasoning", reasoning(`a${k}`, 10 + k), hex(at)));
      long.push(entry(at + 2, "agent_msg", textToBase64(`a${k}`), hex(at)));
    }
    const turnSeq = 1801;
    const reads: Array<[number, number]> = [];
    const read = (from: number, before: number) => {
      reads.push([from, before]);
      return long.filter((e) => e.seq >= from && e.seq < before);
    };

    // Read once, as after a wake: the window alone is read, never the record from seq 1
    const woken = new ConversationCache();
    const messages = woken.before(turnSeq, read);
    expect(reads).toEqual([[conversationWindowStart(turnSeq), turnSeq]]);
    expect(conversationWindowStart(turnSeq)).toBe(turnSeq - CONVERSATION_WINDOW_ENTRIES);
    // The first turn at or after seq 801 is the one at 802: turns 267…599, two messages each
    expect(messages).toHaveLength(2 * 333);
    expect(messages[0]).toEqual({ role: "user", content: [{ type: "text", text: "q267" }] });
    expect(woken.measuredBefore(turnSeq, read)).toEqual({ tokens: 10 + 599, messages: 665 });

    // Built turn by turn, as a running object does, the window slides to the same conversation
    const running = new ConversationCache();
    for (let k = 0; k < 600; k++) {
      const at = 3 * k + 1;
      running.before(at, read);
      running.append(at, long.slice(at - 1, at + 2), at + 3);
    }
    reads.length = 0;
    expect(running.before(turnSeq, read)).toEqual(messages);
    expect(running.measuredBefore(turnSeq, read)).toEqual({ tokens: 609, messages: 665 });
    expect(reads).toEqual([]);
  });

  it("starts the window at a turn's first entry, never inside a turn", () => {
    // The window's first seq (seq 2 for a turn at 1002) falls inside the turn begun at seq 1
    const turns = [
      entry(1, "user_prompt", textToBase64("inside")),
      entry(2, "reasoning", reasoning("cut", 5), hex(1)),
      entry(3, "agent_msg", textToBase64("cut"), hex(1)),
      entry(4, "user_prompt", textToBase64("kept")),
      entry(5, "reasoning", reasoning("kept", 7), hex(4)),
      entry(6, "agent_msg", textToBase64("kept"), hex(4)),
    ];
    const read = (from: number, before: number) =>
      turns.filter((e) => e.seq >= from && e.seq < before);
    const turnSeq = 2 + CONVERSATION_WINDOW_ENTRIES;
    const messages = new ConversationCache().before(turnSeq, read);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(messages[0]).toEqual({ role: "user", content: [{ type: "text", text: "kept" }] });
  });

  it("counts the tokens used before a turn from the record's totals less the turn's own calls", () => {
    // The resumed turn recorded one model call (200 in, 3 out) before the head
    const resumedCalls = [decodeReasoning(reasoning("partial", 200))];
    const total = { tokens_in: 130 + 200, tokens_out: 6 + 3 };
    expect(usageBeforeTurn(total, resumedCalls)).toEqual(conversationOf(record).usage);
  });
});
