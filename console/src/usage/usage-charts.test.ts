import { describe, expect, it } from "vitest";
import { usageCharts } from "./usage-charts.js";
import type { UsageSeries } from "./usage-series.js";

const usage: UsageSeries = {
  turns: [
    { turn: 1, seq: 3, inputTokens: 100, outputTokens: 20, calls: 2 },
    { turn: 2, seq: 9, inputTokens: 1500, outputTokens: 40, calls: 1 },
  ],
  modelCalls: [
    { seq: 3, model: "m1", derivedLatencyMs: 300, ok: true },
    { seq: 6, model: "m1", derivedLatencyMs: 250, ok: true },
  ],
  toolCalls: [{ seq: 5, tool: "run_command", derivedDurationMs: 40, isError: true }],
  totals: {
    inputTokens: 1600,
    outputTokens: 60,
    modelCalls: 3,
    modelLatencyMs: 550,
    toolCalls: 1,
    toolMs: 40,
  },
};

describe("usageCharts", () => {
  const [tokens, latency, tools] = usageCharts(usage);

  it("plots input and output tokens as two series over the turns", () => {
    expect(tokens).toMatchObject({ xLabel: "turn", yLabel: "tokens", x: [1, 2] });
    expect(tokens?.series).toEqual([
      { label: "input", values: [100, 1500] },
      { label: "output", values: [20, 40] },
    ]);
    expect(tokens?.summary).toBe("2 turns, 1,600 input tokens, 60 output tokens, 3 model calls");
  });

  it("numbers model and tool calls from 1 and says their times are derived", () => {
    expect(latency).toMatchObject({ xLabel: "call", yLabel: "ms", x: [1, 2] });
    expect(latency?.series).toEqual([{ label: "latency", values: [300, 250] }]);
    expect(latency?.note).toMatch(/^Derived/);
    expect(tools).toMatchObject({ x: [1], details: ["seq 5 run_command (error)"] });
    expect(tools?.summary).toBe("1 tool calls, 40 ms in all");
    expect(tools?.note).toMatch(/^Derived/);
  });

  it("has no points when the record has no calls yet", () => {
    const empty = usageCharts({ ...usage, turns: [], modelCalls: [], toolCalls: [] });
    expect(empty.map((c) => [c.x.length, c.series.every((s) => s.values.length === 0)])).toEqual([
      [0, true],
      [0, true],
      [0, true],
    ]);
  });
});
