import type { AgentMetrics, MetricsCosts, OrgMetrics } from "../protocol/metrics.js";
import { mergeInto, percentiles } from "./histogram.js";
import type { LatencySeries, RecordMetricsState } from "./record-metrics.js";

/** The latency series of one agent, which an org's percentiles are merged from. */
export interface LatencySet {
  model: LatencySeries;
  tool: LatencySeries;
  turn: LatencySeries;
}

/** What an agent's object answers for its metrics: the wire view and its latency buckets. */
export interface AgentMetricsSnapshot {
  metrics: AgentMetrics;
  latency: LatencySet;
}

/**
 * The wire view of a folded record, with the object's cost measurements when it has them.
 *
 * @example
 * const snapshot = agentMetricsOf(agentId, state); // snapshot.metrics.tool_calls …
 */
export function agentMetricsOf(
  agentId: string,
  state: RecordMetricsState,
  costs?: MetricsCosts,
): AgentMetricsSnapshot {
  const metrics: AgentMetrics = {
    agent_id: agentId,
    head_seq: state.through_seq,
    ...countersOf(state, state.latency),
  };
  if (costs) metrics.costs = costs;
  return { metrics, latency: state.latency };
}

/**
 * The org's view: counters summed over its agents, percentiles from their merged buckets.
 *
 * @example
 * const org = orgMetricsOf([a, b]); // org.agents === 2
 */
export function orgMetricsOf(snapshots: readonly AgentMetricsSnapshot[]): OrgMetrics {
  const latency: LatencySet = {
    model: mergedSeries(snapshots.map((s) => s.latency.model)),
    tool: mergedSeries(snapshots.map((s) => s.latency.tool)),
    turn: mergedSeries(snapshots.map((s) => s.latency.turn)),
  };
  const total = {
    entries: 0,
    turns: 0,
    model_calls: 0,
    tool_calls: 0,
    tokens_in: 0,
    tokens_out: 0,
    errors: 0,
    bytes: 0,
    tool_calls_by_tool: {} as Record<string, number>,
    errors_by_code: {} as Record<string, number>,
  };
  for (const { metrics: m } of snapshots) {
    total.entries += m.entries;
    total.turns += m.turns;
    total.model_calls += m.model_calls;
    total.tool_calls += m.tool_calls;
    total.tokens_in += m.tokens_in;
    total.tokens_out += m.tokens_out;
    total.errors += m.errors;
    total.bytes += m.storage.bytes;
    mergeInto(total.tool_calls_by_tool, m.tool_calls_by_tool);
    mergeInto(total.errors_by_code, m.errors_by_code);
  }
  const { bytes, ...counters } = total;
  return {
    agents: snapshots.length,
    ...counters,
    latency_ms: {
      model: percentiles(latency.model.buckets),
      tool: percentiles(latency.tool.buckets),
      turn: percentiles(latency.turn.buckets),
    },
    storage: { bytes, rows: total.entries },
  };
}

function countersOf(state: RecordMetricsState, latency: LatencySet) {
  return {
    entries: state.entries,
    turns: state.turns,
    model_calls: state.model_calls,
    tool_calls: state.tool_calls,
    tokens_in: state.tokens_in,
    tokens_out: state.tokens_out,
    errors: state.errors,
    tool_calls_by_tool: { ...state.tool_calls_by_tool },
    errors_by_code: { ...state.errors_by_code },
    latency_ms: {
      model: percentiles(latency.model.buckets),
      tool: percentiles(latency.tool.buckets),
      turn: percentiles(latency.turn.buckets),
    },
    storage: { bytes: state.bytes, rows: state.entries },
  };
}

function mergedSeries(series: readonly LatencySeries[]): LatencySeries {
  const merged: LatencySeries = { buckets: {}, count: 0, sum: 0 };
  for (const s of series) {
    mergeInto(merged.buckets, s.buckets);
    merged.count += s.count;
    merged.sum += s.sum;
  }
  return merged;
}
