import { describe, expect, it } from "vitest";
import type { Schedule } from "../protocol/automatons.js";
import type { AutomatonEvent, AutomatonTick } from "./automaton-record.js";
import { type AutomatonState, evolveAutomatons } from "./automaton-state.js";
import { beginRequested, planTick, wakeAtMs } from "./tick-plan.js";

const ID = `${"a".repeat(64)}0123456789abcdef`;
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** Folds `events` (seq 1, 2, …; recorded at T0 + seq ms unless given) into one automaton. */
function stateOf(events: Array<AutomatonEvent | [AutomatonEvent, number]>): AutomatonState {
  const all = new Map<string, AutomatonState>();
  events.forEach((item, i) => {
    const [event, ts] = Array.isArray(item) ? item : [item, T0 + i + 1];
    evolveAutomatons(all, event, { seq: i + 1, ts_ms: ts });
  });
  const state = all.get(ID);
  if (!state) throw new Error("not installed");
  return state;
}

function installed(schedule: Schedule): AutomatonEvent[] {
  return [
    {
      type: "automaton_lifecycle",
      automaton_id: ID,
      kind: "chat",
      from: null,
      to: "installing",
      schedule,
    },
    {
      type: "automaton_lifecycle",
      automaton_id: ID,
      kind: "chat",
      from: "installing",
      to: "running",
    },
  ];
}

const tick = (n: number, due: number): AutomatonTick => ({
  type: "automaton_tick",
  automaton_id: ID,
  tick: n,
  due_ms: due,
});
const done = (n: number): AutomatonEvent => ({
  type: "automaton_tick_done",
  automaton_id: ID,
  tick: n,
  outcome: "idle",
});
const every60: Schedule = { type: "interval", seconds: 60 };
/** Where the agent's interval grid sits in each minute (from the id's first 8 hex). */
const PHASE = Number.parseInt(ID.slice(0, 8), 16) % 60_000;

describe("tick plan", () => {
  it("waits for an interval's first slot on its agent's grid, then begins tick 1 at it", () => {
    const state = stateOf(installed(every60));
    expect(state).toMatchObject({ status: "running", ticks: 0, installed_seq: 1 });
    // Installed at T0 + 1 (a whole minute + 1 ms): the grid point is this minute's phase, and
    // the first slot a period after it.
    expect(planTick(state, { now: T0 + PHASE + 30_000, hasWork: false })).toEqual({
      type: "wait",
      next_due_ms: T0 + PHASE + 60_000,
    });
    expect(planTick(state, { now: T0 + PHASE + 60_005, hasWork: false })).toEqual({
      type: "begin",
      tick: 1,
      due_ms: T0 + PHASE + 60_000,
    });
  });

  it("resumes a tick that began and never ended instead of beginning another", () => {
    const state = stateOf([...installed(every60), tick(1, T0 + 60_002)]);
    const plan = planTick(state, { now: T0 + 500_000, hasWork: true });
    expect(plan).toEqual({ type: "resume", tick: 1, due_ms: T0 + 60_002, seq: 3 });
  });

  it("does not begin a tick again once it ended, until the next slot", () => {
    const state = stateOf([...installed(every60), tick(1, T0 + 60_002), done(1)]);
    expect(planTick(state, { now: T0 + 61_000, hasWork: true })).toEqual({
      type: "wait",
      next_due_ms: T0 + 120_002,
    });
    expect(planTick(state, { now: T0 + 121_000, hasWork: true })).toMatchObject({
      type: "begin",
      tick: 2,
    });
  });

  it("begins no tick while paused, and counts the next slot from the resume", () => {
    const pause: AutomatonEvent = {
      type: "automaton_lifecycle",
      automaton_id: ID,
      kind: "chat",
      from: "running",
      to: "paused",
    };
    const paused = stateOf([...installed(every60), pause]);
    expect(planTick(paused, { now: T0 + 1_000_000, hasWork: true })).toEqual({ type: "wait" });
    const resumed = stateOf([
      ...installed(every60),
      pause,
      [{ ...pause, from: "paused", to: "running" }, T0 + 1_000_000],
    ]);
    // The first grid point at or after the resume, then a period.
    const point = T0 + PHASE + Math.ceil((1_000_000 - PHASE) / 60_000) * 60_000;
    expect(wakeAtMs(resumed, T0 + 1_000_000)).toBe(point + 60_000);
  });

  it("ticks a continuous schedule only when the built-in has work", () => {
    const state = stateOf(installed({ type: "continuous" }));
    expect(planTick(state, { now: T0, hasWork: false })).toEqual({ type: "wait" });
    expect(planTick(state, { now: T0, hasWork: true })).toEqual({
      type: "begin",
      tick: 1,
      due_ms: T0,
    });
  });

  it("ticks an event-driven schedule on an event after the last one answered", () => {
    const schedule: Schedule = { type: "event_driven", event_filter: { tx_type: "agent_msg" } };
    const fresh = stateOf(installed(schedule));
    expect(planTick(fresh, { now: T0, hasWork: false, latestEventSeq: 1 })).toEqual({
      type: "wait",
    });
    expect(planTick(fresh, { now: T0, hasWork: false, latestEventSeq: 5 })).toEqual({
      type: "begin",
      tick: 1,
      due_ms: T0,
      cause_seq: 5,
    });
    expect(planTick(fresh, { now: T0, hasWork: false, eventQueued: true })).toEqual({
      type: "begin",
      tick: 1,
      due_ms: T0,
      cause_seq: 1,
    });
    const answered = stateOf([...installed(schedule), { ...tick(1, T0), cause_seq: 5 }, done(1)]);
    expect(planTick(answered, { now: T0, hasWork: false, latestEventSeq: 5 })).toEqual({
      type: "wait",
    });
  });

  it("ticks on demand only when asked, one tick at a time", () => {
    const state = stateOf(installed({ type: "on_demand" }));
    expect(planTick(state, { now: T0, hasWork: true })).toEqual({ type: "wait" });
    expect(beginRequested(state, T0)).toEqual({ type: "begin", tick: 1, due_ms: T0 });
    const running = stateOf([...installed({ type: "on_demand" }), tick(1, T0)]);
    expect(beginRequested(running, T0)).toEqual({
      type: "refuse",
      reason: "tick 1 is still running",
    });
  });

  it("abandons a tick left open by an automaton that has since stopped", () => {
    const stop: AutomatonEvent = {
      type: "automaton_lifecycle",
      automaton_id: ID,
      kind: "chat",
      from: "running",
      to: "stopped",
      reason: "by request",
    };
    const state = stateOf([...installed(every60), tick(1, T0), stop]);
    expect(state).toMatchObject({ status: "stopped", reason: "by request" });
    expect(planTick(state, { now: T0, hasWork: true })).toEqual({ type: "abandon", tick: 1 });
  });
});
