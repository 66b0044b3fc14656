import { describe, expect, it } from "vitest";
import type { TurnEnd } from "../log/turn-end.js";
import { MAX_INDEX_BYTES, TURN_POINT, turnDataPoint, writePoint } from "./analytics.js";

const AGENT = "c".repeat(64);

/** A run of a turn that completed after two model calls and one tool call. */
function turnEnd(overrides: Partial<TurnEnd> = {}): TurnEnd {
  return {
    turnSeq: 4,
    txId: "b".repeat(64),
    lastSeq: 9,
    outcome: "completed",
    stopReason: "end_turn",
    entries: 6,
    modelCalls: 2,
    toolCalls: 1,
    inputTokens: 1200,
    outputTokens: 340,
    durationMs: 812.6,
    ...overrides,
  };
}

/** A dataset that keeps what it is given. */
function recorder(): AnalyticsEngineDataset & { points: AnalyticsEngineDataPoint[] } {
  const points: AnalyticsEngineDataPoint[] = [];
  return { points, writeDataPoint: (point) => points.push(point ?? {}) };
}

describe("turnDataPoint", () => {
  it("given a completed run, when mapped, then the org is the index, ids and codes are blobs and the counts are doubles in schema order", () => {
    expect(turnDataPoint("acme", AGENT, turnEnd())).toEqual({
      indexes: ["acme"],
      blobs: [TURN_POINT, "acme", AGENT, "completed", "end_turn", ""],
      doubles: [6, 2, 1, 1200, 340, 0, 813],
    });
  });

  it("given a failed run and a crashed one, when mapped, then each counts one error and carries its code or none", () => {
    const failed = turnEnd({ outcome: "failed", stopReason: "error", errorCode: "llm_error" });
    expect(turnDataPoint("acme", AGENT, failed).blobs?.slice(3)).toEqual([
      "failed",
      "error",
      "llm_error",
    ]);
    expect(turnDataPoint("acme", AGENT, failed).doubles?.[5]).toBe(1);
    const { stopReason: _none, ...crashed } = turnEnd({ outcome: "crashed" });
    const point = turnDataPoint("acme", AGENT, crashed);
    expect(point.blobs?.slice(3)).toEqual(["crashed", "", ""]);
    expect(point.doubles?.[5]).toBe(1);
  });

  it("given runs that suspended, paused or were cancelled, when mapped, then none counts as an error", () => {
    for (const outcome of ["suspended", "paused", "cancelled"] as const) {
      expect(turnDataPoint("acme", AGENT, turnEnd({ outcome })).doubles?.[5]).toBe(0);
    }
  });

  it("given an org longer than an index may be, when mapped, then the index is its first 96 bytes and the blob the whole org", () => {
    const org = "o".repeat(128);
    const point = turnDataPoint(org, AGENT, turnEnd());
    expect(point.indexes).toEqual(["o".repeat(MAX_INDEX_BYTES)]);
    expect(point.blobs?.[1]).toBe(org);
  });
});

describe("writePoint", () => {
  it("given a bound dataset, when a point is written, then the dataset receives it", () => {
    const dataset = recorder();
    const point = turnDataPoint("acme", AGENT, turnEnd());
    expect(writePoint(dataset, point)).toBe(true);
    expect(dataset.points).toEqual([point]);
  });

  it("given no dataset, when a point is written, then nothing happens", () => {
    expect(writePoint(undefined, turnDataPoint("acme", AGENT, turnEnd()))).toBe(false);
  });

  it("given a dataset that throws, when a point is written, then the error stays inside", () => {
    const dataset: AnalyticsEngineDataset = {
      writeDataPoint: () => {
        throw new Error("too many blobs");
      },
    };
    expect(writePoint(dataset, turnDataPoint("acme", AGENT, turnEnd()))).toBe(false);
  });
});
