import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry } from "../core/record.js";
import {
  modelCallLatencyMs,
  opensTurn,
  payloadObject,
  toolCallDurationMs,
  turnDurationMs,
  turnSummaryOf,
} from "./entry-timing.js";
import { type Histogram, observe } from "./histogram.js";

/** One latency series: its histogram, with the count and sum of its samples (ms). */
export interface LatencySeries {
  buckets: Histogram;
  count: number;
  sum: number;
}

/**
 * What an agent's record says about its work, folded entry by entry ({@link foldEntry}):
 * counters, latency histograms and what the fold must remember between entries to pair them
 * (the entry before, open turns, tool calls proposed and not yet executed). Plain JSON, kept
 * in one row; a function of the entries alone, so a replay or a copy of the record (a fork,
 * an import) folds to the same state.
 */
export interface RecordMetricsState {
  /** The last seq folded in (0: none). */
  through_seq: number;
  entries: number;
  /** Turns opened: prompts, and messages that are not a turn's reply. */
  turns: number;
  /** `reasoning` entries. */
  model_calls: number;
  /** `tool_execution` entries (a refused call included). */
  tool_calls: number;
  /** Σ `response.usage.input_tokens` of the `reasoning` entries. */
  tokens_in: number;
  tokens_out: number;
  /** Failed model calls, failed tool calls and turns that ended in an error. */
  errors: number;
  tool_calls_by_tool: Record<string, number>;
  errors_by_code: Record<string, number>;
  latency: { model: LatencySeries; tool: LatencySeries; turn: LatencySeries };
  /** Σ UTF-8 bytes of each entry's canonical JSON. */
  bytes: number;
  /** `ts_ms` of the entry at `through_seq`. */
  last_ts_ms: number | null;
  /** Inbound `tx_id` → `ts_ms` of turns without a reply yet. */
  open_turns: Record<string, number>;
  /** `tool_use_id` → `ts_ms` of proposals without an execution yet (cleared when a turn ends). */
  proposed_at: Record<string, number>;
}

/** Turns remembered without a reply, at most (one runs at a time; the bound is a safety net). */
const MAX_OPEN_TURNS = 64;

/**
 * The state of an empty record.
 *
 * @example
 * const state = [...entries].reduce(foldEntry, initialMetrics());
 */
export function initialMetrics(): RecordMetricsState {
  return {
    through_seq: 0,
    entries: 0,
    turns: 0,
    model_calls: 0,
    tool_calls: 0,
    tokens_in: 0,
    tokens_out: 0,
    errors: 0,
    tool_calls_by_tool: {},
    errors_by_code: {},
    latency: { model: emptySeries(), tool: emptySeries(), turn: emptySeries() },
    bytes: 0,
    last_ts_ms: null,
    open_turns: {},
    proposed_at: {},
  };
}

function emptySeries(): LatencySeries {
  return { buckets: {}, count: 0, sum: 0 };
}

/**
 * Folds the next entry of the record into `state`, in place, and returns it. Entries must come
 * in seq order; one at or before `through_seq` is ignored (folding twice changes nothing). An
 * entry whose payload it does not understand is counted and otherwise skipped: it never throws.
 *
 * @example
 * for (const entry of page) foldEntry(state, entry);
 */
export function foldEntry(state: RecordMetricsState, entry: RecordEntry): RecordMetricsState {
  if (entry.seq <= state.through_seq) return state;
  const { tx } = entry;
  state.entries += 1;
  state.bytes += utf8Length(canonicalJson(entry));
  switch (tx.tx_type) {
    case "reasoning":
      foldModelCall(state, entry);
      break;
    case "tool_proposal":
      foldToolProposal(state, entry);
      break;
    case "tool_execution":
      foldToolExecution(state, entry);
      break;
    default:
      if (opensTurn(entry)) foldTurnOpened(state, entry);
      else foldTurnReply(state, entry);
  }
  state.through_seq = entry.seq;
  state.last_ts_ms = tx.ts_ms;
  return state;
}

function foldModelCall(state: RecordMetricsState, entry: RecordEntry): void {
  state.model_calls += 1;
  const payload = payloadObject(entry);
  const usage = record(record(payload?.response)?.usage);
  state.tokens_in += count(usage?.input_tokens);
  state.tokens_out += count(usage?.output_tokens);
  const error = record(payload?.error);
  if (error) addError(state, typeof error.code === "string" ? error.code : "model_error");
  // The entry before is known only when it was folded just now (the fold is in seq order).
  if (state.last_ts_ms !== null && state.through_seq === entry.seq - 1) {
    addSample(state.latency.model, modelCallLatencyMs(state.last_ts_ms, entry.tx.ts_ms));
  }
}

function foldToolProposal(state: RecordMetricsState, entry: RecordEntry): void {
  const id = payloadObject(entry)?.tool_use_id;
  if (typeof id === "string") state.proposed_at[id] = entry.tx.ts_ms;
}

function foldToolExecution(state: RecordMetricsState, entry: RecordEntry): void {
  state.tool_calls += 1;
  const payload = payloadObject(entry);
  const tool = typeof payload?.tool === "string" ? payload.tool : "";
  state.tool_calls_by_tool[tool] = (state.tool_calls_by_tool[tool] ?? 0) + 1;
  if (payload?.is_error === true) {
    const code = record(record(payload.result)?.metadata)?.error_code;
    addError(state, typeof code === "string" ? code : "tool_error");
  }
  const id = payload?.tool_use_id;
  if (typeof id !== "string") return;
  const proposedAt = state.proposed_at[id];
  delete state.proposed_at[id];
  // A refused call never ran: it has no duration.
  if (proposedAt !== undefined && payload?.decision !== "denied") {
    addSample(state.latency.tool, toolCallDurationMs(proposedAt, entry.tx.ts_ms));
  }
}

function foldTurnOpened(state: RecordMetricsState, entry: RecordEntry): void {
  state.turns += 1;
  const open = Object.keys(state.open_turns);
  if (open.length >= MAX_OPEN_TURNS) delete state.open_turns[open[0] as string];
  state.open_turns[entry.tx.hash] = entry.tx.ts_ms;
}

function foldTurnReply(state: RecordMetricsState, entry: RecordEntry): void {
  const summary = turnSummaryOf(entry);
  if (!summary) return;
  const error = record(summary.error);
  if (error) addError(state, typeof error.code === "string" ? error.code : "turn_error");
  const inbound = entry.tx.reference_tx_hash;
  const openedAt = inbound === undefined ? undefined : state.open_turns[inbound];
  if (inbound !== undefined && openedAt !== undefined) {
    delete state.open_turns[inbound];
    addSample(state.latency.turn, turnDurationMs(openedAt, entry.tx.ts_ms));
  }
  state.proposed_at = {};
}

function addError(state: RecordMetricsState, code: string): void {
  state.errors += 1;
  state.errors_by_code[code] = (state.errors_by_code[code] ?? 0) + 1;
}

function addSample(series: LatencySeries, ms: number): void {
  observe(series.buckets, ms);
  series.count += 1;
  series.sum += ms;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** UTF-8 bytes of a string, counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
