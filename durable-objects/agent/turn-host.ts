import { loadConfig } from "../../src/config.js";
import { setBounded } from "../../src/core/bounded-map.js";
import { loggerFor } from "../../src/log/env-logger.js";
import { type TurnEnd, turnFields, turnLevel } from "../../src/log/turn-end.js";
import { turnDataPoint, writePoint } from "../../src/metrics/analytics.js";
import { selectProvider } from "../../src/reasoner/select-provider.js";
import type { ModelProvider } from "../../src/reasoner/types.js";
import { taskRunToolsFor } from "../automaton/task-run-turn.js";
import { projectStub } from "../stubs.js";
import type { AgentStore } from "./agent-store.js";
import { ConversationCache } from "./conversation.js";
import type { SessionHub } from "./session-hub.js";
import type { LatestSession } from "./session-of-record.js";
import { turnToolsOf } from "./tool-host.js";
import { drainInbox, type TurnGate, type TurnSetup } from "./turn-runner.js";

/** Callers' JWTs held at most (the oldest is dropped first). */
const MAX_CALLER_JWTS = 1000;

/** What the agent's turns borrow from its object. */
export interface TurnHostDeps {
  env: Env;
  store: AgentStore;
  hub: SessionHub;
  /** The latest `session_start`, kept exact by the object's commit hook. */
  session: LatestSession;
  /** Holds turn-starting transactions while an automaton holds the agent's turns. */
  turnGate: TurnGate;
}

/**
 * What the turn runner gets from one agent's object: the model provider, the conversation
 * cache, the callers' JWTs for the turns they start, the watchers' cancel request, and each
 * turn's session and tools. All of it is memory only: after an eviction a turn continues
 * from the record, without a cancel that no longer matters. Each run of a turn leaves one
 * `turn` log line and, when `AURA_ANALYTICS` is bound, one Analytics Engine data point
 * (timed by the object's clock, never recorded).
 *
 * @example
 * const turns = new TurnHost({ env, store, hub, session, turnGate });
 * turns.rememberCaller(tx.hash, jwt);
 * await turns.drainInbox(); // inside the drain
 */
export class TurnHost {
  readonly #deps: TurnHostDeps;
  #provider?: ModelProvider;
  readonly #conversation = new ConversationCache();
  /** Callers' JWTs by transaction, for the turns they start (bounded). */
  readonly #callerJwts = new Map<string, string>();
  /** The open turn a watcher asked to cancel. */
  #cancelTurnSeq?: number;

  constructor(deps: TurnHostDeps) {
    this.#deps = deps;
  }

  /** Keeps `jwt` for the model calls of the turn transaction `txHash` starts. */
  rememberCaller(txHash: string, jwt: string): void {
    setBounded(this.#callerJwts, txHash, jwt, MAX_CALLER_JWTS);
  }

  /** Asks the turn at `turnSeq` to stop at its next safe point. */
  cancel(turnSeq: number): void {
    this.#cancelTurnSeq = turnSeq;
  }

  /** Runs the inbox in order: turns and the transactions between them, as the gate allows. */
  async drainInbox(): Promise<void> {
    const { store, hub, turnGate } = this.#deps;
    await drainInbox({
      store,
      conversation: this.#conversation,
      callerJwt: (txId) => this.#callerJwts.get(txId),
      provider: this.#providerInstance(),
      turnSetup: (turnSeq) => this.#turnSetup(turnSeq),
      onEvent: (event) => hub.broadcast([event]),
      isCancelled: (turnSeq) => this.#cancelTurnSeq === turnSeq,
      turnGate,
      now: () => Date.now(),
      monitor: { clock: () => performance.now(), ended: (end) => this.#turnEnded(end) },
    });
  }

  /**
   * Logs a run of a turn as one `turn` line, and writes its data point to the Analytics
   * Engine dataset when one is bound.
   */
  #turnEnded(end: TurnEnd): void {
    const { env, store } = this.#deps;
    try {
      const meta = store.requireMeta();
      const fields = turnFields(meta.org, meta.agent_id, end);
      loggerFor(env).log(turnLevel(end.outcome), "turn", fields);
      writePoint(env.AURA_ANALYTICS, turnDataPoint(meta.org, meta.agent_id, end));
    } catch {
      // The agent's metadata is unreadable: the drain's own failure reports that.
    }
  }

  /**
   * The session and tools of the turn at `turnSeq`: the agent's latest session, if it has one,
   * and its tools (with the engine tools when a `task-run` tick opened the turn).
   */
  #turnSetup(turnSeq: number): TurnSetup {
    const { env, store, session: latest } = this.#deps;
    const sql = store.sql;
    const session = latest.get(sql);
    const installed = latest.installedTools(sql);
    const meta = store.requireMeta();
    const tools = taskRunToolsFor(
      store,
      turnToolsOf(env, loadConfig(env), meta, installed),
      turnSeq,
      (projectId) => projectStub(env, meta.org, projectId),
    );
    return session ? { session, tools } : { tools };
  }

  #providerInstance(): ModelProvider {
    this.#provider ??= selectProvider(loadConfig(this.#deps.env));
    return this.#provider;
  }
}
