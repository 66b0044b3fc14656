import type { AutomatonState } from "./automaton-state.js";
import { isFinal } from "./lifecycle.js";
import { dueSlotMs, nextDueMs } from "./schedule-clock.js";

/** What the runtime knows, besides the automaton's recorded state, when it decides. */
export interface TickInput {
  /** The time of this decision, read once by the shell. */
  now: number;
  /** Whether the built-in has work now (asked for `continuous` schedules only). */
  hasWork: boolean;
  /** The latest seq of an event matching an `event_driven` filter, if any is after `cause_seq`. */
  latestEventSeq?: number;
  /** Whether a matching transaction is admitted but still queued (held for a tick). */
  eventQueued?: boolean;
}

/** What to do with one automaton now. */
export type TickPlan =
  /** Finish the tick that began: its work looks at the record after `seq`, never starts over. */
  | { type: "resume"; tick: number; due_ms: number; seq: number }
  /** A tick that began but can no longer run (the automaton ended): record it ended. */
  | { type: "abandon"; tick: number }
  /** Begin tick `tick` (record it first, then do the work). */
  | { type: "begin"; tick: number; due_ms: number; cause_seq?: number }
  /** Nothing now; the next tick is due at `next_due_ms` (absent: on work, request or event). */
  | { type: "wait"; next_due_ms?: number };

/**
 * Decides one automaton's next step from its recorded state: a tick that began is resumed
 * (so a duplicated alarm or a crash mid-tick never runs a tick's work twice), a due tick
 * begins, otherwise it waits. Only `running` automatons begin ticks; `on_demand` ones begin
 * them only when asked ({@link beginRequested}).
 *
 * @example
 * planTick(state, { now: Date.parse("2026-01-01T00:01:00Z"), hasWork: false });
 * // { type: "begin", tick: 1, due_ms: … } for a 60-second interval started at midnight
 */
export function planTick(state: AutomatonState, input: TickInput): TickPlan {
  const open = state.open_tick;
  if (open) {
    if (isFinal(state.status)) return { type: "abandon", tick: open.tick };
    return { type: "resume", tick: open.tick, due_ms: open.due_ms, seq: open.seq };
  }
  if (state.status !== "running") return { type: "wait" };
  const tick = state.ticks + 1;
  const { schedule } = state;
  switch (schedule.type) {
    case "continuous":
      return input.hasWork ? { type: "begin", tick, due_ms: input.now } : { type: "wait" };
    case "event_driven": {
      const latest = input.latestEventSeq;
      const committed = latest !== undefined && latest > state.cause_seq;
      if (!committed && input.eventQueued !== true) return { type: "wait" };
      return {
        type: "begin",
        tick,
        due_ms: input.now,
        cause_seq: committed ? latest : state.cause_seq,
      };
    }
    case "on_demand":
      return { type: "wait" };
    default: {
      const slot = dueSlotMs(schedule, state.anchor_ms, input.now);
      if (slot !== undefined) return { type: "begin", tick, due_ms: slot };
      const next = nextDueMs(schedule, state.anchor_ms);
      return next === undefined ? { type: "wait" } : { type: "wait", next_due_ms: next };
    }
  }
}

/**
 * Decides an explicit tick request (`POST /automatons/:id/tick`): a running automaton with
 * no tick in progress begins one due now; otherwise the reason it cannot.
 *
 * @example
 * beginRequested(state, now); // { type: "begin", tick: state.ticks + 1, due_ms: now }
 */
export function beginRequested(
  state: AutomatonState,
  now: number,
): TickPlan | { type: "refuse"; reason: string } {
  if (state.status !== "running") {
    return { type: "refuse", reason: `automaton is ${state.status}, not running` };
  }
  if (state.open_tick) {
    return { type: "refuse", reason: `tick ${state.open_tick.tick} is still running` };
  }
  return { type: "begin", tick: state.ticks + 1, due_ms: now };
}

/**
 * When the object must wake next for this automaton: a tick in progress or a due one now,
 * a time-driven one at its due time, otherwise never (work, requests and events wake it).
 *
 * @example
 * wakeAtMs(state, now); // the next interval slot, e.g. now + 30_000
 */
export function wakeAtMs(state: AutomatonState, now: number): number | undefined {
  const plan = planTick(state, { now, hasWork: false });
  if (plan.type === "wait") return plan.next_due_ms;
  return now;
}
