import type { AutomatonEvent } from "../../src/automaton/automaton-record.js";
import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import type { LifecycleCommand } from "../../src/automaton/lifecycle.js";
import { planTick, type TickPlan } from "../../src/automaton/tick-plan.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { AgentStore } from "../agent/agent-store.js";
import { latestEventSeq } from "./automaton-reads.js";
import type { BuiltinRegistry, TickResult } from "./builtin.js";

/** What running ticks needs from the runtime: its cache, its commits and its lifecycle. */
export interface TickRunnerHost {
  store: AgentStore;
  builtins: BuiltinRegistry;
  now(): number;
  /** The automaton as the runtime's cache holds it now (kept exact after every commit). */
  state(id: string): AutomatonState | undefined;
  /** Commits the runtime's events as `system` entries of the agent. */
  record(events: AutomatonEvent[]): RecordEntry[];
  /** Records a lifecycle transition the way the routes' control does. */
  control(id: string, command: LifecycleCommand, reason: string): void;
}

/** Ticks one automaton runs at most in one step, so a runaway schedule cannot hold the pump. */
const MAX_TICKS_PER_STEP = 100;

/**
 * Runs one automaton's ticks until it has none due. Each tick is recorded before its work
 * (`automaton_tick`) and after it (`automaton_tick_done`): a tick the record shows begun and
 * not done is resumed, never begun again, and a tick too late to run is recorded `abandoned`.
 *
 * @example
 * for (const state of states.values()) await runDueTicks(host, state.automaton_id);
 */
export async function runDueTicks(host: TickRunnerHost, id: string): Promise<void> {
  for (let guard = 0; guard < MAX_TICKS_PER_STEP; guard++) {
    const state = host.state(id);
    if (!state) return;
    const plan = planFor(host, state);
    if (plan.type === "wait") return;
    if (plan.type === "abandon") {
      host.record([
        { type: "automaton_tick_done", automaton_id: id, tick: plan.tick, outcome: "abandoned" },
      ]);
      continue;
    }
    let startSeq: number;
    let resumed = false;
    let intent = state.open_tick?.intent;
    if (plan.type === "begin") {
      const chooser = host.builtins[state.kind]?.intent;
      if (chooser) {
        intent = await intentOf(chooser, state);
        // The state may have moved while the built-in chose (a pause, a request): plan again.
        const now = host.state(id);
        const again = now && planFor(host, now);
        if (again?.type !== "begin" || again.tick !== plan.tick) continue;
      }
      startSeq =
        host.record([tickEvent(id, { ...plan, ...(intent ? { intent } : {}) })])[0]?.seq ?? 0;
    } else {
      startSeq = plan.seq;
      resumed = true;
    }
    await runTick(host, id, plan.tick, startSeq, resumed, intent);
  }
}

/**
 * The `automaton_tick` entry that begins tick `plan.tick` of automaton `id`.
 *
 * @example
 * host.record([tickEvent(id, { tick: 3, due_ms: now })]);
 */
export function tickEvent(
  id: string,
  plan: { tick: number; due_ms: number; cause_seq?: number; intent?: Record<string, unknown> },
): AutomatonEvent {
  const event: AutomatonEvent = {
    type: "automaton_tick",
    automaton_id: id,
    tick: plan.tick,
    due_ms: plan.due_ms,
  };
  if (plan.cause_seq !== undefined) event.cause_seq = plan.cause_seq;
  if (plan.intent !== undefined) event.intent = plan.intent;
  return event;
}

/**
 * The built-in's choice for a tick; a throw becomes `{error}` for the tick to answer.
 *
 * @example
 * const intent = await intentOf(builtin.intent, state); // { task_id, title, attempt }
 */
export async function intentOf(
  chooser: (state: AutomatonState) => Promise<Record<string, unknown>>,
  state: AutomatonState,
): Promise<Record<string, unknown>> {
  try {
    return await chooser(state);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Does a begun tick's work through its built-in, then records how it went. */
async function runTick(
  host: TickRunnerHost,
  id: string,
  tick: number,
  startSeq: number,
  resumed: boolean,
  intent: Record<string, unknown> | undefined,
): Promise<void> {
  const state = host.state(id);
  const builtin = state && host.builtins[state.kind];
  let result: TickResult;
  if (!state || !builtin) {
    result = { outcome: "failed", fail: `no ${state?.kind ?? "known"} built-in` };
  } else {
    try {
      result = await builtin.tick({
        automaton: state,
        tick,
        startSeq,
        resumed,
        ...(intent ? { intent } : {}),
      });
    } catch (err) {
      result = { outcome: "error", fail: err instanceof Error ? err.message : String(err) };
    }
  }
  const done: AutomatonEvent = {
    type: "automaton_tick_done",
    automaton_id: id,
    tick,
    outcome: result.outcome,
  };
  if (result.detail) done.detail = result.detail;
  const schedule = state?.schedule;
  if (schedule?.type === "event_driven") {
    const latest = latestEventSeq(host.store, schedule.event_filter, state?.cause_seq ?? 0);
    if (latest !== undefined) done.cause_seq = latest;
  }
  host.record([done]);
  if (result.fail !== undefined) host.control(id, "fail", result.fail);
  else if (result.complete) host.control(id, "complete", "the built-in finished its work");
}

/** What the automaton's schedule asks for now, given its built-in's work and the inbox. */
function planFor(host: TickRunnerHost, state: AutomatonState): TickPlan {
  const { store, builtins, now } = host;
  const builtin = builtins[state.kind];
  const s = state.schedule;
  const input = { now: now(), hasWork: s.type === "continuous" && builtin?.hasWork() === true };
  if (s.type !== "event_driven") return planTick(state, input);
  // A project's `task_ready` trigger is committed as it is admitted (it opens no turn), so
  // only a transaction-type filter waits on the inbox.
  const txType = "tx_type" in s.event_filter ? s.event_filter.tx_type : undefined;
  const queued =
    txType !== undefined &&
    store.queuedCount() > 0 &&
    store.queued(64).some((tx) => tx.tx_type === txType);
  const latest = latestEventSeq(store, s.event_filter, state.cause_seq);
  return planTick(state, {
    ...input,
    eventQueued: queued && builtin?.queuedMatch?.(txType) === true,
    ...(latest === undefined ? {} : { latestEventSeq: latest }),
  });
}
