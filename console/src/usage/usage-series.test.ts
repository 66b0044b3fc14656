import { describe, expect, it } from "vitest";
import type { RecordEntry } from "../../../src/core/record.js";
import { usageSeries } from "./usage-series.js";

const b64 = (v: unknown) => btoa(JSON.stringify(v));

function entry(
  seq: number,
  ts: number,
  txType: string,
  payload: unknown,
  ref?: string,
): RecordEntry {
  return {
    seq,
    hash: seq.toString(16).padStart(64, "0"),
    tx: {
      tx_type: txType,
      ts_ms: ts,
      payload: b64(payload),
      ...(ref ? { reference_tx_hash: ref } : {}),
    },
  } as unknown as RecordEntry;
}

const reasoning = (input: number, output: number) => ({
  request_digest: "d",
  provider: "anthropic",
  model: "m",
  response: {
    model: "m1",
    content: [],
    stop_reason: "end_turn",
    usage: { input_tokens: input, output_tokens: output },
  },
});

describe("usageSeries", () => {
  const record = [
    entry(1, 1000, "session_start", {}),
    entry(2, 1100, "user_prompt", { text: "a" }),
    entry(3, 1400, "reasoning", reasoning(10, 5), "p1"),
    entry(4, 1410, "tool_proposal", { tool_use_id: "t1", tool: "read_file", args: {} }, "p1"),
    entry(
      5,
      1450,
      "tool_execution",
      { tool_use_id: "t1", tool: "read_file", is_error: false, decision: "approved" },
      "p1",
    ),
    entry(6, 1700, "reasoning", reasoning(20, 7), "p1"),
    entry(7, 1710, "agent_msg", {}, "p1"),
    entry(8, 2000, "user_prompt", { text: "b" }),
    entry(9, 2100, "reasoning", reasoning(30, 3), "p2"),
    entry(10, 2110, "tool_proposal", { tool_use_id: "t2", tool: "run_command", args: {} }, "p2"),
    entry(
      11,
      2120,
      "tool_execution",
      { tool_use_id: "t2", tool: "run_command", is_error: true, decision: "denied" },
      "p2",
    ),
  ];

  it("sums tokens per turn from the reasoning entries' usage", () => {
    const s = usageSeries([...record].reverse());
    expect(s.turns).toEqual([
      { turn: 1, seq: 3, inputTokens: 30, outputTokens: 12, calls: 2 },
      { turn: 2, seq: 9, inputTokens: 30, outputTokens: 3, calls: 1 },
    ]);
    expect(s.totals).toMatchObject({ inputTokens: 60, outputTokens: 15, modelCalls: 3 });
  });

  it("derives each model call's latency from the entry before it", () => {
    const s = usageSeries(record);
    expect(s.modelCalls.map((c) => [c.seq, c.derivedLatencyMs, c.model])).toEqual([
      [3, 300, "m1"],
      [6, 250, "m1"],
      [9, 100, "m1"],
    ]);
    expect(s.totals.modelLatencyMs).toBe(650);
  });

  it("times tool calls from proposal to execution, leaving out denied ones", () => {
    const s = usageSeries(record);
    expect(s.toolCalls).toEqual([
      { seq: 5, tool: "read_file", derivedDurationMs: 40, isError: false },
    ]);
    expect(s.totals).toMatchObject({ toolCalls: 1, toolMs: 40 });
  });

  it("gives no latency when the entry before a call is not read, and survives odd payloads", () => {
    const s = usageSeries([
      entry(3, 1400, "reasoning", reasoning(1, 1), "p"),
      entry(5, 1, "reasoning", "x"),
    ]);
    expect(s.modelCalls).toEqual([]);
    expect(s.totals).toMatchObject({ inputTokens: 1, outputTokens: 1, modelCalls: 2 });
    expect(usageSeries([]).turns).toEqual([]);
  });
});
