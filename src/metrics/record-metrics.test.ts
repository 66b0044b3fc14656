import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry, TxType } from "../core/record.js";
import { fakeEntry, hexId } from "../core/record-fixture.js";
import { percentiles } from "./histogram.js";
import { foldEntry, initialMetrics, utf8Length } from "./record-metrics.js";

const json = (value: unknown) => textToBase64(JSON.stringify(value));

/** An entry at `seq` admitted at `ts`. */
function at(
  seq: number,
  ts: number,
  type: TxType,
  payload: string,
  reference?: string,
): RecordEntry {
  const entry = fakeEntry(seq, type, payload, reference === undefined ? {} : { reference });
  entry.tx.ts_ms = ts;
  return entry;
}

const reasoning = (input: number, output: number, error?: { code: string; message: string }) =>
  json({
    request_digest: "d",
    provider: "mock",
    model: "m",
    ...(error
      ? { error }
      : { response: { usage: { input_tokens: input, output_tokens: output } } }),
  });

/** A turn's reply, answering the inbound transaction `reference`. */
function reply(seq: number, ts: number, reference: string, error?: string): RecordEntry {
  const entry = at(seq, ts, "agent_msg", textToBase64("done"), reference);
  entry.proposals = {
    proposals: [],
    trace: {
      turn: {
        stop_reason: error ? "error" : "end_turn",
        files_changed: { created: [], modified: [], deleted: [] },
        usage: { input_tokens: 0, output_tokens: 0 },
        ...(error ? { error: { code: error, message: "x" } } : {}),
      },
    },
  };
  return entry;
}

/** Two turns: one with a successful and a failed tool call, one whose model call fails. */
function record(): RecordEntry[] {
  const first = hexId(0x1000 + 1);
  const second = hexId(0x1000 + 8);
  return [
    at(1, 1_000, "user_prompt", textToBase64("hi")),
    at(2, 1_400, "reasoning", reasoning(10, 4)),
    at(
      3,
      1_400,
      "tool_proposal",
      json({ tool_use_id: "t1", tool: "read_file", decision: "approved" }),
    ),
    at(
      4,
      1_400,
      "tool_proposal",
      json({ tool_use_id: "t2", tool: "run_command", decision: "approved" }),
    ),
    at(
      5,
      1_450,
      "tool_execution",
      json({ tool_use_id: "t1", tool: "read_file", decision: "approved", is_error: false }),
    ),
    at(
      6,
      1_700,
      "tool_execution",
      json({
        tool_use_id: "t2",
        tool: "run_command",
        decision: "approved",
        is_error: true,
        result: { metadata: { error_code: "command_failed" } },
      }),
    ),
    reply(7, 2_000, first),
    at(8, 5_000, "user_prompt", textToBase64("again")),
    at(9, 5_030, "reasoning", reasoning(0, 0, { code: "overloaded", message: "busy" })),
    reply(10, 5_031, second, "llm_error"),
    at(11, 6_000, "trigger", ""),
  ];
}

describe("record metrics fold", () => {
  it("counts turns, model and tool calls, tokens and errors from the entries", () => {
    const state = record().reduce(foldEntry, initialMetrics());
    expect(state).toMatchObject({
      through_seq: 11,
      entries: 11,
      turns: 2,
      model_calls: 2,
      tool_calls: 2,
      tokens_in: 10,
      tokens_out: 4,
      errors: 3,
      tool_calls_by_tool: { read_file: 1, run_command: 1 },
      errors_by_code: { command_failed: 1, overloaded: 1, llm_error: 1 },
      open_turns: {},
      proposed_at: {},
    });
  });

  it("derives latencies from timestamps: model after the entry before, tool after its proposal, turn after its inbound entry", () => {
    const state = record().reduce(foldEntry, initialMetrics());
    expect(state.latency.model).toMatchObject({ count: 2, sum: 400 + 30 });
    expect(state.latency.tool).toMatchObject({ count: 2, sum: 50 + 300 });
    expect(state.latency.turn).toMatchObject({ count: 2, sum: 1_000 + 31 });
    const turn = percentiles(state.latency.turn.buckets);
    expect(turn.p50).toBeCloseTo(31, -1);
    expect(Math.abs((turn.p99 as number) - 1_000) / 1_000).toBeLessThan(0.045);
  });

  it("adds the UTF-8 bytes of each entry's canonical JSON", () => {
    const entries = record();
    const state = entries.reduce(foldEntry, initialMetrics());
    const bytes = entries.reduce(
      (n, e) => n + new TextEncoder().encode(canonicalJson(e)).length,
      0,
    );
    expect(state.bytes).toBe(bytes);
    for (const text of ["", "abc", "é", "€", "😀", "a\ud800b"]) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it("gives the same state folded in pieces, through JSON, or with an entry folded twice", () => {
    const entries = record();
    const whole = entries.reduce(foldEntry, initialMetrics());
    let pieces = entries.slice(0, 4).reduce(foldEntry, initialMetrics());
    pieces = JSON.parse(JSON.stringify(pieces));
    foldEntry(pieces, entries[3] as RecordEntry);
    const rest = entries.slice(4).reduce(foldEntry, pieces);
    expect(rest).toEqual(whole);
  });

  it("skips a payload it does not understand without throwing", () => {
    const state = [
      at(1, 1, "reasoning", textToBase64("not json")),
      at(2, 2, "tool_execution", textToBase64("[1]")),
      at(3, 3, "agent_msg", textToBase64("a message from a client")),
    ].reduce(foldEntry, initialMetrics());
    expect(state).toMatchObject({ entries: 3, model_calls: 1, tool_calls: 1, turns: 1, errors: 0 });
    expect(state.tool_calls_by_tool).toEqual({ "": 1 });
  });

  it("does not time a refused tool call, and forgets proposals when the turn ends", () => {
    const inbound = hexId(0x1000 + 1);
    const state = [
      at(1, 0, "user_prompt", ""),
      at(2, 10, "tool_proposal", json({ tool_use_id: "d", tool: "x", decision: "denied" })),
      at(
        3,
        10,
        "tool_execution",
        json({
          tool_use_id: "d",
          tool: "x",
          decision: "denied",
          is_error: true,
          result: { metadata: { error_code: "tool_disabled" } },
        }),
      ),
      at(4, 20, "tool_proposal", json({ tool_use_id: "never", tool: "y", decision: "approved" })),
      reply(5, 30, inbound),
    ].reduce(foldEntry, initialMetrics());
    expect(state.latency.tool.count).toBe(0);
    expect(state.errors_by_code).toEqual({ tool_disabled: 1 });
    expect(state.proposed_at).toEqual({});
  });
});
