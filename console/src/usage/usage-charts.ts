import type { UsageSeries } from "./usage-series.js";

/** One plotted series: its legend label and one value per point on the x axis. */
export interface ChartSeries {
  label: string;
  values: number[];
}

/** What one Usage chart plots and says about itself, independent of how it is drawn. */
export interface ChartSpec {
  /** The base of its element ids and test ids (`usage-tokens`, …). */
  id: string;
  title: string;
  /** The x axis's label: what one point is (`turn`, `call`). */
  xLabel: string;
  /** The y axis's label, with its unit (`tokens`, `ms`). */
  yLabel: string;
  /** The x values: 1, 2, … one per turn or call. */
  x: number[];
  series: ChartSeries[];
  /** One line per point, for the data table under the chart (`seq 5 read_file`). */
  details: string[];
  /** The totals, as text. */
  summary: string;
  /** Said under the chart when its values are derived rather than recorded. */
  note?: string;
}

const fmt = (n: number) => n.toLocaleString("en-US");
const ordinals = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * The Usage tab's three charts — tokens per turn (input and output), model latency per call,
 * tool time per call — with their axes' labels and their totals as text.
 *
 * @example
 * const [tokens] = usageCharts(usageSeries(entries));
 * tokens.series.map((s) => s.label); // ["input", "output"]
 */
export function usageCharts(usage: UsageSeries): ChartSpec[] {
  const { totals } = usage;
  return [
    {
      id: "usage-tokens",
      title: "Tokens per turn",
      xLabel: "turn",
      yLabel: "tokens",
      x: ordinals(usage.turns.length),
      series: [
        { label: "input", values: usage.turns.map((t) => t.inputTokens) },
        { label: "output", values: usage.turns.map((t) => t.outputTokens) },
      ],
      details: usage.turns.map((t) => `seq ${t.seq}, ${t.calls} model calls`),
      summary: `${usage.turns.length} turns, ${fmt(totals.inputTokens)} input tokens, ${fmt(totals.outputTokens)} output tokens, ${totals.modelCalls} model calls`,
    },
    {
      id: "usage-latency",
      title: "Model latency per call",
      xLabel: "call",
      yLabel: "ms",
      x: ordinals(usage.modelCalls.length),
      series: [{ label: "latency", values: usage.modelCalls.map((c) => c.derivedLatencyMs) }],
      details: usage.modelCalls.map((c) => `seq ${c.seq} ${c.model}`),
      summary: `${usage.modelCalls.length} calls, ${fmt(totals.modelLatencyMs)} ms in all`,
      note: "Derived: the record keeps no call timing, so this is each reasoning entry's time minus the entry before it.",
    },
    {
      id: "usage-tools",
      title: "Tool time per call",
      xLabel: "call",
      yLabel: "ms",
      x: ordinals(usage.toolCalls.length),
      series: [{ label: "duration", values: usage.toolCalls.map((c) => c.derivedDurationMs) }],
      details: usage.toolCalls.map((c) => `seq ${c.seq} ${c.tool}${c.isError ? " (error)" : ""}`),
      summary: `${usage.toolCalls.length} tool calls, ${fmt(totals.toolMs)} ms in all`,
      note: "Derived: from the tool_proposal entry's time to the tool_execution entry's (includes any wait for an approval).",
    },
  ];
}
