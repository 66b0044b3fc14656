import type { AutomatonKind, AutomatonStatus, Schedule } from "../protocol/automatons.js";
import type { AutomatonEvent } from "./automaton-record.js";
import { intervalAnchorMs } from "./schedule-clock.js";

/** A tick that began and has not ended (the object stopped in the middle of it). */
export interface OpenTick {
  tick: number;
  due_ms: number;
  /** Seq of its `automaton_tick` entry: what its work did is what the record has after it. */
  seq: number;
  /** What the built-in chose to work on when the tick began. */
  intent?: Record<string, unknown>;
}

/** How the latest finished tick ended. */
export interface LastTick {
  tick: number;
  outcome: string;
  detail?: Record<string, unknown>;
}

/** One automaton, as its recorded events say it is. */
export interface AutomatonState {
  automaton_id: string;
  kind: AutomatonKind;
  schedule: Schedule;
  status: AutomatonStatus;
  reason?: string;
  installed_seq: number;
  /** The folder the client's `workspace_root` maps to, when it sent one. */
  workspace_path?: string;
  /** Ticks begun so far (the last tick's number). */
  ticks: number;
  open_tick?: OpenTick;
  /**
   * What the next time-driven tick counts from: the last tick's due time, or the time the
   * automaton last became `running` (for an interval, the grid point of its agent's phase at
   * or before it: `intervalAnchorMs`), whichever is later.
   */
  anchor_ms: number;
  /** The latest event an `event_driven` tick answered; events after it are pending. */
  cause_seq: number;
  /** The latest tick that ended, and how. */
  last_tick?: LastTick;
}

/** Where an event sits in the record: its seq and recorded time. */
export interface EventPlace {
  seq: number;
  ts_ms: number;
}

/**
 * Folds one recorded event into the automatons of an agent (a map by id, changed in place
 * and returned). Events of an automaton that was never installed are ignored.
 *
 * @example
 * const all = new Map<string, AutomatonState>();
 * for (const { event, place } of recorded) evolveAutomatons(all, event, place);
 */
export function evolveAutomatons(
  all: Map<string, AutomatonState>,
  event: AutomatonEvent,
  place: EventPlace,
): Map<string, AutomatonState> {
  const current = all.get(event.automaton_id);
  if (event.type === "automaton_lifecycle") {
    if (event.from === null) {
      if (current || !event.schedule) return all;
      all.set(event.automaton_id, {
        automaton_id: event.automaton_id,
        kind: event.kind,
        schedule: event.schedule,
        status: event.to,
        installed_seq: place.seq,
        ticks: 0,
        anchor_ms: intervalAnchorMs(event.schedule, event.automaton_id, place.ts_ms),
        cause_seq: place.seq,
        ...(event.workspace_path === undefined ? {} : { workspace_path: event.workspace_path }),
      });
      return all;
    }
    if (!current) return all;
    current.status = event.to;
    if (event.reason === undefined) delete current.reason;
    else current.reason = event.reason;
    if (event.to === "running") {
      const start = intervalAnchorMs(current.schedule, current.automaton_id, place.ts_ms);
      current.anchor_ms = Math.max(current.anchor_ms, start);
    }
    return all;
  }
  if (!current) return all;
  if (event.type === "automaton_tick") {
    current.ticks = event.tick;
    current.open_tick = { tick: event.tick, due_ms: event.due_ms, seq: place.seq };
    if (event.intent !== undefined) current.open_tick.intent = event.intent;
    current.anchor_ms = Math.max(current.anchor_ms, event.due_ms);
    if (event.cause_seq !== undefined) current.cause_seq = event.cause_seq;
    return all;
  }
  if (current.open_tick?.tick === event.tick) delete current.open_tick;
  current.last_tick = { tick: event.tick, outcome: event.outcome };
  if (event.detail !== undefined) current.last_tick.detail = event.detail;
  if (event.cause_seq !== undefined)
    current.cause_seq = Math.max(current.cause_seq, event.cause_seq);
  return all;
}
