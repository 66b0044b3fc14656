import { base64ToText } from "../core/base64.js";
import type { RecordEntry } from "../core/record.js";

/**
 * Timings derived from record entries. The record keeps no call timing, only each entry's
 * `ts_ms` (when its transaction was admitted or staged), so durations are differences of
 * those timestamps — the same rule wherever they are shown (the metrics route, the console's
 * Usage tab):
 *
 * - a model call: its `reasoning` entry's `ts_ms` minus the entry just before it (the call
 *   plus the runner's own work since that entry);
 * - a tool call: its `tool_execution` entry's `ts_ms` minus its `tool_proposal`'s (for one
 *   `tool_use_id`), which includes any wait for an approval;
 * - a turn: its reply's `ts_ms` minus its inbound entry's (admission to reply, so a wait in
 *   the queue counts).
 *
 * A clock that went backwards gives 0, never a negative duration.
 */

/**
 * The derived latency of a model call from the `ts_ms` of the entry just before its
 * `reasoning` entry and of the `reasoning` entry itself.
 *
 * @example
 * modelCallLatencyMs(1_000, 1_840); // 840
 */
export function modelCallLatencyMs(previousAtMs: number, reasoningAtMs: number): number {
  return elapsed(previousAtMs, reasoningAtMs);
}

/**
 * The derived duration of a tool call from its proposal's and execution's `ts_ms`.
 *
 * @example
 * toolCallDurationMs(1_000, 1_250); // 250
 */
export function toolCallDurationMs(proposedAtMs: number, executedAtMs: number): number {
  return elapsed(proposedAtMs, executedAtMs);
}

/**
 * The derived duration of a turn from its inbound entry's and its reply's `ts_ms`.
 *
 * @example
 * turnDurationMs(1_000, 4_000); // 3000
 */
export function turnDurationMs(inboundAtMs: number, replyAtMs: number): number {
  return elapsed(inboundAtMs, replyAtMs);
}

function elapsed(fromMs: number, toMs: number): number {
  return Math.max(0, toMs - fromMs);
}

/**
 * An entry's payload read as JSON, or undefined when it is not JSON (a prompt's text). Never
 * throws: readers of metrics must not fail on an entry they do not understand.
 */
export function payloadObject(entry: RecordEntry): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(base64ToText(entry.tx.payload));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** True for the kernel's `agent_msg` that ends a turn: its trace carries the turn's summary. */
export function isTurnReply(entry: RecordEntry): boolean {
  return turnSummaryOf(entry) !== undefined;
}

/** The `proposals.trace.turn` a turn's reply records, if `entry` is one. */
export function turnSummaryOf(entry: RecordEntry): Record<string, unknown> | undefined {
  if (entry.tx.tx_type !== "agent_msg") return undefined;
  const trace = entry.proposals.trace;
  if (typeof trace !== "object" || trace === null || Array.isArray(trace)) return undefined;
  const turn = (trace as Record<string, unknown>).turn;
  return typeof turn === "object" && turn !== null && !Array.isArray(turn)
    ? (turn as Record<string, unknown>)
    : undefined;
}

/** True when an entry opens a turn: a prompt, or a message that is not a turn's reply. */
export function opensTurn(entry: RecordEntry): boolean {
  const type = entry.tx.tx_type;
  return type === "user_prompt" || (type === "agent_msg" && !isTurnReply(entry));
}
