import type { AutomatonEvent } from "../../src/automaton/automaton-record.js";
import { automatonTransaction } from "../../src/automaton/automaton-record.js";
import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import { decideLifecycle, isFinal, type LifecycleCommand } from "../../src/automaton/lifecycle.js";
import { beginRequested, wakeAtMs } from "../../src/automaton/tick-plan.js";
import { fail, type Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import { EMPTY_OUTCOME } from "../../src/kernel/step.js";
import { failureLogger } from "../../src/log/env-logger.js";
import { errorFields } from "../../src/log/error-fields.js";
import type {
  AutomatonKind,
  AutomatonStatus,
  AutomatonView,
  Schedule,
} from "../../src/protocol/automatons.js";
import type { AgentStore } from "../agent/agent-store.js";
import { automatonView, foldEntry, loadAutomatons, matchesFilter } from "./automaton-reads.js";
import type { BuiltinRegistry } from "./builtin.js";
import { intentOf, runDueTicks, type TickRunnerHost, tickEvent } from "./tick-runner.js";

/** What the runtime needs from the agent's object. */
export interface RuntimeHost {
  store: AgentStore;
  builtins: BuiltinRegistry;
  now(): number;
  /** Arms the object's alarm for `ms` unless an earlier one is pending. */
  wakeAt(ms: number): void;
  /** A holding automaton ended or started: the drain may have turns to run (or hold). */
  turnsReleased(): void;
  /** An automaton became final (stopped, failed, completed): release what it held outside. */
  ended?(state: Readonly<AutomatonState>): void;
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

  /** What the tick runner sees of this runtime. */
  readonly #ticks: TickRunnerHost;

  constructor(host: RuntimeHost) {
    this.#host = host;
    this.#ticks = {
      store: host.store,
      builtins: host.builtins,
      now: () => host.now(),
      state: (id) => this.#all().get(id),
      record: (events) => this.#record(this.#agentId(), events),
      control: (id, command, reason) => {
        this.control(id, command, reason);
      },
    };
  }

  /** Keeps the cache exact after every commit and wakes event-driven automatons. */
  observe(entries: readonly RecordEntry[]): void {
    if (!this.#states) return;
    let event = false;
    for (const entry of entries) {
      if (foldEntry(this.#states, entry)) continue;
      for (const state of this.#states.values()) {
        if (state.status !== "running") continue;
        const s = state.schedule;
        // A continuous automaton's work may have come back with this entry (a turn it waits
        // out ended); an event-driven one ticks on a matching entry.
        if (s.type === "continuous" && state.open_tick === undefined) event = true;
        if (s.type === "event_driven" && matchesFilter(s.event_filter, entry)) event = true;
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
    workspacePath?: string,
  ): Result<AutomatonView> {
    if (!this.#host.builtins[kind]) {
      return fail("unavailable", `the ${kind} built-in is not available in this object`);
    }
    if (this.#all().has(automatonId)) return fail("conflict", `automaton ${automatonId} exists`);
    const base = { type: "automaton_lifecycle", automaton_id: automatonId, kind } as const;
    this.#record(agentId, [
      {
        ...base,
        from: null,
        to: "installing",
        schedule,
        ...(workspacePath === undefined ? {} : { workspace_path: workspacePath }),
      },
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
    if (isFinal(to)) this.#host.ended?.(state);
    return { ok: true, automaton_id: id, status: to };
  }

  /**
   * Begins a tick now (what `on_demand` schedules tick on); its work runs in the pump. A
   * built-in that chooses its work first (a dev loop's task) chooses before the tick is
   * recorded, so the `automaton_tick` entry names it as a scheduled tick's does.
   */
  async requestTick(id: string): Promise<Result<{ automaton_id: string; tick: number }>> {
    const first = this.#requested(id);
    if (!first.ok) return first;
    const chooser = this.#host.builtins[first.state.kind]?.intent;
    const intent = chooser ? await intentOf(chooser, first.state) : undefined;
    // The state may have moved while the built-in chose (another request, a stop): decide again.
    const again = this.#requested(id);
    if (!again.ok) return again;
    if (again.plan.tick !== first.plan.tick) return fail("conflict", "cannot tick: tick moved");
    this.#record(this.#agentId(), [
      tickEvent(id, { ...again.plan, ...(intent ? { intent } : {}) }),
    ]);
    this.poke();
    return { ok: true, automaton_id: id, tick: again.plan.tick };
  }

  #requested(id: string) {
    const state = this.#all().get(id);
    if (!state) return fail("not_found", `automaton ${id} not found`);
    const plan = beginRequested(state, this.#host.now());
    if (plan.type === "refuse") return fail("conflict", `cannot tick: ${plan.reason}`);
    if (plan.type !== "begin") return fail("internal", "unexpected tick plan");
    return { ok: true as const, state, plan };
  }

  /** One automaton as the routes report it. */
  view(id: string): Result<AutomatonView> {
    const state = this.#all().get(id);
    if (!state) return fail("not_found", `automaton ${id} not found`);
    return { ok: true, ...automatonView(state, this.#agentId(), this.#host.now()) };
  }

  /** Every automaton of the agent, finished ones too, in installation order. */
  views(): AutomatonView[] {
    return [...this.#all().values()].map((s) =>
      automatonView(s, this.#agentId(), this.#host.now()),
    );
  }

  /** Runs the pump on the next tick of the event loop. */
  poke(): void {
    setTimeout(() => {
      this.pump().catch((err: unknown) =>
        failureLogger.log("error", "automaton_pump_failed", errorFields(err)),
      );
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
      for (const state of [...this.#all().values()]) {
        await runDueTicks(this.#ticks, state.automaton_id);
      }
    } while (this.#again);
    this.#armNext();
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
