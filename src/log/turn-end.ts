import type { LoopStopReason } from "../agent/events.js";
import type { LoopResult } from "../agent/loop-types.js";
import type { RecordEntry } from "../core/record.js";
import type { LogFieldsInput } from "./fields.js";
import type { LogLevel } from "./levels.js";

/**
 * How a run of a turn ended: `completed`, `failed` (the loop stopped on an error),
 * `cancelled` (a watcher asked), `suspended` (a call waits for a person's approval) or
 * `paused` (the agent was paused) — those two resume later — or `crashed` (it threw).
 */
export type TurnOutcome = "completed" | "failed" | "cancelled" | "suspended" | "paused" | "crashed";

/** One run of a turn, as the log reports it. */
export interface TurnEnd {
  /** The seq of the entry that opened the turn, and its transaction's hash. */
  turnSeq: number;
  txId: string;
  /** The seq of the turn's last entry when the run ended. */
  lastSeq: number;
  outcome: TurnOutcome;
  /** The loop's stop reason, when the loop returned. */
  stopReason?: LoopStopReason;
  /** The loop's error code, when it stopped on one. */
  errorCode?: string;
  /** Entries the turn has recorded so far, the one that opened it included (earlier runs' too). */
  entries: number;
  /** Model calls and tool calls the turn has recorded so far (earlier runs' too). */
  modelCalls: number;
  toolCalls: number;
  /**
   * Input and output tokens of the turn's model calls as the loop counted them when it
   * returned (calls recorded by earlier runs included: the loop replays them); 0 when it did
   * not return (a run that suspended or crashed).
   */
  inputTokens: number;
  outputTokens: number;
  /** Wall time of this run, in milliseconds, by the monitor's clock. */
  durationMs: number;
}

/** Watches runs of turns for the operational log; nothing it sees reaches the record. */
export interface TurnMonitor {
  /** A monotonic clock in milliseconds, read only to time runs. */
  clock(): number;
  /** Called once per run of a turn, however it ended; must not throw. */
  ended(end: TurnEnd): void;
}

/** How a run of a turn ended: its outcome, and the loop's result when the loop returned. */
export interface TurnRun {
  outcome: TurnOutcome;
  result?: LoopResult;
}

/**
 * The outcome of a turn whose loop returned and whose reply was recorded.
 *
 * @example
 * outcomeOf(result); // "completed", "failed" or "cancelled"
 */
export function outcomeOf(result: LoopResult): TurnOutcome {
  if (result.stop_reason === "cancelled") return "cancelled";
  return result.error ? "failed" : "completed";
}

/**
 * The log's view of a run of the turn opened by `inbound`, from the turn's entries after it
 * (recorded before the run, and by it): model calls are its `reasoning` entries, tool calls its
 * `tool_execution` entries, tokens the loop's usage.
 *
 * @example
 * turnEndOf(inbound, [...rest, ...committed], { outcome: "completed", result }, 42);
 */
export function turnEndOf(
  inbound: RecordEntry,
  entries: readonly RecordEntry[],
  run: TurnRun,
  durationMs: number,
): TurnEnd {
  const end: TurnEnd = {
    turnSeq: inbound.seq,
    txId: inbound.tx.hash,
    lastSeq: entries.at(-1)?.seq ?? inbound.seq,
    outcome: run.outcome,
    entries: entries.length + 1,
    modelCalls: entries.filter((e) => e.tx.tx_type === "reasoning").length,
    toolCalls: entries.filter((e) => e.tx.tx_type === "tool_execution").length,
    inputTokens: run.result?.usage.input_tokens ?? 0,
    outputTokens: run.result?.usage.output_tokens ?? 0,
    durationMs,
  };
  if (run.result) end.stopReason = run.result.stop_reason;
  if (run.result?.error) end.errorCode = run.result.error.code;
  return end;
}

/**
 * Runs one run of the turn opened by `inbound` under `monitor` (or plainly, without one):
 * times it, and reports its end however it ends, a throw included (as `crashed`, rethrown).
 * `entries` gives the turn's entries after `inbound` once the run is over.
 *
 * @example
 * await monitoredRun(host.monitor, inbound, () => [...rest, ...turn.committed], () => runTurn(…));
 */
export async function monitoredRun(
  monitor: TurnMonitor | undefined,
  inbound: RecordEntry,
  entries: () => readonly RecordEntry[],
  run: () => Promise<TurnRun>,
): Promise<void> {
  if (!monitor) {
    await run();
    return;
  }
  const started = monitor.clock();
  let ended: TurnRun = { outcome: "crashed" };
  try {
    ended = await run();
  } finally {
    monitor.ended(turnEndOf(inbound, entries(), ended, monitor.clock() - started));
  }
}

/**
 * The level of a `turn` line: `error` when the run crashed, `warn` when the turn failed,
 * `info` otherwise.
 *
 * @example
 * turnLevel("failed"); // "warn"
 */
export function turnLevel(outcome: TurnOutcome): LogLevel {
  if (outcome === "crashed") return "error";
  return outcome === "failed" ? "warn" : "info";
}

/**
 * The fields of a `turn` log line for an agent of `org`.
 *
 * @example
 * logger.log("info", "turn", turnFields("acme", agentId, end));
 */
export function turnFields(org: string, agentId: string, end: TurnEnd): LogFieldsInput {
  const fields: LogFieldsInput = {
    org,
    agent_id: agentId,
    tx_id: end.txId,
    turn_seq: end.turnSeq,
    last_seq: end.lastSeq,
    outcome: end.outcome,
    model_calls: end.modelCalls,
    tool_calls: end.toolCalls,
    duration_ms: Math.round(end.durationMs),
  };
  if (end.stopReason !== undefined) fields.stop_reason = end.stopReason;
  if (end.errorCode !== undefined) fields.error_code = end.errorCode;
  return fields;
}
