import type { RecordEntry } from "../../../src/core/record.js";
import { modelCallLatencyMs, toolCallDurationMs } from "../../../src/metrics/entry-timing.js";
import { payloadJson } from "../record/record-store.js";

/** One turn's tokens: the sum over its model calls' recorded `usage`. */
export interface TurnTokens {
  /** The turn's number, from 1, in record order. */
  turn: number;
  /** The seq of the turn's first model call. */
  seq: number;
  inputTokens: number;
  outputTokens: number;
  calls: number;
}

/** One model call: its seq, and the time since the entry before it (derived, not recorded). */
export interface ModelCall {
  seq: number;
  model: string;
  /** `reasoning.ts_ms − ts_ms` of the entry before it: the call plus the runner's own work. */
  derivedLatencyMs: number;
  ok: boolean;
}

/** One tool call: from its proposal's admission to its execution's (derived from timestamps). */
export interface ToolCall {
  seq: number;
  tool: string;
  /** `tool_execution.ts_ms − tool_proposal.ts_ms`; includes any wait for an approval. */
  derivedDurationMs: number;
  isError: boolean;
}

/** What the Usage tab plots, and its totals. */
export interface UsageSeries {
  turns: TurnTokens[];
  modelCalls: ModelCall[];
  toolCalls: ToolCall[];
  totals: {
    inputTokens: number;
    outputTokens: number;
    modelCalls: number;
    modelLatencyMs: number;
    toolCalls: number;
    toolMs: number;
  };
}

interface ReasoningShape {
  model?: unknown;
  response?: { model?: unknown; usage?: { input_tokens?: unknown; output_tokens?: unknown } };
  error?: unknown;
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/**
 * Derives the Usage tab's series from record entries (in any order; holes allowed).
 *
 * - tokens per turn: each `reasoning` entry's `response.usage`, summed by the turn its
 *   `reference_tx_hash` names (the turn's prompt);
 * - model latency per call: the record keeps no call timing, so it is the `reasoning` entry's
 *   `ts_ms` minus the previous entry's (when that previous entry is known);
 * - tool time per call: `tool_execution.ts_ms − tool_proposal.ts_ms` for one `tool_use_id`.
 *
 * @example
 * const { totals } = usageSeries(store.list().flatMap((r) => (r.entry ? [r.entry] : [])));
 */
export function usageSeries(entries: readonly RecordEntry[]): UsageSeries {
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  const turns: TurnTokens[] = [];
  const turnOf = new Map<string, TurnTokens>();
  const modelCalls: ModelCall[] = [];
  const toolCalls: ToolCall[] = [];
  const proposedAt = new Map<string, number>();
  let previous: RecordEntry | undefined;
  for (const entry of ordered) {
    const { tx } = entry;
    if (tx.tx_type === "reasoning") {
      const payload = (payloadJson(entry) ?? {}) as ReasoningShape;
      const usage = payload.response?.usage;
      const key = tx.reference_tx_hash ?? `seq:${entry.seq}`;
      let turn = turnOf.get(key);
      if (!turn) {
        turn = {
          turn: turns.length + 1,
          seq: entry.seq,
          inputTokens: 0,
          outputTokens: 0,
          calls: 0,
        };
        turnOf.set(key, turn);
        turns.push(turn);
      }
      turn.inputTokens += num(usage?.input_tokens);
      turn.outputTokens += num(usage?.output_tokens);
      turn.calls += 1;
      if (previous && previous.seq === entry.seq - 1) {
        const model = payload.response?.model ?? payload.model;
        modelCalls.push({
          seq: entry.seq,
          model: typeof model === "string" ? model : "",
          derivedLatencyMs: modelCallLatencyMs(previous.tx.ts_ms, tx.ts_ms),
          ok: payload.error === undefined,
        });
      }
    } else if (tx.tx_type === "tool_proposal" || tx.tx_type === "tool_execution") {
      const payload = payloadJson(entry) as
        | { tool_use_id?: unknown; tool?: unknown; is_error?: unknown; decision?: unknown }
        | undefined;
      if (typeof payload?.tool_use_id === "string") {
        if (tx.tx_type === "tool_proposal") proposedAt.set(payload.tool_use_id, tx.ts_ms);
        else {
          const start = proposedAt.get(payload.tool_use_id);
          if (start !== undefined && payload.decision !== "denied") {
            toolCalls.push({
              seq: entry.seq,
              tool: typeof payload.tool === "string" ? payload.tool : "",
              derivedDurationMs: toolCallDurationMs(start, tx.ts_ms),
              isError: payload.is_error === true,
            });
          }
        }
      }
    }
    previous = entry;
  }
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
  return {
    turns,
    modelCalls,
    toolCalls,
    totals: {
      inputTokens: sum(turns, (t) => t.inputTokens),
      outputTokens: sum(turns, (t) => t.outputTokens),
      modelCalls: sum(turns, (t) => t.calls),
      modelLatencyMs: sum(modelCalls, (c) => c.derivedLatencyMs),
      toolCalls: toolCalls.length,
      toolMs: sum(toolCalls, (c) => c.derivedDurationMs),
    },
  };
}
