import { describe, expect, it } from "vitest";
import type { LoopResult } from "../agent/loop-types.js";
import type { RecordEntry, TxType } from "../core/record.js";
import {
  monitoredRun,
  outcomeOf,
  type TurnEnd,
  turnEndOf,
  turnFields,
  turnLevel,
} from "./turn-end.js";

const TX = "b".repeat(64);

/** The parts of a record entry the turn's log line reads. */
function entry(seq: number, txType: TxType, hash = `${seq}`.padStart(64, "0")): RecordEntry {
  return { seq, tx: { tx_type: txType, hash } } as unknown as RecordEntry;
}

/** The parts of a loop result the turn's log line reads. */
function loopResult(overrides: Partial<LoopResult>): LoopResult {
  const usage = { input_tokens: 120, output_tokens: 30 };
  return {
    stop_reason: "end_turn",
    final_text: "the reply text",
    usage,
    ...overrides,
  } as LoopResult;
}

describe("outcomeOf", () => {
  it("given how the loop stopped, when classified, then it is completed, failed or cancelled", () => {
    expect(outcomeOf(loopResult({}))).toBe("completed");
    expect(outcomeOf(loopResult({ stop_reason: "max_turns" }))).toBe("completed");
    expect(outcomeOf(loopResult({ stop_reason: "cancelled" }))).toBe("cancelled");
    const error = { code: "llm_error" as const, message: "overloaded" };
    expect(outcomeOf(loopResult({ stop_reason: "error", error }))).toBe("failed");
  });
});

describe("turnEndOf", () => {
  it("given a turn's entries, when summarised, then model calls are its reasoning entries and tool calls its tool executions", () => {
    const inbound = entry(4, "user_prompt", TX);
    const entries = [
      entry(5, "reasoning"),
      entry(6, "tool_proposal"),
      entry(7, "tool_execution"),
      entry(8, "reasoning"),
      entry(9, "agent_msg"),
    ];
    const end = turnEndOf(inbound, entries, { outcome: "completed", result: loopResult({}) }, 12.6);
    expect(end).toEqual({
      turnSeq: 4,
      txId: TX,
      lastSeq: 9,
      outcome: "completed",
      stopReason: "end_turn",
      entries: 6,
      modelCalls: 2,
      toolCalls: 1,
      inputTokens: 120,
      outputTokens: 30,
      durationMs: 12.6,
    });
  });

  it("given a run that crashed before recording anything, when summarised, then its last seq is the turn's first and it counts no tokens", () => {
    const end = turnEndOf(entry(4, "user_prompt", TX), [], { outcome: "crashed" }, 1);
    expect(end).toMatchObject({ turnSeq: 4, lastSeq: 4, outcome: "crashed", modelCalls: 0 });
    expect(end).toMatchObject({ entries: 1, inputTokens: 0, outputTokens: 0 });
    expect(end.stopReason).toBeUndefined();
  });
});

describe("turnLevel", () => {
  it("given each outcome, when a line's level is chosen, then a crash is an error, a failure a warning and the rest info", () => {
    expect(turnLevel("crashed")).toBe("error");
    expect(turnLevel("failed")).toBe("warn");
    for (const outcome of ["completed", "cancelled", "suspended", "paused"] as const) {
      expect(turnLevel(outcome)).toBe("info");
    }
  });
});

describe("turnFields", () => {
  it("given a failed run, when turned into log fields, then they carry ids, seqs, counts, the rounded duration and the error code", () => {
    const error = { code: "llm_error" as const, message: "overloaded: 'secret prompt'" };
    const end = turnEndOf(
      entry(4, "user_prompt", TX),
      [entry(5, "agent_msg")],
      { outcome: "failed", result: loopResult({ stop_reason: "error", error }) },
      7.4,
    );
    expect(turnFields("acme", "c".repeat(64), end)).toEqual({
      org: "acme",
      agent_id: "c".repeat(64),
      tx_id: TX,
      turn_seq: 4,
      last_seq: 5,
      outcome: "failed",
      model_calls: 0,
      tool_calls: 0,
      duration_ms: 7,
      stop_reason: "error",
      error_code: "llm_error",
    });
  });
});

describe("monitoredRun", () => {
  function recordingMonitor(times: number[]) {
    const ended: TurnEnd[] = [];
    return {
      ended,
      monitor: { clock: () => times.shift() ?? 0, ended: (e: TurnEnd) => ended.push(e) },
    };
  }

  it("given a run that returns, when monitored, then its end is reported once with the entries after it and its time", async () => {
    const { ended, monitor } = recordingMonitor([100, 142]);
    const committed: RecordEntry[] = [];
    await monitoredRun(
      monitor,
      entry(4, "user_prompt", TX),
      () => committed,
      async () => {
        committed.push(entry(5, "reasoning"), entry(6, "agent_msg"));
        return { outcome: "completed", result: loopResult({}) };
      },
    );
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      outcome: "completed",
      lastSeq: 6,
      modelCalls: 1,
      durationMs: 42,
    });
  });

  it("given a run that throws, when monitored, then it is reported crashed and the error goes on", async () => {
    const { ended, monitor } = recordingMonitor([0, 5]);
    const failing = monitoredRun(
      monitor,
      entry(4, "user_prompt", TX),
      () => [],
      async () => {
        throw new Error("storage gone");
      },
    );
    await expect(failing).rejects.toThrow("storage gone");
    expect(ended.map((e) => e.outcome)).toEqual(["crashed"]);
  });

  it("given no monitor, when run, then the run happens and nothing is timed", async () => {
    let ran = 0;
    await monitoredRun(
      undefined,
      entry(4, "user_prompt", TX),
      () => [],
      async () => {
        ran++;
        return { outcome: "completed" };
      },
    );
    expect(ran).toBe(1);
  });
});
