import { useMemo } from "preact/hooks";
import type { RecordEntry } from "../../../src/core/record.js";
import type { RecordStore } from "../record/record-store.js";
import "./usage.css";
import { usageSeries } from "./usage-series.js";

/** One bar of a chart: its label (for the bar's title) and values stacked bottom-up. */
interface Bar {
  label: string;
  values: number[];
}

const WIDTH = 600;
const HEIGHT = 160;

/**
 * A bar chart as SVG: presentation attributes and classes only (no inline style, which the
 * console's CSP `style-src 'self'` would block). The text summary beside it is what screen
 * readers and tests read.
 */
function BarChart({
  id,
  title,
  bars,
  summary,
  note,
  series,
}: {
  id: string;
  title: string;
  bars: Bar[];
  summary: string;
  note?: string;
  series: string[];
}) {
  const max = Math.max(1, ...bars.map((b) => b.values.reduce((n, v) => n + v, 0)));
  const step = bars.length ? WIDTH / bars.length : WIDTH;
  const barWidth = Math.min(48, Math.max(1, step * 0.8));
  return (
    <figure class="usage-chart" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title}: ${summary}`}
        class="usage-svg"
      >
        <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} class="usage-axis" />
        {bars.map((bar, i) => {
          let base = HEIGHT;
          return (
            <g key={bar.label}>
              <title>{bar.label}</title>
              {bar.values.map((v, k) => {
                const h = (v / max) * (HEIGHT - 4);
                base -= h;
                return (
                  <rect
                    key={series[k]}
                    x={i * step + (step - barWidth) / 2}
                    y={base}
                    width={barWidth}
                    height={h}
                    class={`usage-bar usage-bar-${k}`}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <output data-testid={`${id}-summary`}>{summary}</output>
        {series.length > 1 && (
          <span class="usage-legend">
            {series.map((s, k) => (
              <span key={s} class={`usage-key usage-key-${k}`}>
                {s}
              </span>
            ))}
          </span>
        )}
        {note && <span class="muted"> {note}</span>}
      </figcaption>
    </figure>
  );
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * The Usage tab: tokens per turn, model latency per call and tool time per call, from the
 * record the page holds (re-derived as it grows).
 */
export function UsageView({ store, recordVersion }: { store: RecordStore; recordVersion: number }) {
  const usage = useMemo(() => {
    const entries: RecordEntry[] = [];
    for (const row of store.rows) if (row?.entry) entries.push(row.entry);
    return usageSeries(entries);
  }, [store, recordVersion]);
  const { totals } = usage;
  return (
    <div class="usage">
      <BarChart
        id="usage-tokens"
        title="Tokens per turn"
        series={["input", "output"]}
        bars={usage.turns.map((t) => ({
          label: `turn ${t.turn} (seq ${t.seq}): ${fmt(t.inputTokens)} input, ${fmt(t.outputTokens)} output tokens, ${t.calls} model calls`,
          values: [t.inputTokens, t.outputTokens],
        }))}
        summary={`${usage.turns.length} turns, ${fmt(totals.inputTokens)} input tokens, ${fmt(totals.outputTokens)} output tokens, ${totals.modelCalls} model calls`}
      />
      <BarChart
        id="usage-latency"
        title="Model latency per call"
        series={["ms"]}
        bars={usage.modelCalls.map((c) => ({
          label: `seq ${c.seq} ${c.model}: ${fmt(c.derivedLatencyMs)} ms`,
          values: [c.derivedLatencyMs],
        }))}
        summary={`${usage.modelCalls.length} calls, ${fmt(totals.modelLatencyMs)} ms in all`}
        note="Derived: the record keeps no call timing, so this is each reasoning entry's time minus the entry before it."
      />
      <BarChart
        id="usage-tools"
        title="Tool time per call"
        series={["ms"]}
        bars={usage.toolCalls.map((c) => ({
          label: `seq ${c.seq} ${c.tool}: ${fmt(c.derivedDurationMs)} ms`,
          values: [c.derivedDurationMs],
        }))}
        summary={`${usage.toolCalls.length} tool calls, ${fmt(totals.toolMs)} ms in all`}
        note="Derived: from the tool_proposal entry's time to the tool_execution entry's (includes any wait for an approval)."
      />
    </div>
  );
}
