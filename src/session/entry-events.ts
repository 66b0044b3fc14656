import { z } from "zod";
import { streamEventsOf } from "../agent/events.js";
import { DEFAULT_CONTEXT_WINDOW } from "../agent/loop-types.js";
import { ReasoningRecord } from "../agent/reasoning-record.js";
import { executionText, ToolExecutionRecord, ToolProposalRecord } from "../agent/tool-record.js";
import { base64ToText } from "../core/base64.js";
import type { RecordEntry, Transaction } from "../core/record.js";
import {
  type ErrorFrame,
  type ServerFrame,
  StreamErrorCode,
  type TurnStopReason,
  TurnStopReason as TurnStopReasonSchema,
  type TurnUsage,
} from "../protocol/stream.js";

/** How the record is read back into frames. */
export interface ReplayOptions {
  /** Whether a committed transaction opens a turn (the runner's rule); default `user_prompt`. */
  opensTurn?: (tx: Transaction) => boolean;
  /** The model's context window, for `context_utilization` (default 200000). */
  context_window?: number;
}

/** What the fold knows of the turn it is in. */
export interface TurnTally {
  /** The turn's `message_id`: the hash of the transaction that opened it. */
  message_id: string;
  input_tokens: number;
  output_tokens: number;
  /** `input_tokens` of the turn's last answered model call. */
  last_input_tokens: number;
  model: string;
  provider: string;
  files_changed: { created: string[]; modified: string[]; deleted: string[] };
  stop_reason: TurnStopReason;
  error: ErrorFrame | null;
  /** Tool calls already announced by an `approval_request`. */
  asked: string[];
}

/** The fold's state between entries: the open turn, and tokens of every call folded. */
export interface ReplayState {
  turn: TurnTally | null;
  cumulative: { input_tokens: number; output_tokens: number };
}

/** The frames of one entry, and the state after it. */
export interface EntryFrames {
  state: ReplayState;
  frames: ServerFrame[];
}

/** Model error codes worth retrying later: the loop reports them as recoverable `llm_error`s. */
const TRANSIENT_MODEL_ERRORS: ReadonlySet<string> = new Set([
  "rate_limited",
  "overloaded",
  "timeout",
  "stream_interrupted",
]);

type ApprovalArgs = Extract<ServerFrame, { type: "approval_request" }>["args"];
const JsonArgs = z.json();

/**
 * The state before the first entry folded; `baseline` is usage counted before it.
 *
 * @example
 * let state = initialReplayState();
 */
export function initialReplayState(baseline = { input_tokens: 0, output_tokens: 0 }): ReplayState {
  return { turn: null, cumulative: { ...baseline } };
}

/**
 * The frames a watcher sees for one committed entry, in the order a live watcher got them:
 * a turn's opening entry gives `record` then `assistant_message_start`; a `reasoning` entry
 * gives the deltas its response stands for, then `record`; a `tool_proposal` waiting for
 * approval gives `record` then `approval_request`; a `tool_execution` gives `tool_result`
 * then `record`; the `agent_msg` answering the open turn gives the turn's `error` (if its
 * model call failed), `assistant_message_end` with the usage and files of the folded entries,
 * then `record`. Anything else gives its `record` alone, and so does a payload that does not
 * decode. Pure and total: the input state is never changed, and nothing throws.
 *
 * A reply's trace (`proposals.trace.turn`, written by the runner) says why its turn stopped
 * and with which error; a reply without one replays as `end_turn`, or with the error of its
 * failed model call.
 *
 * @example
 * const { state: next, frames } = entryFrames(state, entry);
 */
export function entryFrames(
  state: ReplayState,
  entry: RecordEntry,
  options: ReplayOptions = {},
): EntryFrames {
  const record: ServerFrame = {
    type: "record",
    seq: entry.seq,
    tx_type: entry.tx.tx_type,
    hash: entry.hash,
  };
  const { tx } = entry;
  const next: ReplayState = {
    turn: adopt(state.turn, tx),
    cumulative: { ...state.cumulative },
  };
  const turn = next.turn;
  if (turn !== null && tx.tx_type === "agent_msg" && tx.reference_tx_hash === turn.message_id) {
    next.turn = null;
    const stopped = stopOf(entry);
    if (stopped) {
      turn.stop_reason = stopped.reason;
      if (stopped.error) turn.error = stopped.error;
    }
    const end = endFrame(turn, next, options.context_window ?? DEFAULT_CONTEXT_WINDOW);
    return { state: next, frames: [...(turn.error ? [turn.error] : []), end, record] };
  }
  const opens = options.opensTurn ?? ((t: Transaction) => t.tx_type === "user_prompt");
  if (opens(tx)) {
    next.turn = openTurn(tx.hash);
    return {
      state: next,
      frames: [record, { type: "assistant_message_start", message_id: tx.hash }],
    };
  }
  if (turn === null) return { state: next, frames: [record] };
  const payload = decodeJson(tx.payload);
  switch (tx.tx_type) {
    case "reasoning":
      return { state: next, frames: [...reasoningFrames(turn, next, payload), record] };
    case "tool_proposal":
      return { state: next, frames: [record, ...proposalFrames(turn, payload)] };
    case "tool_execution":
      return { state: next, frames: [...executionFrames(turn, payload), record] };
    default:
      return { state: next, frames: [record] };
  }
}

/**
 * The frames of every entry after `afterSeq`, in seq order and once per seq, for `resume`.
 * Entries at or before `afterSeq` are folded for context but give no frames: passing the
 * entries from the start of the turn open at `afterSeq` makes that turn's end exact.
 *
 * @example
 * for (const frame of replayFrames(store.entriesFrom(turnStart), frame.after_seq)) send(frame);
 */
export function replayFrames(
  entries: readonly RecordEntry[],
  afterSeq: number,
  options: ReplayOptions = {},
  state: ReplayState = initialReplayState(),
): ServerFrame[] {
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  const frames: ServerFrame[] = [];
  let lastSeq = 0;
  for (const entry of ordered) {
    if (entry.seq === lastSeq) continue;
    lastSeq = entry.seq;
    const step = entryFrames(state, entry, options);
    state = step.state;
    if (entry.seq > afterSeq) frames.push(...step.frames);
  }
  return frames;
}

function openTurn(messageId: string): TurnTally {
  return {
    message_id: messageId,
    input_tokens: 0,
    output_tokens: 0,
    last_input_tokens: 0,
    model: "",
    provider: "",
    files_changed: { created: [], modified: [], deleted: [] },
    stop_reason: "end_turn",
    error: null,
    asked: [],
  };
}

/**
 * A copy of the open turn; with none, the turn an entry the runner derives inside a turn
 * names through `reference_tx_hash` (a fold that starts mid-turn).
 */
function adopt(turn: TurnTally | null, tx: Transaction): TurnTally | null {
  if (turn !== null) return { ...turn };
  const inside = ["reasoning", "tool_proposal", "tool_execution"].includes(tx.tx_type);
  return inside && tx.reference_tx_hash !== undefined ? openTurn(tx.reference_tx_hash) : null;
}

function reasoningFrames(turn: TurnTally, state: ReplayState, payload: unknown): ServerFrame[] {
  const parsed = ReasoningRecord.safeParse(payload);
  if (!parsed.success) return [];
  const { response, error, provider, model } = parsed.data;
  turn.provider = provider;
  turn.model = response?.model ?? model;
  if (error) {
    if (error.code === "cancelled") turn.stop_reason = "cancelled";
    else if (error.code === "insufficient_credits") {
      turn.stop_reason = "insufficient_credits";
      turn.error = errorOf("insufficient_credits", error.message, false);
    } else {
      turn.stop_reason = "error";
      turn.error = errorOf("llm_error", error.message, TRANSIENT_MODEL_ERRORS.has(error.code));
    }
  }
  if (!response) return [];
  const { input_tokens, output_tokens } = response.usage;
  turn.input_tokens += input_tokens;
  turn.output_tokens += output_tokens;
  turn.last_input_tokens = input_tokens;
  state.cumulative.input_tokens += input_tokens;
  state.cumulative.output_tokens += output_tokens;
  return streamEventsOf(response);
}

function proposalFrames(turn: TurnTally, payload: unknown): ServerFrame[] {
  const parsed = ToolProposalRecord.safeParse(payload);
  if (!parsed.success || parsed.data.decision !== "pending_approval") return [];
  const { tool_use_id, tool, args, reason } = parsed.data;
  if (turn.asked.includes(tool_use_id)) return [];
  turn.asked = [...turn.asked, tool_use_id];
  const json = JsonArgs.safeParse(args);
  const frameArgs: ApprovalArgs = json.success ? json.data : null;
  return [{ type: "approval_request", tool_use_id, tool, args: frameArgs, reason: reason ?? "" }];
}

function executionFrames(turn: TurnTally, payload: unknown): ServerFrame[] {
  const parsed = ToolExecutionRecord.safeParse(payload);
  if (!parsed.success || parsed.data.decision === "pending_approval") return [];
  const execution = parsed.data;
  const files = execution.files_changed;
  if (files) {
    const total = turn.files_changed;
    turn.files_changed = {
      created: union(total.created, files.created),
      modified: union(total.modified, files.modified),
      deleted: union(total.deleted, files.deleted),
    };
  }
  return [
    {
      type: "tool_result",
      tool_use_id: execution.tool_use_id,
      name: execution.tool,
      result: executionText(execution),
      is_error: execution.is_error,
    },
  ];
}

function endFrame(turn: TurnTally, state: ReplayState, contextWindow: number): ServerFrame {
  const usage: TurnUsage = {
    input_tokens: turn.input_tokens,
    output_tokens: turn.output_tokens,
    cumulative_input_tokens: state.cumulative.input_tokens,
    cumulative_output_tokens: state.cumulative.output_tokens,
    context_utilization: contextWindow > 0 ? turn.last_input_tokens / contextWindow : 0,
    model: turn.model,
    provider: turn.provider,
  };
  return {
    type: "assistant_message_end",
    message_id: turn.message_id,
    stop_reason: turn.stop_reason,
    usage,
    files_changed: turn.files_changed,
  };
}

/**
 * Why the turn a reply ends stopped, from the reply's trace (`proposals.trace.turn`), when it
 * has one: the runner records the stop reason and any loop error there.
 */
function stopOf(entry: RecordEntry): { reason: TurnStopReason; error?: ErrorFrame } | undefined {
  const trace = TurnTraceShape.safeParse(entry.proposals.trace);
  if (!trace.success) return undefined;
  const { stop_reason, error } = trace.data.turn;
  if (!error) return { reason: stop_reason };
  const code = StreamErrorCode.safeParse(error.code);
  const frame = errorOf(code.success ? code.data : "internal_error", error.message, true);
  return { reason: stop_reason, error: frame };
}

const TurnTraceShape = z.object({
  turn: z.object({
    stop_reason: TurnStopReasonSchema,
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
});

function errorOf(code: ErrorFrame["code"], message: string, recoverable: boolean): ErrorFrame {
  return { type: "error", code, message, recoverable };
}

function union(into: readonly string[], more: readonly string[]): string[] {
  const out = [...into];
  for (const path of more) if (!out.includes(path)) out.push(path);
  return out;
}

/** The JSON a payload encodes, or undefined when it is not base64 of JSON. */
function decodeJson(payload: string): unknown {
  try {
    return JSON.parse(base64ToText(payload));
  } catch {
    return undefined;
  }
}
