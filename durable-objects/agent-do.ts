import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../src/config.js";
import { setBounded } from "../src/core/bounded-map.js";
import { fail, type Result } from "../src/core/errors.js";
import type { AgentStatus, RecordEntry } from "../src/core/record.js";
import { agentStub } from "../src/http/stubs.js";
import type {
  AgentHead,
  AgentSettings,
  AgentSummary,
  VerifyReport,
} from "../src/protocol/agents.js";
import type {
  AutomatonCommand,
  AutomatonView,
  CreateAutomatonRequest,
} from "../src/protocol/automatons.js";
import type { TxStatus } from "../src/protocol/tx.js";
import { selectProvider } from "../src/reasoner/select-provider.js";
import type { ModelProvider } from "../src/reasoner/types.js";
import { commitFrames } from "../src/session/commit-frames.js";
import {
  type AdmitInput,
  type AgentAddress,
  agentNotFound,
  newAgentMeta,
  planAdmission,
} from "./agent/admission.js";
import { AgentStore } from "./agent/agent-store.js";
import {
  type ApproveInput,
  type PendingApprovalView,
  recordApproval,
  waitingApprovals,
} from "./agent/approval.js";
import { ConversationCache } from "./agent/conversation.js";
import { DrainSchedule } from "./agent/drain-schedule.js";
import { copyForkPrefix } from "./agent/fork.js";
import { type ForkInfo, forkSourceOf } from "./agent/fork-source.js";
import { isQueued } from "./agent/inbox-table.js";
import type { AgentMeta } from "./agent/meta-table.js";
import { selectIdempotency, selectTxFailure } from "./agent/meta-table.js";
import { deliverOutbox } from "./agent/outbox-delivery.js";
import { selectEntries, seqOfTx, unreadableRow } from "./agent/record-table.js";
import { SessionHub } from "./agent/session-hub.js";
import { LatestSession } from "./agent/session-of-record.js";
import { streamHostOf } from "./agent/stream-host.js";
import { type StreamHost, StreamSessions } from "./agent/stream-sessions.js";
import {
  type CloseTerminalInput,
  type OpenedTerminal,
  type OpenTerminalInput,
  type TerminalGate,
  terminalGateOf,
} from "./agent/terminal-gate.js";
import { turnToolsOf } from "./agent/tool-host.js";
import { drainInbox, startsTurn, type TurnSetup } from "./agent/turn-runner.js";
import { turnFilesChanged } from "./agent/turn-summary.js";
import { verifyRecord } from "./agent/verify-record.js";
import { wakeAt } from "./automaton/alarm-clock.js";
import { automatonEntries } from "./automaton/automaton-reads.js";
import { AutomatonRuntime, type ControlOutcome } from "./automaton/automaton-runtime.js";
import { chatBuiltin, TickTurnGate } from "./automaton/chat-builtin.js";
import { directoryStub } from "./directory-do.js";

export type { AdmitInput, AgentAddress } from "./agent/admission.js";
export type { ApproveInput, PendingApprovalView } from "./agent/approval.js";

/** `create`: a new agent with its settings. */
export interface CreateInput extends AgentAddress {
  settings: AgentSettings;
  now: number;
}

/** `forkFrom`: this (new) agent becomes a fork of another agent of the same org. */
export interface ForkInput extends AgentAddress {
  source_agent_id: string;
  at_seq: number;
  now: number;
}

/** Callers' JWTs held at most (the oldest is dropped first). */
const MAX_CALLER_JWTS = 1000;

/** Keep-alive frames answered by the runtime without waking the object. */
const PING = JSON.stringify({ type: "ping" });
const PONG = JSON.stringify({ type: "pong" });

/**
 * One agent. Owns its record, inbox and metadata in SQLite and runs its turns one at a
 * time: its {@link DrainSchedule} runs one drain at a time (the per-agent queue), started just
 * after admissions, with an alarm armed with every admission so it runs after an eviction. Decisions live in
 * the kernel and in `./agent/`; this class wires them to storage and the runtime.
 */
export class AgentDO extends DurableObject<Env> {
  readonly #store: AgentStore;
  readonly #schedule: DrainSchedule;
  #provider?: ModelProvider;
  readonly #conversation = new ConversationCache();
  /** Callers' JWTs by transaction, for the turns they start (memory only, bounded). */
  readonly #callerJwts = new Map<string, string>();
  readonly #hub: SessionHub;
  readonly #streams: StreamSessions;
  readonly #terminals: TerminalGate;
  /** The latest `session_start`, once read; kept exact by the commit hook. */
  readonly #session = new LatestSession();
  /** The open turn a watcher asked to cancel (memory only: a cancel lost to eviction is moot). */
  #cancelTurnSeq?: number;
  readonly #automatons: AutomatonRuntime;
  /** Holds turn-starting transactions for an automaton's ticks while one holds them. */
  readonly #turnGate: TickTurnGate;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new AgentStore(ctx.storage);
    this.#schedule = new DrainSchedule(ctx.storage, () => this.#drain());
    this.#hub = new SessionHub(ctx);
    this.#terminals = terminalGateOf(env, this.#store, this.#hub, this.#session);
    this.#streams = new StreamSessions(this.#streamHost());
    this.#turnGate = new TickTurnGate(() => this.#automatons.holdsTurns());
    this.#automatons = new AutomatonRuntime({
      store: this.#store,
      builtins: {
        chat: chatBuiltin({
          store: this.#store,
          gate: this.#turnGate,
          drain: () => this.#schedule.now(),
        }),
      },
      now: () => Date.now(),
      wakeAt: (ms) => {
        wakeAt(ctx.storage, ms).catch((err: unknown) => console.error("setAlarm failed", err));
      },
      turnsReleased: () => this.#schedule.soon(),
    });
    this.#store.onCommit = (entries) => this.#afterCommit(entries);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** A `/stream` upgrade, accepted with the hibernation API (the socket outlives sleep). */
  override async fetch(request: Request): Promise<Response> {
    return this.#hub.acceptUpgrade(request);
  }

  /** A frame from a `/stream` client. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await this.#streams.receive(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.#hub.closed(ws, { code, reason });
  }

  override async webSocketError(): Promise<void> {
    this.#hub.closed();
  }

  /** Creates the agent; a second call for an existing agent is a conflict. */
  async create(input: CreateInput): Promise<Result<{ agent_id: string }>> {
    if (this.#store.meta()) return fail("conflict", `agent ${input.agent_id} already exists`);
    this.#store.create(newAgentMeta(input, input.settings, loadConfig(this.env).windowSize));
    await this.#register();
    return { ok: true, agent_id: input.agent_id };
  }

  /**
   * Admits a client transaction: assigns `ts_ms` and its id, queues it and arms the alarm in
   * one storage write, so a transaction acknowledged here is processed even if the object is
   * evicted right after. An unknown agent is created in the caller's org.
   */
  async admit(input: AdmitInput): Promise<Result<{ tx_id: string; duplicate: boolean }>> {
    const key = input.idempotency_key;
    const seen = key === undefined ? undefined : selectIdempotency(this.#store.sql, key);
    const meta = this.#store.meta();
    const plan = planAdmission(
      input,
      meta,
      seen,
      this.#store.nextAdmission(),
      loadConfig(this.env).windowSize,
    );
    if (plan.type === "refuse") return plan.failure;
    if (plan.type === "duplicate") return { ok: true, tx_id: plan.tx_id, duplicate: true };
    const { admission } = plan;
    const opensTurn = startsTurn(admission.tx);
    const held = opensTurn && this.#automatons.holdsTurns();
    if (this.#store.canCommitOnAdmission() && !held) {
      // Nothing is queued ahead and no turn runs: the inbound entry commits with the admission.
      this.#store.admitCommitted(admission, opensTurn ? "open" : "close");
    } else {
      this.#store.admit(admission);
    }
    // Same synchronous block as the write above: SQLite-backed storage commits both together.
    const workToDo = opensTurn || this.#store.queuedCount() > 0;
    if (workToDo) this.#schedule.armAlarm();
    if (admission.create) await this.#register();
    if (opensTurn && input.caller_jwt !== undefined)
      setBounded(this.#callerJwts, admission.tx.hash, input.caller_jwt, MAX_CALLER_JWTS);
    if (workToDo) this.#schedule.soon();
    if (this.#automatons.active()) this.#automatons.poke();
    return { ok: true, tx_id: admission.tx.hash, duplicate: false };
  }

  /**
   * Becomes a fork of `source_agent_id` at `at_seq`: entries `1..at_seq` copied verbatim
   * (verified while copying), then the metadata row with the head there. A turn the prefix
   * leaves unfinished is finished from what it recorded.
   */
  async forkFrom(input: ForkInput): Promise<Result<{ agent_id: string }>> {
    if (this.#store.meta()) return fail("conflict", `agent ${input.agent_id} already exists`);
    const source = forkSourceOf(
      this.env,
      { org: input.org, agent_id: input.source_agent_id },
      input.at_seq,
    );
    const info = await source.info();
    if (!info.ok) return info;
    const copied = await copyForkPrefix(source.pages, input.at_seq, info.window_size, (entries) =>
      this.#store.insertForkedEntries(entries),
    );
    if ("error" in copied) return fail("conflict", copied.error);
    // A fork is nobody's child: only the spawned agent itself answers its parent.
    const { parent: _parent, ...settings } = info.settings;
    const meta = newAgentMeta(input, settings, info.window_size);
    this.#store.create({
      ...meta,
      head_seq: copied.head.seq,
      head_hash: copied.head.hash,
      open_turn_seq: copied.openTurnSeq,
    });
    if (copied.openTurnSeq !== null) {
      this.#schedule.armAlarm();
      this.#schedule.soon();
    }
    await this.#register();
    return { ok: true, agent_id: input.agent_id };
  }

  /** What a fork at `atSeq` needs from this agent: its settings and window. */
  forkInfo(address: AgentAddress, atSeq: number): Result<ForkInfo> {
    const meta = this.#owned(address);
    if (!meta) return agentNotFound(address.agent_id);
    if (atSeq > meta.head_seq) {
      return fail("invalid_request", `at_seq: ${atSeq} is past the head (${meta.head_seq})`);
    }
    return { ok: true, settings: meta.settings, window_size: meta.window_size };
  }

  /** The head of the record. */
  head(address: AgentAddress): Result<AgentHead> {
    const meta = this.#owned(address);
    if (!meta) return agentNotFound(address.agent_id);
    const { agent_id, head_seq, head_hash, status } = meta;
    return { ok: true, agent_id, head_seq, head_hash, status };
  }

  /** One row of the org's agent list. */
  summary(address: AgentAddress): Result<AgentSummary> {
    const meta = this.#owned(address);
    if (!meta) return agentNotFound(address.agent_id);
    const { agent_id, head_seq, status, created_at } = meta;
    return { ok: true, agent_id, head_seq, status, created_at };
  }

  /** Entries `from_seq…`, at most `limit` (the caller clamps it), as a JSON array text. */
  record(address: AgentAddress, fromSeq: number, limit: number): Result<{ json: string }> {
    if (!this.#owned(address)) return agentNotFound(address.agent_id);
    const rows = selectEntries(this.#store.sql, fromSeq, limit);
    const problem = unreadableRow(rows);
    if (problem !== undefined) return fail("internal", problem);
    return { ok: true, json: JSON.stringify(rows) };
  }

  /**
   * Where a transaction is: `pending` while queued or while the turn it started is still
   * running (then with its seq), `processed` once done, `failed` if its turn failed.
   */
  txStatus(address: AgentAddress, txId: string): Result<TxStatus> {
    const meta = this.#owned(address);
    if (!meta) return agentNotFound(address.agent_id);
    const sql = this.#store.sql;
    if (isQueued(sql, txId)) return { ok: true, tx_id: txId, status: "pending" };
    const seq = seqOfTx(sql, txId);
    if (seq === undefined) return { ok: true, tx_id: txId, status: "unknown" };
    if (meta.open_turn_seq === seq) return { ok: true, tx_id: txId, status: "pending", seq };
    const error = selectTxFailure(sql, txId);
    const status: TxStatus =
      error === undefined
        ? { tx_id: txId, status: "processed", seq }
        : { tx_id: txId, status: "failed", seq, error };
    const files = turnFilesChanged(sql, txId, seq);
    if (files) status.files_changed = files;
    return { ok: true, ...status };
  }

  /** Re-folds the whole record and reports the first entry that does not verify. */
  verify(address: AgentAddress): Result<{ report: VerifyReport }> {
    const meta = this.#owned(address);
    if (!meta) return agentNotFound(address.agent_id);
    return { ok: true, report: verifyRecord(this.#store.sql, meta) };
  }

  /** The tool calls the agent's open turn waits on, then the terminals waiting, oldest first. */
  approvals(address: AgentAddress): Result<{ approvals: PendingApprovalView[] }> {
    if (!this.#owned(address)) return agentNotFound(address.agent_id);
    return {
      ok: true,
      approvals: [...waitingApprovals(this.#store), ...this.#terminals.pending()],
    };
  }

  /**
   * Answers a tool call the agent's open turn is parked on: records the person's decision as
   * an `action_result` entry of the turn, then resumes the turn, which runs or refuses the call.
   * A terminal waiting for approval is answered the same way (see {@link openTerminal}).
   */
  async approve(input: ApproveInput): Promise<Result<{ seq: number }>> {
    if (!this.#owned(input)) return agentNotFound(input.agent_id);
    const terminal = this.#terminals.answer(input);
    if (terminal) return terminal;
    // One writer: wait for a running drain, then decide and commit without yielding.
    await this.#schedule.idle();
    const decided = recordApproval(this.#store, input, Date.now());
    if (!decided.ok) return decided;
    this.#schedule.armAlarm();
    this.#schedule.soon();
    return decided;
  }

  /**
   * A terminal in the agent's workspace, asked for by `sub`: decided by the agent's policy for
   * the `terminal` tool (asking watchers when it needs approval) and recorded either way;
   * `forbidden` when refused.
   */
  async openTerminal(input: OpenTerminalInput): Promise<Result<OpenedTerminal>> {
    if (!this.#owned(input)) return agentNotFound(input.agent_id);
    return this.#terminals.open(input);
  }

  /** Records how a terminal {@link openTerminal} opened ended. */
  closeTerminal(input: CloseTerminalInput): Result<{ seq: number }> {
    if (!this.#owned(input)) return agentNotFound(input.agent_id);
    return this.#terminals.close(input);
  }

  /** Pauses (admits, does not process) or resumes the agent. */
  setStatus(
    address: AgentAddress,
    status: "active" | "paused",
  ): Result<{ agent_id: string; status: AgentStatus }> {
    const meta = this.#owned(address);
    if (!meta) return agentNotFound(address.agent_id);
    if (meta.status === "dead") return fail("agent_dead", `agent ${meta.agent_id} is dead`);
    if (meta.status !== status) {
      this.#store.setStatus(status);
      if (status === "active") {
        this.#schedule.armAlarm();
        this.#schedule.soon();
      }
    }
    return { ok: true, agent_id: meta.agent_id, status };
  }

  /** The durable wake-up: finishes registration and drains whatever is queued. */
  override async alarm(): Promise<void> {
    this.#schedule.alarmFired();
    if (!this.#store.meta()) return;
    await this.#register();
    await this.#schedule.now();
    await this.#automatons.pump();
  }

  /** Installs and starts an automaton run by this agent (`automaton_id` starts with its id). */
  createAutomaton(
    address: AgentAddress,
    input: CreateAutomatonRequest & { automaton_id: string },
  ): Result<AutomatonView> {
    if (!this.#owned(address)) return agentNotFound(address.agent_id);
    if (!input.automaton_id.startsWith(address.agent_id)) {
      return fail("invalid_request", "automaton_id must start with the agent's id");
    }
    return this.#automatons.install(
      address.agent_id,
      input.automaton_id,
      input.kind,
      input.schedule,
    );
  }

  /** Every automaton of this agent, finished ones too, with its recorded status. */
  automatons(address: AgentAddress): Result<{ automatons: AutomatonView[] }> {
    if (!this.#owned(address)) return agentNotFound(address.agent_id);
    return { ok: true, automatons: this.#automatons.views() };
  }

  /** One automaton of this agent, as recorded. */
  automaton(address: AgentAddress, id: string): Result<AutomatonView> {
    if (!this.#owned(address)) return agentNotFound(address.agent_id);
    return this.#automatons.view(id);
  }

  /** The runtime's entries about one automaton, as a JSON array text. */
  automatonRecord(address: AgentAddress, id: string): Result<{ json: string }> {
    const found = this.automaton(address, id);
    if (!found.ok) return found;
    return { ok: true, json: JSON.stringify(automatonEntries(this.#store, id)) };
  }

  /** Pauses, resumes or stops an automaton (a recorded transition, or 409 naming what is allowed). */
  controlAutomaton(
    address: AgentAddress,
    id: string,
    command: AutomatonCommand,
  ): Result<ControlOutcome> {
    if (!this.#owned(address)) return agentNotFound(address.agent_id);
    return this.#automatons.control(
      id,
      command,
      command === "stop" ? "stopped by request" : undefined,
    );
  }

  /** Begins a tick of a running automaton now (`on_demand`); its work follows. */
  tickAutomaton(address: AgentAddress, id: string): Result<{ automaton_id: string; tick: number }> {
    if (!this.#owned(address)) return agentNotFound(address.agent_id);
    return this.#automatons.requestTick(id);
  }

  /** Delivers messages owed to other agents; what is still owed waits for the alarm. */
  async #deliverOutbox(): Promise<void> {
    const meta = this.#store.meta();
    if (!meta) return;
    const done = await deliverOutbox(
      this.#store,
      (input) => agentStub(this.env, meta.org, input.agent_id).admit(input),
      () => Date.now(),
    );
    if (!done) this.#schedule.armAlarm();
  }

  #owned(address: AgentAddress): Readonly<AgentMeta> | undefined {
    const meta = this.#store.meta();
    if (!meta || meta.org !== address.org || meta.agent_id !== address.agent_id) return undefined;
    return meta;
  }

  /** One drain: the inbox in order, then what is owed to other agents. */
  async #drain(): Promise<void> {
    await drainInbox({
      store: this.#store,
      conversation: this.#conversation,
      callerJwt: (txId) => this.#callerJwts.get(txId),
      provider: this.#providerInstance(),
      turnSetup: () => this.#turnSetup(),
      onEvent: (event) => this.#hub.broadcast([event]),
      isCancelled: (turnSeq) => this.#cancelTurnSeq === turnSeq,
      turnGate: this.#turnGate,
      now: () => Date.now(),
    });
    await this.#deliverOutbox();
  }

  /** The session and tools of the next turn: the agent's latest session, if it has one. */
  #turnSetup(): TurnSetup {
    const sql = this.#store.sql;
    const session = this.#session.get(sql);
    const installed = this.#session.installedTools(sql);
    const tools = turnToolsOf(this.env, loadConfig(this.env), this.#store.requireMeta(), installed);
    return session ? { session, tools } : { tools };
  }

  /** Keeps the session cache exact and tells watchers what was committed. */
  #afterCommit(entries: readonly RecordEntry[]): void {
    this.#session.observe(entries);
    this.#automatons.observe(entries);
    if (this.#hub.hasSockets()) this.#hub.broadcast(commitFrames(entries));
  }

  #streamHost(): StreamHost {
    return streamHostOf({
      env: this.env,
      store: this.#store,
      hub: this.#hub,
      createAgent: (meta) =>
        this.create({ org: meta.org, agent_id: meta.agent_id, settings: {}, now: Date.now() }),
      admit: (input) => this.admit(input),
      approve: (input) => this.approve(input),
      terminalRequests: () => this.#terminals.pending().map((p) => p.tool_use_id),
      cancel: (turnSeq) => {
        this.#cancelTurnSeq = turnSeq;
      },
    });
  }

  #providerInstance(): ModelProvider {
    this.#provider ??= selectProvider(loadConfig(this.env));
    return this.#provider;
  }

  async #register(): Promise<void> {
    const meta = this.#store.meta();
    if (!meta || meta.registered) return;
    try {
      await directoryStub(this.env, meta.org).register(meta.agent_id, meta.created_at);
      this.#store.markRegistered();
    } catch (err) {
      console.error("directory registration failed; the alarm retries it", err);
      this.#schedule.armAlarm();
    }
  }
}
