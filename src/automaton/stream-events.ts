import type { RecordEntry } from "../core/record.js";
import type { AutomatonStreamEvent } from "../protocol/automaton-stream.js";
import { TickProgress } from "../protocol/automaton-stream.js";
import { entryFrames, initialReplayState } from "../session/entry-events.js";
import { type AutomatonLifecycle, decodeAutomatonEvent } from "./automaton-record.js";

/** What a watcher's fold knows between entries: the watched automaton's work in progress. */
export interface WatchFold {
  /** Seq of the automaton's latest `automaton_tick`, while its work may still add events. */
  tick_seq: number | null;
  /** True between the tick's `automaton_tick` and its `automaton_tick_done`. */
  tick_open: boolean;
  /** The turn the tick opened (its transaction's hash), until the turn's reply. */
  turn_tx: string | null;
  /** The task the automaton's ticks work on, once a tick named it (`detail.task_id`). */
  task_id: string | null;
}

/** The events of one entry, and the fold after it. */
export interface WatchStep {
  fold: WatchFold;
  events: AutomatonStreamEvent[];
}

/**
 * The fold before any entry.
 *
 * @example
 * let fold = initialWatchFold();
 */
export function initialWatchFold(): WatchFold {
  return { tick_seq: null, tick_open: false, turn_tx: null, task_id: null };
}

/**
 * True while live model text belongs to the watched automaton (a tick of it is open, or the
 * turn it opened still runs).
 *
 * @example
 * if (watchesText(fold)) send({ type: "text_delta", automaton_id, seq: fold.tick_seq, text });
 */
export function watchesText(fold: WatchFold): fold is WatchFold & { tick_seq: number } {
  return fold.tick_seq !== null && (fold.tick_open || fold.turn_tx !== null);
}

/**
 * The events one committed entry gives the watchers of `automatonId`. Lifecycle entries give
 * `started` (installing → running), `paused`, `resumed`, `stopped {reason}` then `done`,
 * `error {message}` then `done` (failed), `done` (completed). The entries of the automaton's
 * tick — and of the turn it opened, to that turn's reply — give `tool_use_start`,
 * `tool_result` and (unless `live`, whose text reached watchers as it streamed) `text_delta`.
 * An `automaton_tick_done` gives the task events and `loop_finished` its detail holds
 * ({@link TickProgress}). Every event carries the entry's seq. Pure; never throws.
 *
 * @example
 * const { fold: next, events } = automatonEntryEvents(fold, entry, id, { live: true });
 */
export function automatonEntryEvents(
  fold: WatchFold,
  entry: RecordEntry,
  automatonId: string,
  options: { live?: boolean } = {},
): WatchStep {
  const base = { automaton_id: automatonId, seq: entry.seq };
  const recorded = decodeAutomatonEvent(entry.tx);
  if (recorded !== undefined) {
    if (recorded.automaton_id !== automatonId) return { fold, events: [] };
    switch (recorded.type) {
      case "automaton_lifecycle":
        return { fold, events: lifecycleEvents(recorded, base) };
      case "automaton_tick": {
        // A tick that names its task before the work (a dev loop's) starts that task here.
        const taskId = recorded.intent?.task_id;
        const next = { ...fold, tick_seq: entry.seq, tick_open: true, turn_tx: null };
        if (typeof taskId !== "string" || recorded.intent?.continues !== undefined) {
          return { fold: next, events: [] };
        }
        const title = recorded.intent?.title;
        const started: AutomatonStreamEvent = {
          type: "task_started",
          ...base,
          task_id: taskId,
          ...(typeof title === "string" ? { title } : {}),
        };
        return { fold: { ...next, task_id: taskId }, events: [started] };
      }
      case "automaton_tick_done": {
        // A tick that ended with its turn still open (`turn_open`) is followed to the reply.
        const detail = recorded.detail ?? {};
        const named = typeof detail.tx_id === "string" ? detail.tx_id : null;
        const turn_tx = recorded.outcome === "turn_open" ? (fold.turn_tx ?? named) : null;
        const tick_seq = turn_tx === null ? null : fold.tick_seq;
        const next = { ...fold, tick_seq, tick_open: false, turn_tx };
        return progressOf(next, recorded.outcome, detail, base);
      }
    }
  }
  const { tx } = entry;
  if (fold.tick_open && fold.turn_tx === null && TURN_ENTRIES.has(tx.tx_type)) {
    // The tick's turn: the one its first model or tool entry names.
    if (tx.reference_tx_hash !== undefined) fold = { ...fold, turn_tx: tx.reference_tx_hash };
  }
  const inTurn = fold.turn_tx !== null && tx.reference_tx_hash === fold.turn_tx;
  if (!inTurn) return { fold, events: [] };
  if (tx.tx_type === "agent_msg") {
    const next = { ...fold, turn_tx: null, tick_seq: fold.tick_open ? fold.tick_seq : null };
    return { fold: next, events: [] };
  }
  const events: AutomatonStreamEvent[] = [];
  for (const frame of entryFrames(initialReplayState(), entry).frames) {
    if (frame.type === "text_delta" && !options.live) events.push({ ...base, ...frame });
    if (frame.type === "tool_use_start") events.push({ ...base, ...frame });
    if (frame.type === "tool_result") events.push({ ...base, ...frame });
  }
  return { fold, events };
}

/**
 * The events of every entry after `afterSeq`, in seq order and once per seq, for `resume`.
 * Entries at or before `afterSeq` are folded for context (a tick open there) but give none.
 *
 * @example
 * for (const event of replayAutomatonEvents(entries, id, frame.after_seq).events) send(event);
 */
export function replayAutomatonEvents(
  entries: readonly RecordEntry[],
  automatonId: string,
  afterSeq: number,
  fold: WatchFold = initialWatchFold(),
): WatchStep {
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  const events: AutomatonStreamEvent[] = [];
  let lastSeq = 0;
  for (const entry of ordered) {
    if (entry.seq === lastSeq) continue;
    lastSeq = entry.seq;
    const step = automatonEntryEvents(fold, entry, automatonId);
    fold = step.fold;
    if (entry.seq > afterSeq) events.push(...step.events);
  }
  return { fold, events };
}

/**
 * True once an event ends the stream: the socket closes after it.
 *
 * @example
 * if (events.some(endsStream)) ws.close(1000, "done");
 */
export function endsStream(event: AutomatonStreamEvent): boolean {
  return event.type === "done";
}

/** Entries the runner writes inside a turn, naming it with `reference_tx_hash`. */
const TURN_ENTRIES: ReadonlySet<string> = new Set(["reasoning", "tool_proposal", "tool_execution"]);

type Base = { automaton_id: string; seq: number };

function lifecycleEvents(event: AutomatonLifecycle, base: Base): AutomatonStreamEvent[] {
  switch (event.to) {
    case "running":
      if (event.from === "installing") return [{ type: "started", ...base }];
      return event.from === "paused" ? [{ type: "resumed", ...base }] : [];
    case "paused":
      return [{ type: "paused", ...base }];
    case "stopped":
      return [
        { type: "stopped", ...base, reason: event.reason ?? "stopped" },
        { type: "done", ...base, status: "stopped" },
      ];
    case "failed":
      return [
        { type: "error", ...base, message: event.reason ?? "the automaton failed" },
        { type: "done", ...base, status: "failed" },
      ];
    case "completed":
      return [{ type: "done", ...base, status: "completed" }];
    default:
      return [];
  }
}

/**
 * The task events of a tick's end: the `task_events` and `loop_finished` its detail lists
 * ({@link TickProgress}); without a list, a `detail.task_id` the ticks had not named yet is
 * `task_started`, and the outcome `task_done` or `task_failed` ends it (`detail.reason`).
 */
function progressOf(
  fold: WatchFold,
  outcome: string,
  detail: Record<string, unknown>,
  base: Base,
): WatchStep {
  const parsed = TickProgress.safeParse(detail);
  const listed = parsed.success ? parsed.data : {};
  const events: AutomatonStreamEvent[] = (listed.task_events ?? []).map((task) => ({
    ...base,
    ...task,
  }));
  const taskId = typeof detail.task_id === "string" ? detail.task_id : null;
  if (listed.task_events === undefined && taskId !== null) {
    if (fold.task_id !== taskId) events.push({ type: "task_started", ...base, task_id: taskId });
    const reason = typeof detail.reason === "string" ? { reason: detail.reason } : {};
    if (outcome === "task_done") events.push({ type: "task_completed", ...base, task_id: taskId });
    if (outcome === "task_failed")
      events.push({ type: "task_failed", ...base, task_id: taskId, ...reason });
  }
  if (listed.loop_finished)
    events.push({ type: "loop_finished", ...base, ...listed.loop_finished });
  return { fold: taskId === null ? fold : { ...fold, task_id: taskId }, events };
}
