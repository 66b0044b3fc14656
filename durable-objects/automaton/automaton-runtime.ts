import type { AutomatonEvent } from "../../src/automaton/automaton-record.js";
import { automatonTransaction } from "../../src/automaton/automaton-record.js";
import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import { decideLifecycle, isFinal, type LifecycleCommand } from "../../src/automaton/lifecycle.js";
import {
  beginRequested,
  planTick,
  type TickPlan,
  wakeAtMs,
} from "../../src/automaton/tick-plan.js";
import { fail, type Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import { EMPTY_OUTCOME } from "../../src/kernel/step.js";
import type {
  AutomatonKind,
  AutomatonStatus,
  AutomatonView,
  Schedule,
} from "../../src/protocol/automatons.js";
import type { AgentStore } from "../agent/agent-store.js";
import { foldEntry, latestEventSeq, loadAutomatons, matchesFilter } from "./automaton-reads.js";
import type { BuiltinRegistry, TickResult } from "./builtin.js";

/** What the runtime needs from the agent's object. */
export interface RuntimeHost {
  store: AgentStore;
  builtins: BuiltinRegistry;
  now(): number;
  /** Arms the object's alarm for `ms` unless an earlier one is pending. */
  wakeAt(ms: number): void;
  /** A holding automaton ended or started: the drain may have turns to run (or hold). */
  turnsReleased(): void;
}

/** A status change as the routes answer it. */
export interface ControlOutcome {
  automaton_id: string;
  status: AutomatonStatus;
}

/**
 * The automatons of one agent, run by its object. Their state is a cache of the record
 * (`automaton_lifecycle`, `automaton_tick`, `automaton_tick_done` entries), folded on first
 * use after a wake and kept exact by {@link observe}. Ticks run one at a time (one pump per
 * object); each is recorded before its work and after it, so a duplicated alarm or a crash
 * mid-tick resumes the begun tick instead of running its work again.
 *
 * @example
 * const runtime = new AutomatonRuntime({ store, builtins, now: Date.now, wakeAt, turnsReleased });
 * runtime.install(agentId, automatonId, "chat", { type: "interval", seconds: 60 });
 * await runtime.pump(); // in alarm()
 */
export class AutomatonRuntime {
  readonly #host: RuntimeHost;
  #states?: Map<string, AutomatonState>;
  #pumping?: Promise<void>;
  #again = false;

  constructor(host: RuntimeHost) {
    this.#host = host;
  }

  /** Keeps the cache exact after every commit and wakes event-driven automatons. */
  observe(entries: readonly RecordEntry[]): void {
    if (!this.#states) return;
    let event = false;
    for (const entry of entries) {
      if (foldEntry(this.#states, entry)) continue;
      for (const state of this.#states.values()) {
        const s = state.schedule;
        if (
          state.status === "running" &&
          s.type === "event_driven" &&
          matchesFilter(s.event_filter, entry)
        )
          event = true;
      }
    }
    if (event) this.poke();
  }

  /** True while an installed, unfinished automaton holds the agent's turns for its ticks. */
  holdsTurns(): boolean {
    if (!this.#host.store.meta()) return false;
    for (const state of this.#all().values()) {
      if (!isFinal(state.status) && this.#host.builtins[state.kind]?.holdsTurns) return true;
    }
    return false;
  }

  /** True when some automaton is installed and not final (admissions may wake it). */
  active(): boolean {
    if (!this.#host.store.meta()) return false;
    return [...this.#all().values()].some((s) => !isFinal(s.status));
  }

  /** Installs an automaton and starts it: `installing`, then `running`, recorded together. */
  install(
    agentId: string,
    automatonId: string,
    kind: AutomatonKind,
    schedule: Schedule,
  ): Result<AutomatonView> {
    if (!this.#host.builtins[kind]) {
      return fail("unavailable", `the ${kind} built-in is not available yet: only chat runs`);
    }
    if (this.#all().has(automatonId)) return fail("conflict", `automaton ${automatonId} exists`);
    const base = { type: "automaton_lifecycle", automaton_id: automatonId, kind } as const;
    this.#record(agentId, [
      { ...base, from: null, to: "installing", schedule },
      { ...base, from: "installing", to: "running" },
    ]);
    this.#afterChange();
    return this.view(automatonId);
  }

  /** Pauses, resumes, stops (or fails, completes) an automaton, as the lifecycle allows. */
  control(id: string, command: LifecycleCommand, reason?: string): Result<ControlOutcome> {
    const state = this.#all().get(id);
    if (!state) return fail("not_found", `automaton ${id} not found`);
    const decided = decideLifecycle(state.status, command, reason);
    if (!decided.ok) return decided;
    const { from, to } = decided;
    const event: AutomatonEvent = {
      type: "automaton_lifecycle",
      automaton_id: id,
      kind: state.kind,
      from,
      to,
    };
    if (decided.reason !== undefined) event.reason = decided.reason;
    this.#record(this.#agentId(), [event]);
    this.#afterChange();
    return { ok: true, automaton_id: id, status: to };
  }

  /** Begins a tick now (what `on_demand` schedules tick on); its work runs in the pump. */
  requestTick(id: string): Result<{ automaton_id: string; tick: number }> {
    const state = this.#all().get(id);
    if (!state) return fail("not_found", `automaton ${id} not found`);
    const plan = beginRequested(state, this.#host.now());
    if (plan.type === "refuse") return fail("conflict", `cannot tick: ${plan.reason}`);
    if (plan.type !== "begin") return fail("internal", "unexpected tick plan");
    this.#record(this.#agentId(), [this.#tickEvent(id, plan)]);
    this.poke();
    return { ok: true, automaton_id: id, tick: plan.tick };
  }

  /** One automaton as the routes report it. */
  view(id: string): Result<AutomatonView> {
    const state = this.#all().get(id);
    if (!state) return fail("not_found", `automaton ${id} not found`);
    return { ok: true, ...this.#viewOf(state) };
  }

  /** Every automaton of the agent, finished ones too, in installation order. */
  views(): AutomatonView[] {
    return [...this.#all().values()].map((s) => this.#viewOf(s));
  }

  /** Runs the pump on the next tick of the event loop. */
  poke(): void {
    setTimeout(() => {
      this.pump().catch((err: unknown) => console.error("automaton pump failed", err));
    }, 0);
  }

  /** Runs every due tick, one at a time, then arms the alarm for the next; single flight. */
  pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return this.#pumping;
    }
    this.#pumping = this.#pumpLoop().finally(() => {
      this.#pumping = undefined;
    });
    return this.#pumping;
  }

  async #pumpLoop(): Promise<void> {
    if (!this.#host.store.meta()) return;
    do {
      this.#again = false;
      for (const state of [...this.#all().values()]) await this.#step(state.automaton_id);
    } while (this.#again);
    this.#armNext();
  }

  /** Runs one automaton's ticks until it has none due. */
  async #step(id: string): Promise<void> {
    for (let guard = 0; guard < 100; guard++) {
      const state = this.#all().get(id);
      if (!state) return;
      const plan = this.#plan(state);
      if (plan.type === "wait") return;
      if (plan.type === "abandon") {
        this.#record(this.#agentId(), [
          { type: "automaton_tick_done", automaton_id: id, tick: plan.tick, outcome: "abandoned" },
        ]);
        continue;
      }
      let startSeq: number;
      let resumed = false;
      if (plan.type === "begin") {
        startSeq = this.#record(this.#agentId(), [this.#tickEvent(id, plan)])[0]?.seq ?? 0;
      } else {
        startSeq = plan.seq;
        resumed = true;
      }
      await this.#runTick(id, plan.tick, startSeq, resumed);
    }
  }

  async #runTick(id: string, tick: number, startSeq: number, resumed: boolean): Promise<void> {
    const state = this.#all().get(id);
    const builtin = state && this.#host.builtins[state.kind];
    let result: TickResult;
    if (!state || !builtin) {
      result = { outcome: "failed", fail: `no ${state?.kind ?? "known"} built-in` };
    } else {
      try {
        result = await builtin.tick({ automaton: state, tick, startSeq, resumed });
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
      const latest = latestEventSeq(this.#host.store, schedule.event_filter, state?.cause_seq ?? 0);
      if (latest !== undefined) done.cause_seq = latest;
    }
    this.#record(this.#agentId(), [done]);
    if (result.fail !== undefined) this.control(id, "fail", result.fail);
    else if (result.complete) this.control(id, "complete", "the built-in finished its work");
  }

  #plan(state: AutomatonState): TickPlan {
    const { store, builtins, now } = this.#host;
    const builtin = builtins[state.kind];
    const s = state.schedule;
    const input = { now: now(), hasWork: s.type === "continuous" && builtin?.hasWork() === true };
    if (s.type !== "event_driven") return planTick(state, input);
    const queued =
      store.queuedCount() > 0 &&
      store.queued(64).some((tx) => tx.tx_type === s.event_filter.tx_type);
    const latest = latestEventSeq(store, s.event_filter, state.cause_seq);
    return planTick(state, {
      ...input,
      eventQueued: queued && builtin?.queuedMatch?.(s.event_filter.tx_type) === true,
      ...(latest === undefined ? {} : { latestEventSeq: latest }),
    });
  }

  #tickEvent(
    id: string,
    plan: { tick: number; due_ms: number; cause_seq?: number },
  ): AutomatonEvent {
    const event: AutomatonEvent = {
      type: "automaton_tick",
      automaton_id: id,
      tick: plan.tick,
      due_ms: plan.due_ms,
    };
    if (plan.cause_seq !== undefined) event.cause_seq = plan.cause_seq;
    return event;
  }

  #afterChange(): void {
    this.#host.turnsReleased();
    this.poke();
  }

  #armNext(): void {
    const now = this.#host.now();
    const due = [...this.#all().values()]
      .map((s) => wakeAtMs(s, now))
      .filter((t): t is number => t !== undefined);
    if (due.length > 0) this.#host.wakeAt(Math.min(...due));
  }

  #viewOf(state: AutomatonState): AutomatonView {
    const { automaton_id, kind, schedule, status, ticks, installed_seq, reason } = state;
    const view: AutomatonView = {
      automaton_id,
      agent_id: this.#agentId(),
      kind,
      schedule,
      status,
      ticks,
      installed_seq,
    };
    if (reason !== undefined) view.reason = reason;
    const next = wakeAtMs(state, this.#host.now());
    if (next !== undefined) view.next_due_ms = next;
    return view;
  }

  /** Commits the runtime's events as `system` entries (not part of any turn). */
  #record(agentId: string, events: AutomatonEvent[]): RecordEntry[] {
    const now = this.#host.now();
    return this.#host.store.commit(
      events.map((event) => ({
        tx: automatonTransaction(agentId, event, now),
        outcome: EMPTY_OUTCOME,
        options: { dequeue: false, turn: "keep" as const },
      })),
    );
  }

  #agentId(): string {
    return this.#host.store.requireMeta().agent_id;
  }

  #all(): Map<string, AutomatonState> {
    this.#states ??= loadAutomatons(this.#host.store);
    return this.#states;
  }
}
