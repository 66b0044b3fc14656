import "uplot/dist/uPlot.min.css";
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { RecordEntry } from "../../../src/core/record.js";
import type { RecordStore } from "../record/record-store.js";
import "./usage.css";
import { type ChartSpec, usageCharts } from "./usage-charts.js";
import type { MountedPlot } from "./usage-plot.js";
import { usageSeries } from "./usage-series.js";

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * Where uPlot draws the chart, once its chunk has loaded (on the first chart shown); later
 * specs update the mounted chart in place.
 */
function Plot({ spec }: { spec: ChartSpec }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<MountedPlot | undefined>(undefined);
  const latest = useRef(spec);
  latest.current = spec;
  useEffect(() => {
    let gone = false;
    void import("./usage-plot.js").then(({ mountPlot }) => {
      if (!gone && host.current) plot.current = mountPlot(host.current, latest.current);
    });
    return () => {
      gone = true;
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, []);
  useEffect(() => plot.current?.update(spec), [spec]);
  return (
    <div
      ref={host}
      class="usage-plot"
      role="img"
      aria-label={`${spec.title}: ${spec.summary}`}
      data-testid={`${spec.id}-plot`}
    />
  );
}

/**
 * The chart's values as a table, for screen readers: hidden from sight (by its wrapper, as a
 * table is never narrower than its content), not from them.
 */
function DataTable({ spec }: { spec: ChartSpec }) {
  return (
    <div class="usage-data">
      <table data-testid={`${spec.id}-data`}>
        <caption>{spec.title}</caption>
        <thead>
          <tr>
            <th scope="col">{spec.xLabel}</th>
            {spec.series.map((s) => (
              <th key={s.label} scope="col">
                {spec.series.length > 1 ? `${s.label} ${spec.yLabel}` : spec.yLabel}
              </th>
            ))}
            <th scope="col">entry</th>
          </tr>
        </thead>
        <tbody>
          {spec.x.map((x, i) => (
            <tr key={x}>
              <th scope="row">{x}</th>
              {spec.series.map((s) => (
                <td key={s.label}>{fmt(s.values[i] ?? 0)}</td>
              ))}
              <td>{spec.details[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One chart: its heading, the plot (an image named by its title and totals), the totals as text. */
function UsageChart({ spec }: { spec: ChartSpec }) {
  return (
    <figure class="usage-chart" aria-labelledby={`${spec.id}-title`}>
      <h2 id={`${spec.id}-title`}>{spec.title}</h2>
      <Plot spec={spec} />
      <DataTable spec={spec} />
      <figcaption>
        <output data-testid={`${spec.id}-summary`}>{spec.summary}</output>
        {spec.note && <span class="muted"> {spec.note}</span>}
      </figcaption>
    </figure>
  );
}

/**
 * The Usage tab: tokens per turn, model latency per call and tool time per call, from the
 * record the page holds (re-derived as it grows), drawn by uPlot with their totals as text.
 */
export function UsageView({ store, recordVersion }: { store: RecordStore; recordVersion: number }) {
  const charts = useMemo(() => {
    const entries: RecordEntry[] = [];
    for (const row of store.rows) if (row?.entry) entries.push(row.entry);
    return usageCharts(usageSeries(entries));
  }, [store, recordVersion]);
  return (
    <div class="usage">
      {charts.map((spec) => (
        <UsageChart key={spec.id} spec={spec} />
      ))}
    </div>
  );
}
