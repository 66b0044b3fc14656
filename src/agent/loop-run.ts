import type { ModelMessage } from "../reasoner/types.js";
import type { LoopErrorCode, LoopEvent, LoopStopReason } from "./events.js";
import type { IterationRecord, LoopDeps, LoopInput } from "./loop-types.js";
import type { FilesChanged } from "./tool-executor.js";

/** How a loop stops, with the SPEC §6 error it reports, if any. */
export interface Stop {
  reason: LoopStopReason;
  error?: { code: LoopErrorCode; message: string; recoverable: boolean };
}

/**
 * A loop in progress, mutable and owned by one `runAgentLoop` call. `transcript` holds this
 * turn's messages whole; `working` is the compacted view of the whole conversation that
 * requests are built from.
 */
export interface Run {
  input: LoopInput;
  deps: LoopDeps;
  maxTurns: number;
  maxTokens: number;
  window: number;
  known: ReadonlySet<string>;
  transcript: ModelMessage[];
  working: ModelMessage[];
  /** Input tokens of the last response and the length of `working` its request saw. */
  measured: { tokens: number; length: number } | null;
  utilization: number;
  usage: { input_tokens: number; output_tokens: number };
  model: string;
  files: FilesChanged;
  iterations: IterationRecord[];
}

/** Appends a non-empty message to both the transcript and the working view. */
export function append(run: Run, message: ModelMessage): void {
  if (message.content.length === 0) return;
  run.transcript.push(message);
  run.working.push(message);
}

/** Whether a cancel is recorded (false without an `isCancelled` check). */
export async function isCancelled(run: Run): Promise<boolean> {
  return run.deps.isCancelled ? await run.deps.isCancelled() : false;
}

/** Sends a live event to the sink, if any. */
export function emit(run: Run, event: LoopEvent): void {
  run.deps.onEvent?.(event);
}

/** The assistant message id of live events. */
export function messageId(run: Run): string {
  return run.input.message_id ?? "assistant";
}
