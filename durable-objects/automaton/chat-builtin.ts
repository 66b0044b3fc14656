import { type RecordEntry, startsTurnType } from "../../src/core/record.js";
import type { AgentStore } from "../agent/agent-store.js";
import { startsTurn, type TurnGate } from "../agent/turn-runner.js";
import type { Builtin, TickContext, TickResult } from "./builtin.js";

/** How many drains a tick runs at most to get its one turn through. */
const DRAIN_ATTEMPTS = 3;

/**
 * The gate `chat` holds the agent's turns with: closed while a chat automaton is installed,
 * opened for exactly one turn by a tick. The allowance is memory only: after an eviction it
 * is closed, and a tick that began is finished from the record, not from this flag.
 *
 * @example
 * const gate = new TickTurnGate(() => runtime.holdsTurns());
 * gate.allowOne(); // the next drain may open one turn
 */
export class TickTurnGate implements TurnGate {
  readonly #held: () => boolean;
  #allowance = 0;

  constructor(held: () => boolean) {
    this.#held = held;
  }

  mayOpen(): boolean {
    return !this.#held() || this.#allowance > 0;
  }

  opened(): void {
    if (this.#allowance > 0) this.#allowance--;
  }

  allowOne(): void {
    this.#allowance = 1;
  }

  close(): void {
    this.#allowance = 0;
  }

  /**
   * Lets exactly one turn through: opens the gate for one, runs `drain`, closes it, and looks
   * for the turn with `find` — at least one drain and up to three, since a drain may find the
   * inbox busy.
   * Resolves with what `find` found, or `undefined` when no turn opened.
   *
   * @example
   * const opened = await gate.letOneTurnThrough(() => host.drain(), () => turnOpenedAfter(store, seq));
   */
  async letOneTurnThrough<T>(
    drain: () => Promise<void>,
    find: () => T | undefined,
  ): Promise<T | undefined> {
    let opened: T | undefined;
    for (let i = 0; i < DRAIN_ATTEMPTS && opened === undefined; i++) {
      this.allowOne();
      try {
        await drain();
      } finally {
        this.close();
      }
      opened = find();
    }
    return opened;
  }
}

/** What `chat` needs from the agent's object. */
export interface ChatHost {
  store: AgentStore;
  gate: TickTurnGate;
  /** Runs the agent's drain (or joins the one running) to its end. */
  drain(): Promise<void>;
}

/** The turn opened after `afterSeq`: an inbound prompt or message (a reply has a turn trace). */
function turnOpenedAfter(store: AgentStore, afterSeq: number): RecordEntry | undefined {
  const head = store.requireMeta().head_seq;
  const entries = store.entriesOfTypes(["user_prompt", "agent_msg"], afterSeq + 1, head + 1);
  return entries.find((e) => startsTurn(e.tx) && !isTurnReply(e));
}

/** True for the `agent_msg` that ends a turn: its trace carries the turn's summary. */
export function isTurnReply(entry: RecordEntry): boolean {
  const trace = entry.proposals.trace;
  return typeof trace === "object" && trace !== null && !Array.isArray(trace) && "turn" in trace;
}

/**
 * `chat`: each tick answers the oldest message waiting in the agent's inbox with one normal
 * agent turn (the agent loop, recorded like any turn). A resumed tick first looks for the
 * turn it opened after its `automaton_tick` entry and only waits for that turn to finish, so
 * a tick never opens two turns.
 *
 * @example
 * const chat = chatBuiltin({ store, gate, drain: () => schedule.now() });
 * await chat.tick({ automaton, tick: 1, startSeq: 7, resumed: false });
 */
export function chatBuiltin(host: ChatHost): Builtin {
  const { store, gate } = host;
  const waiting = () => store.queuedCount() > 0 && store.queued(64).some(startsTurn);
  return {
    kind: "chat",
    holdsTurns: true,
    hasWork: waiting,
    queuedMatch: startsTurnType,
    async tick({ startSeq }: TickContext): Promise<TickResult> {
      let opened = turnOpenedAfter(store, startSeq);
      if (!opened) {
        if (store.requireMeta().status !== "active") return { outcome: "agent_inactive" };
        if (!waiting()) return { outcome: "idle" };
        opened = await gate.letOneTurnThrough(
          () => host.drain(),
          () => turnOpenedAfter(store, startSeq),
        );
        if (!opened) return { outcome: "idle" };
      }
      // The turn this tick opened runs in the drain; wait for it to end (or park).
      await host.drain();
      const stillOpen = store.requireMeta().open_turn_seq === opened.seq;
      return {
        outcome: stillOpen ? "turn_open" : "answered",
        detail: { tx_id: opened.tx.hash, turn_seq: opened.seq },
      };
    },
  };
}
