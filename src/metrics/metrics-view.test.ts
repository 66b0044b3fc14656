import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import type { RecordEntry } from "../core/record.js";
import { fakeEntry } from "../core/record-fixture.js";
import { AgentMetrics, OrgMetrics } from "../protocol/metrics.js";
import { agentMetricsOf, orgMetricsOf } from "./metrics-view.js";
import { prometheusText } from "./prometheus.js";
import { foldEntry, initialMetrics } from "./record-metrics.js";

const json = (value: unknown) => textToBase64(JSON.stringify(value));

/** A record of `calls` tool calls to `tool`, each `ms` long. */
function calls(tool: string, n: number, ms: number): RecordEntry[] {
  const entries: RecordEntry[] = [];
  for (let i = 0; i < n; i++) {
    const proposal = fakeEntry(2 * i + 1, "tool_proposal", json({ tool_use_id: `t${i}`, tool }));
    const execution = fakeEntry(
      2 * i + 2,
      "tool_execution",
      json({ tool_use_id: `t${i}`, tool, is_error: false }),
    );
    proposal.tx.ts_ms = 1_000 * i;
    execution.tx.ts_ms = 1_000 * i + ms;
    entries.push(proposal, execution);
  }
  return entries;
}

const snapshot = (id: string, entries: RecordEntry[]) =>
  agentMetricsOf(id, entries.reduce(foldEntry, initialMetrics()));

describe("metrics views", () => {
  it("an agent's view matches its wire schema", () => {
    const { metrics } = snapshot("a", calls("read_file", 3, 20));
    expect(AgentMetrics.parse(metrics)).toEqual(metrics);
    expect(metrics).toMatchObject({ agent_id: "a", head_seq: 6, entries: 6, tool_calls: 3 });
    expect(metrics.latency_ms.model).toEqual({ p50: null, p95: null, p99: null });
  });

  it("the org's view sums the counters and takes percentiles over every agent's samples", () => {
    const a = snapshot("a", calls("read_file", 9, 10));
    const b = snapshot("b", calls("run_command", 1, 5_000));
    const org = orgMetricsOf([a, b]);
    expect(OrgMetrics.parse(org)).toEqual(org);
    expect(org).toMatchObject({
      agents: 2,
      entries: 20,
      tool_calls: 10,
      tool_calls_by_tool: { read_file: 9, run_command: 1 },
      storage: { bytes: a.metrics.storage.bytes + b.metrics.storage.bytes, rows: 20 },
    });
    expect(org.latency_ms.tool.p50).toBeCloseTo(10, -1);
    expect(Math.abs((org.latency_ms.tool.p99 as number) - 5_000) / 5_000).toBeLessThan(0.045);
  });

  it("writes the Prometheus text format: HELP and TYPE per family, one line per series", () => {
    const a = snapshot("a", calls('say "hi"\n', 2, 10));
    const text = prometheusText([a], 1);
    const lines = text.trimEnd().split("\n");
    for (const line of lines) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) aura_\w+ .+|aura_\w+(\{[^{}]*\})? (NaN|-?\d+(\.\d+)?))$/,
      );
    }
    expect(lines).toContain("aura_agents 1");
    expect(lines).toContain('aura_entries_total{agent_id="a"} 4');
    expect(lines).toContain('aura_tool_calls_total{agent_id="a",tool="say \\"hi\\"\\n"} 2');
    expect(lines).toContain('aura_tool_latency_ms_count{agent_id="a"} 2');
    expect(lines).toContain('aura_model_latency_ms{agent_id="a",quantile="0.5"} NaN');
    expect(lines).toContain("# TYPE aura_turn_latency_ms summary");
  });
});
