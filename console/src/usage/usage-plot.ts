// Loaded on demand (a chunk of its own, fetched when the Usage tab first shows a chart): uPlot
// and the options the Usage charts give it. uPlot draws on a canvas and styles its DOM only
// through the CSSOM (`element.style.x = …`), which the console's `style-src 'self'` allows;
// its stylesheet is part of app.css (imported by usage-view.tsx).
import uPlot from "uplot";
import type { ChartSpec } from "./usage-charts.js";

/** A chart mounted in its host element, following the host's width and the page's theme. */
export interface MountedPlot {
  /** Draws new values (the same series, more or fewer points). */
  update(spec: ChartSpec): void;
  destroy(): void;
}

/** The colours a chart is drawn with, read from the page's CSS custom properties. */
interface Palette {
  text: string;
  muted: string;
  grid: string;
  series: string[];
}

const HEIGHT = 200;
const FONT = "12px system-ui, sans-serif";
/** Steps between x ticks: whole turns or calls only. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

function paletteOf(host: HTMLElement): Palette {
  const css = getComputedStyle(host);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: read("--text", "#1c1d21"),
    muted: read("--muted", "#60646c"),
    grid: read("--line", "#d9dbe0"),
    series: [read("--usage-series-0", "#3b82f6"), read("--usage-series-1", "#f59e0b")],
  };
}

const dataOf = (spec: ChartSpec): uPlot.AlignedData => [
  spec.x,
  ...spec.series.map((s) => s.values),
];

const fmt = (n: number) => n.toLocaleString("en-US");

function optionsOf(
  spec: ChartSpec,
  palette: Palette,
  width: number,
  host: HTMLElement,
): uPlot.Options {
  const grouped = spec.series.length > 1;
  /** Writes the tick labels an axis drew onto the host, for tests and for inspecting the page. */
  const ticks = (axis: "x" | "y", labels: string[]) => {
    host.dataset[axis === "x" ? "xTicks" : "yTicks"] = labels.join(" ");
    return labels;
  };
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: palette.muted,
    font: FONT,
    labelFont: FONT,
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1 },
  });
  return {
    width,
    height: HEIGHT,
    scales: {
      x: {
        time: false,
        // Half a step either side, so the first and last bars are whole.
        range: (u) => [0.5, Math.max(1, u.data[0].length) + 0.5],
      },
      y: { range: (_u, _min, max) => uPlot.rangeNum(0, max > 0 ? max : 1, 0.1, true) },
    },
    axes: [
      {
        ...axis(spec.xLabel),
        grid: { show: false },
        incrs: WHOLE_STEPS,
        values: (_u, splits) =>
          ticks(
            "x",
            splits.map((v) => fmt(v)),
          ),
      },
      {
        ...axis(spec.yLabel),
        size: 56,
        values: (_u, splits) =>
          ticks(
            "y",
            splits.map((v) => fmt(v)),
          ),
      },
    ],
    series: [
      { label: spec.xLabel, value: (_u, v) => (v == null ? "–" : fmt(v)) },
      ...spec.series.map(
        (s, i): uPlot.Series => ({
          label: s.label,
          stroke: palette.series[i] ?? palette.text,
          fill: palette.series[i] ?? palette.text,
          width: 0,
          points: { show: false },
          paths: uPlot.paths.bars?.({
            size: grouped ? [0.4, 32] : [0.6, 48],
            align: grouped ? (i === 0 ? -1 : 1) : 0,
          }),
          value: (_u, v) => (v == null ? "–" : `${fmt(v)} ${spec.yLabel}`),
        }),
      ),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
  };
}

/** Calls `changed` when the page's theme changes (a picked theme, or the system's). */
function watchTheme(doc: Document, changed: () => void): () => void {
  const observer = new MutationObserver(changed);
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  const media = doc.defaultView?.matchMedia("(prefers-color-scheme: dark)");
  media?.addEventListener("change", changed);
  return () => {
    observer.disconnect();
    media?.removeEventListener("change", changed);
  };
}

/**
 * Draws `spec` with uPlot in `host` (axes with scales and labels, a legend whose values follow
 * the cursor), as wide as the host and redrawn in the theme's colours when the theme changes.
 *
 * @example
 * const plot = mountPlot(div, usageCharts(usage)[0]);
 * plot.update(usageCharts(next)[0]);
 */
export function mountPlot(host: HTMLElement, first: ChartSpec): MountedPlot {
  let spec = first;
  const widthOf = () => Math.max(160, Math.floor(host.clientWidth));
  const build = () =>
    new uPlot(optionsOf(spec, paletteOf(host), widthOf(), host), dataOf(spec), host);
  let plot = build();
  const rebuild = () => {
    plot.destroy();
    plot = build();
  };
  const resized = new ResizeObserver(() => {
    const width = widthOf();
    if (width !== plot.width) plot.setSize({ width, height: HEIGHT });
  });
  resized.observe(host);
  const unwatch = watchTheme(host.ownerDocument, rebuild);
  return {
    update(next) {
      spec = next;
      plot.setData(dataOf(next));
    },
    destroy() {
      unwatch();
      resized.disconnect();
      plot.destroy();
    },
  };
}
