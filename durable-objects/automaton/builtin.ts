import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import type { AutomatonKind } from "../../src/protocol/automatons.js";

/** One tick's work, as the runtime hands it to a built-in. */
export interface TickContext {
  automaton: Readonly<AutomatonState>;
  tick: number;
  /**
   * Seq of the tick's `automaton_tick` entry. What the tick already did is what the record
   * holds after it: a resumed tick reads it there and never does that work again.
   */
  startSeq: number;
  /** True when the tick began before this object instance (a crash or eviction mid-tick). */
  resumed: boolean;
  /** What {@link Builtin.intent} chose when the tick began (as recorded), if it has one. */
  intent?: Record<string, unknown>;
}

/** What a tick came to, recorded in its `automaton_tick_done` entry. */
export interface TickResult {
  /** A short word: `answered`, `idle`, `agent_inactive`, … */
  outcome: string;
  detail?: Record<string, unknown>;
  /** The automaton's work is finished: the runtime records `running → completed`. */
  complete?: boolean;
  /** The automaton cannot go on: the runtime records `→ failed` with this reason. */
  fail?: string;
}

/**
 * A built-in automaton: what the runtime calls on each tick (`chat`, `task-run`, `dev-loop`,
 * `spec-gen`).
 *
 * @example
 * const echo: Builtin = {
 *   kind: "chat",
 *   holdsTurns: false,
 *   hasWork: () => false,
 *   tick: async () => ({ outcome: "idle" }),
 * };
 */
export interface Builtin {
  kind: AutomatonKind;
  /**
   * While an automaton of this kind is installed and not final, the agent's turn-starting
   * transactions wait in its inbox for a tick to let one through.
   */
  holdsTurns: boolean;
  /** Whether a tick would have something to do now (what `continuous` schedules tick on). */
  hasWork(): boolean;
  /** Whether a transaction waiting in the inbox is one this built-in answers on a tick. */
  queuedMatch?(txType: string): boolean;
  /**
   * What the tick about to begin will work on, recorded in its `automaton_tick` entry before
   * any work (so watchers hear of it first, and a resumed tick works on the same thing).
   * A throw is recorded as `{error}` for the tick to answer.
   */
  intent?(automaton: Readonly<AutomatonState>): Promise<Record<string, unknown>>;
  /** Does one tick's work; must be safe to call again for a resumed tick (see `startSeq`). */
  tick(context: TickContext): Promise<TickResult>;
}

/** The built-ins an agent's object can run, by kind. */
export type BuiltinRegistry = Partial<Record<AutomatonKind, Builtin>>;
