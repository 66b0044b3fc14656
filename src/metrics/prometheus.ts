import type { AgentMetrics } from "../protocol/metrics.js";
import type { AgentMetricsSnapshot } from "./metrics-view.js";
import type { LatencySeries } from "./record-metrics.js";

/** `content-type` of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;
interface Sample {
  labels: Labels;
  value: number | null;
  /** Appended to the family's name (`_sum`, `_count` of a summary). */
  suffix?: string;
}
interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "summary";
  samples: (m: AgentMetrics, latency: AgentMetricsSnapshot["latency"]) => Sample[];
}

const one = (value: number): Sample[] => [{ labels: {}, value }];

/** Every family, in the order it is written; labels other than `agent_id` per sample. */
const FAMILIES: Family[] = [
  {
    name: "aura_entries_total",
    help: "Record entries.",
    type: "counter",
    samples: (m) => one(m.entries),
  },
  {
    name: "aura_turns_total",
    help: "Turns opened (prompts and messages).",
    type: "counter",
    samples: (m) => one(m.turns),
  },
  {
    name: "aura_model_calls_total",
    help: "Model calls (reasoning entries).",
    type: "counter",
    samples: (m) => one(m.model_calls),
  },
  {
    name: "aura_tool_calls_total",
    help: "Tool calls (tool_execution entries), by tool.",
    type: "counter",
    samples: (m) => byKey(m.tool_calls_by_tool, "tool"),
  },
  {
    name: "aura_tokens_in_total",
    help: "Input tokens of recorded model answers.",
    type: "counter",
    samples: (m) => one(m.tokens_in),
  },
  {
    name: "aura_tokens_out_total",
    help: "Output tokens of recorded model answers.",
    type: "counter",
    samples: (m) => one(m.tokens_out),
  },
  {
    name: "aura_errors_total",
    help: "Failed model calls, failed tool calls and turns ended by an error, by code.",
    type: "counter",
    samples: (m) => byKey(m.errors_by_code, "code"),
  },
  {
    name: "aura_storage_bytes",
    help: "UTF-8 bytes of the record's entries (canonical JSON).",
    type: "gauge",
    samples: (m) => one(m.storage.bytes),
  },
  {
    name: "aura_storage_rows",
    help: "Rows of the record table.",
    type: "gauge",
    samples: (m) => one(m.storage.rows),
  },
  summary("aura_model_latency_ms", "Derived model call latency, ms.", "model"),
  summary("aura_tool_latency_ms", "Derived tool call duration, ms.", "tool"),
  summary("aura_turn_latency_ms", "Derived turn duration (admission to reply), ms.", "turn"),
];

function byKey(counts: Record<string, number>, label: string): Sample[] {
  return Object.keys(counts)
    .sort()
    .map((key) => ({ labels: { [label]: key }, value: counts[key] ?? 0 }));
}

function summary(name: string, help: string, key: "model" | "tool" | "turn"): Family {
  return {
    name,
    help,
    type: "summary",
    samples: (m, latency): Sample[] => {
      const p = m.latency_ms[key];
      const series: LatencySeries = latency[key];
      return [
        { labels: { quantile: "0.5" }, value: p.p50 },
        { labels: { quantile: "0.95" }, value: p.p95 },
        { labels: { quantile: "0.99" }, value: p.p99 },
        { labels: {}, value: series.sum, suffix: "_sum" },
        { labels: {}, value: series.count, suffix: "_count" },
      ];
    },
  };
}

/**
 * The Prometheus text format of agents' metrics: `# HELP` and `# TYPE` once per family, then
 * one sample per agent (label `agent_id`, plus `tool`, `code` or `quantile`), and `aura_agents`
 * when `agents` is given. A percentile without samples is `NaN`.
 *
 * @example
 * prometheusText([snapshot], 1); // "# HELP aura_agents …\naura_agents 1\n…"
 */
export function prometheusText(
  snapshots: readonly AgentMetricsSnapshot[],
  agents?: number,
): string {
  const lines: string[] = [];
  if (agents !== undefined) {
    lines.push("# HELP aura_agents Agents of the org.", "# TYPE aura_agents gauge");
    lines.push(`aura_agents ${agents}`);
  }
  for (const family of FAMILIES) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const { metrics, latency } of snapshots) {
      for (const { labels, value, suffix = "" } of family.samples(metrics, latency)) {
        const all = { agent_id: metrics.agent_id, ...labels };
        lines.push(`${family.name}${suffix}${labelText(all)} ${valueText(value)}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `{${parts.join(",")}}`;
}

/** A label value as the format escapes it: backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function valueText(value: number | null): string {
  return value === null ? "NaN" : String(value);
}
